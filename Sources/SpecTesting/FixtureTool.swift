import AgentSpec
import Foundation
import Worker
import Workflow

/// A tool answered from a test case's fixtures: the first fixture whose `when` matches the call's arguments
/// answers it; a call no fixture matches fails for good, naming its arguments (the model sees the error).
struct FixtureTool: ToolExecutor {
    let name: String
    let fixtures: [SpecTestCase.Fixture]
    var description: String { "fixture of \(name)" }
    var isIdempotent: Bool { true }

    func execute(_ invocation: ToolInvocation) async -> ToolOutcome {
        let arguments = JSONValue.object(invocation.input)
        guard let fixture = fixtures.first(where: { ArgumentMatcher.matches(arguments, $0.when, exact: false) }) else {
            return .terminal("no fixture of \(name) matches the arguments \(arguments.jsonText())")
        }
        if let error = fixture.error { return .terminal(error) }
        switch fixture.output {
        case .object(let object): return .completed(object)
        case let other?: return .completed(["result": other])
        case nil: return .completed([:])
        }
    }
}

/// Matches arguments against an expectation: every expected key must be present with an equal value (objects
/// recursively as subsets unless `exact`); an expected string starting with `~` is a regular expression the
/// actual value (as text) must match.
enum ArgumentMatcher {
    static func matches(_ actual: JSONValue, _ expected: [String: JSONValue], exact: Bool) -> Bool {
        guard case .object(let object) = actual else { return expected.isEmpty }
        if exact, Set(object.keys) != Set(expected.keys) { return false }
        return expected.allSatisfy { key, value in object[key].map { matches($0, value, exact: exact) } ?? false }
    }

    static func matches(_ actual: JSONValue, _ expected: JSONValue, exact: Bool) -> Bool {
        switch expected {
        case .string(let text) where text.hasPrefix("~"):
            let pattern = String(text.dropFirst())
            let subject = actual.stringValue ?? actual.jsonText()
            return subject.range(of: pattern, options: .regularExpression) != nil
        case .object(let object):
            return matches(actual, object, exact: exact)
        case .array(let items):
            guard case .array(let values) = actual, values.count == items.count else { return false }
            return zip(values, items).allSatisfy { matches($0, $1, exact: exact) }
        case .int, .double:
            return actual.doubleValue == expected.doubleValue
        default:
            return actual == expected
        }
    }
}
