import Foundation
import Workflow

/// A place in a test file, for failures reported against the line that asked for what did not happen.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One case of a spec test file (``SpecTestSchema/testCase``), decoded; paths are resolved against the test file.
public struct SpecTestCase: Sendable, Hashable {
    /// How a tool runs in the case.
    public enum ToolMode: Sendable, Hashable {
        /// The spec's real `run:` binding.
        case real
        /// Canned answers, first match wins.
        case fixtures([Fixture])
    }

    /// A canned tool answer.
    public struct Fixture: Sendable, Hashable {
        /// Arguments the call must have (subset; strings starting with `~` are regular expressions).
        public var when: [String: JSONValue]
        public var output: JSONValue?
        /// Fails the call with this message instead.
        public var error: String?
    }

    /// A scripted answer to a wait.
    public enum Answer: Sendable, Hashable {
        case approve
        case reject(String)
        case respond([String: JSONValue])
    }

    /// One expected tool call.
    public struct ExpectedCall: Sendable, Hashable {
        public var name: String
        public var args: [String: JSONValue]?
        public var exact: Bool
        /// What the tool must have returned (a subset for objects; `~regex` strings), when given.
        public var result: JSONValue? = nil
        /// Where the expectation is written.
        public var location: SourceLocation
    }

    /// What the output must be.
    public struct OutputExpectation: Sendable, Hashable {
        public var equals: JSONValue?
        public var contains: String?
        public var regex: String?
        public var schema: JSONValue?
        public var location: SourceLocation
    }

    /// What must hold at the end of the run.
    public struct Expectation: Sendable, Hashable {
        public var status: String = "COMPLETED"
        public var toolCalls: [ExpectedCall]?
        /// `ordered`, `unordered` or `exact`.
        public var order: String = "ordered"
        public var notCalled: [String] = []
        public var handoffs: [String]?
        public var waits: Int?
        public var guardrails: [String: String] = [:]
        public var output: OutputExpectation?
        public var maxToolCalls: Int?
        public var maxTurns: Int?
        public var maxTokens: Int?
        /// Where `expect:` is written (or the case, when it has none).
        public var location: SourceLocation

        /// The defaults: the run completes; nothing else is checked.
        public init(location: SourceLocation) { self.location = location }
    }

    public var name: String
    /// The spec file, resolved against the test file's directory.
    public var specPath: String
    public var prompt: String
    public var context: [String: JSONValue]?
    /// The model's turns as a cassette document (`{conversations: [{match: {}, turns: […]}]}`), when written inline.
    public var inlineTurns: JSONValue?
    /// A cassette file, resolved against the test file's directory.
    public var cassettePath: String?
    public var tools: [String: ToolMode]
    public var answers: [Answer]
    public var expect: Expectation
    public var timeoutSeconds: Double
    /// Written by `agentspanc run --record-test`: `agentspanc test --update` may rewrite its `tools:` and `expect:`.
    public var recorded: Bool = false
    /// Where the case starts.
    public var location: SourceLocation

    /// A case with the given parts; the others take the format's defaults (real tools, no answers, 60 s).
    public init(
        name: String, specPath: String, prompt: String, context: [String: JSONValue]? = nil, inlineTurns: JSONValue? = nil,
        cassettePath: String? = nil, tools: [String: ToolMode] = [:], answers: [Answer] = [], expect: Expectation? = nil,
        timeoutSeconds: Double = 60, recorded: Bool = false, location: SourceLocation
    ) {
        self.name = name
        self.specPath = specPath
        self.prompt = prompt
        self.context = context
        self.inlineTurns = inlineTurns
        self.cassettePath = cassettePath
        self.tools = tools
        self.answers = answers
        self.expect = expect ?? Expectation(location: location)
        self.timeoutSeconds = timeoutSeconds
        self.recorded = recorded
        self.location = location
    }
}

/// A loaded test file: its cases, in file order.
public struct SpecTestFile: Sendable, Hashable {
    public var path: String
    public var cases: [SpecTestCase]
}
