import AgentRuntime
import AgentSpec
import Foundation
import Worker
import Workflow

/// What a case's run did, as the expectations read it.
struct Observation: Sendable {
    struct Call: Sendable {
        var name: String
        var args: JSONValue
        /// What the tool returned (`tool_result`), or why it failed (`error`), once known.
        var result: JSONValue? = nil
        var error: String? = nil
    }

    var status: String
    var reason: String?
    var output: [String: JSONValue]
    var calls: [Call]
    var handoffs: [String]
    var waits: Int
    var guardrails: [String: String]
    var turns: Int
    var tokens: Int

    /// The result text (`output.result`, or the output as JSON).
    var text: String {
        if let result = output["result"]?.stringValue { return result }
        return output["result"].map { $0.jsonText() } ?? JSONValue.object(output).jsonText()
    }
}

extension SpecTestCase.ExpectedCall {
    func isMet(by call: Observation.Call) -> Bool {
        call.name == name && (args.map { ArgumentMatcher.matches(call.args, $0, exact: exact) } ?? true)
            && (result.map { ArgumentMatcher.matches(call.result ?? .null, $0, exact: false) } ?? true)
    }

    var rendered: String {
        (args.map { "\(name) \(JSONValue.object($0).jsonText())" } ?? name) + (result.map { " → \($0.jsonText())" } ?? "")
    }
}

extension SpecTestCase.Expectation {
    /// Every expectation `observation` does not meet.
    func failures(_ observation: Observation) -> [SpecTestFailure] {
        var failures: [SpecTestFailure] = []
        func fail(_ message: String, at location: SourceLocation? = nil, diff: [String]? = nil) {
            failures.append(SpecTestFailure(location: location ?? self.location, message: message, diff: diff))
        }
        if observation.status != status {
            fail("expected status \(status), the run ended \(observation.status)"
                + (observation.reason.map { ": \($0)" } ?? ""))
        }
        let showResults = toolCalls?.contains { $0.result != nil } ?? false
        let actual = observation.calls.map { call in
            "\(call.name) \(call.args.jsonText())"
                + (showResults ? " → " + (call.result?.jsonText() ?? call.error.map { "error: \($0)" } ?? "null") : "")
        }
        if let expected = toolCalls {
            let missing = unmet(expected, observation.calls)
            if expected.isEmpty, order == "exact", !observation.calls.isEmpty {
                fail("expected no tool calls, the run made \(observation.calls.count)",
                     diff: PathDiff.lines(expected: [], actual: actual) { _, _ in false })
            } else if let first = missing.first, first < expected.count {
                let diff = PathDiff.lines(expected: expected.map(\.rendered), actual: actual) { i, j in
                    expected[i].isMet(by: observation.calls[j])
                }
                let what = order == "unordered" ? "was not called" : order == "exact" ? "differs" : "was not called in this order"
                fail("expected tool call \(expected[first].rendered) \(what)", at: expected[first].location, diff: diff)
            }
        }
        for name in notCalled where observation.calls.contains(where: { $0.name == name }) {
            fail("\(name) must not be called, but was: \(observation.calls.filter { $0.name == name }.count) time(s)")
        }
        if let handoffs, handoffs != observation.handoffs {
            fail("expected handoffs \(handoffs), found \(observation.handoffs)",
                 diff: PathDiff.lines(expected: handoffs, actual: observation.handoffs) { handoffs[$0] == observation.handoffs[$1] })
        }
        if let waits, waits != observation.waits { fail("expected \(waits) wait(s) for a human, found \(observation.waits)") }
        for (name, verdict) in guardrails.sorted(by: { $0.key < $1.key }) where observation.guardrails[name] != verdict {
            fail("expected guardrail \(name) to \(verdict), found \(observation.guardrails[name] ?? "no verdict")")
        }
        if let output { failures += output.failures(observation) }
        if let maxToolCalls, observation.calls.count > maxToolCalls {
            fail("at most \(maxToolCalls) tool call(s) expected, the run made \(observation.calls.count)")
        }
        if let maxTurns, observation.turns > maxTurns { fail("at most \(maxTurns) model turn(s) expected, the run took \(observation.turns)") }
        if let maxTokens, observation.tokens > maxTokens { fail("at most \(maxTokens) token(s) expected, the run used \(observation.tokens)") }
        return failures
    }

    /// Indices of expected calls not met, per `order`.
    private func unmet(_ expected: [SpecTestCase.ExpectedCall], _ calls: [Observation.Call]) -> [Int] {
        switch order {
        case "unordered":
            var used = Set<Int>()
            return expected.indices.filter { i in
                guard let j = calls.indices.first(where: { !used.contains($0) && expected[i].isMet(by: calls[$0]) }) else { return true }
                used.insert(j)
                return false
            }
        case "exact":
            let wrong = expected.indices.filter { $0 >= calls.count || !expected[$0].isMet(by: calls[$0]) }
            if !wrong.isEmpty || calls.count <= expected.count { return wrong }
            // Calls beyond the expected ones: reported at the last expected call.
            return [max(expected.count - 1, 0)]
        default:
            var j = 0
            for (i, call) in expected.enumerated() {
                while j < calls.count, !call.isMet(by: calls[j]) { j += 1 }
                if j == calls.count { return Array(i..<expected.count) }
                j += 1
            }
            return []
        }
    }
}

extension SpecTestCase.OutputExpectation {
    func failures(_ observation: Observation) -> [SpecTestFailure] {
        var failures: [SpecTestFailure] = []
        func fail(_ message: String) { failures.append(SpecTestFailure(location: location, message: message)) }
        let text = observation.text
        if let equals {
            let matches = equals.stringValue.map { $0 == text } ?? (equals == .object(observation.output) || equals == observation.output["result"])
            if !matches { fail("expected the output to equal \(equals.jsonText()), found \(Self.clip(text))") }
        }
        if let contains, !text.contains(contains) { fail("expected the output to contain \"\(contains)\", found \(Self.clip(text))") }
        if let regex {
            if (try? NSRegularExpression(pattern: regex)) == nil {
                fail("the regular expression \(regex) does not compile")
            } else if text.range(of: regex, options: .regularExpression) == nil {
                fail("expected the output to match /\(regex)/, found \(Self.clip(text))")
            }
        }
        if let schema {
            let value = (try? JSONValue.parse(text)) ?? observation.output["result"] ?? .object(observation.output)
            guard case .object(let object) = value else {
                fail("expected the output to be a JSON object satisfying the schema, found \(Self.clip(text))")
                return failures
            }
            do {
                _ = try ArgumentValidator(toolName: "output", schema: schema).validate(object)
            } catch {
                fail("the output does not satisfy the schema: \(error.problems.joined(separator: "; "))")
            }
        }
        return failures
    }

    static func clip(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return "\"" + (flat.count > 160 ? String(flat.prefix(157)) + "…" : flat) + "\""
    }
}
