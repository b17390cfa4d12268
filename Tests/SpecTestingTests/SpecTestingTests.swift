import AgentSpec
import Foundation
import SpecTesting
import TestSupport
import Testing
import Workflow

/// `agentspanc test`'s loader and runner: strict, located test files; cases run offline on an embedded engine;
/// failures located at the line that asked for what did not happen.
@Suite struct SpecTestingTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let opsSpec = root + "/specs/ops_agent.yaml"
    static let approvalSpec = root + "/Tests/EndToEndTests/Fixtures/ops_approval.yaml"
    static let opsCassette = root + "/specs/ops_agent.cassette.yaml"

    /// Writes a test file for the given spec into a fresh directory and loads it.
    func load(_ yaml: String) throws -> SpecTestFile {
        let path = try makeTemporaryDirectory() + "/case.test.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try SpecTestLoader.load(path: path)
    }

    func loadErrors(_ yaml: String) throws -> [Diagnostic] {
        do {
            _ = try load(yaml)
            Issue.record("the file loaded")
            return []
        } catch let error as SpecError {
            return error.errors
        }
    }

    @Test func theSpecsOwnTestsPass() async throws {
        let file = try SpecTestLoader.load(path: Self.root + "/specs/ops_agent.test.yaml")
        #expect(file.cases.count >= 3)
        let results = await SpecTestRunner().run(file.cases)
        for result in results { #expect(result.passed, "\(result.name): \(result.failures.map { $0.rendered() })") }
    }

    @Test func unknownKeysWrongTypesAndMissingToolsAreLocatedErrors() throws {
        let errors = try loadErrors("""
            - name: one
              spec: \(Self.opsSpec)
              prompt: hi
              turns: [{content: done}]
              tools:
                check_servce: {run: true}
              expect:
                toolCals: []
                waits: -1
                notCalled: [restart_servic]
            - prompt: no name and no turns
              spec: \(Self.opsSpec)
            """)
        let rendered = errors.map { "\($0.line):\($0.column) \($0.message)" }
        #expect(rendered.contains { $0.hasPrefix("6:5 ") && $0.contains("tool 'check_servce'") && $0.contains("did you mean 'check_service'") }, "\(rendered)")
        #expect(rendered.contains { $0.hasPrefix("8:5 ") && $0.contains("unknown key 'toolCals'") && $0.contains("did you mean 'toolCalls'") }, "\(rendered)")
        #expect(rendered.contains { $0.hasPrefix("9:5 ") || ($0.contains("'waits' must be zero or more")) }, "\(rendered)")
        #expect(rendered.contains { $0.contains("tool 'restart_servic'") }, "\(rendered)")
        #expect(rendered.contains { $0.hasPrefix("11:3 ") && $0.contains("missing required key 'name'") }, "\(rendered)")
        #expect(rendered.contains { $0.contains("needs the model's turns") }, "\(rendered)")
    }

    @Test func aFailedExpectationShowsTheExpectedAndActualPathAtItsLine() async throws {
        let file = try load("""
            - name: expects a restart that never comes
              spec: \(Self.opsSpec)
              prompt: Is search healthy?
              tools:
                check_service:
                  fixtures:
                    - output: {status: healthy}
              turns:
                - content: Checking.
                  toolCalls: [{name: check_service, arguments: {service_name: search}}]
                - content: All good.
              expect:
                toolCalls:
                  - name: check_service
                  - name: restart_service
                    args: {service_name: search}
                output:
                  equals: All good.
            """)
        let result = try #require(await SpecTestRunner().run(file.cases).first)
        #expect(!result.passed)
        let failure = try #require(result.failures.first)
        #expect(failure.location.line == 15, "the line of the expected call that did not happen")
        #expect(failure.message.contains("restart_service"))
        #expect(failure.diff == [
            "--- expected", "+++ actual", "  check_service {\"service_name\":\"search\"}", "- restart_service {\"service_name\":\"search\"}",
        ])
        #expect(result.failures.count == 1, "the output expectation held: \(result.failures)")
    }

    @Test func argumentMatchersOrderAndBudgets() async throws {
        let file = try load("""
            - name: two checks
              spec: \(Self.opsSpec)
              prompt: Check search and mail.
              tools:
                check_service:
                  fixtures:
                    - when: {service_name: "~^ma"}
                      output: {status: degraded}
                    - output: {status: healthy}
              turns:
                - content: Checking both.
                  toolCalls:
                    - {name: check_service, arguments: {service_name: search}}
                    - {name: check_service, arguments: {service_name: mail}}
                - content: "Search is healthy; mail is degraded."
              expect:
                order: unordered
                toolCalls:
                  - {name: check_service, args: {service_name: mail}}
                  - {name: check_service, args: {service_name: search}, exact: true}
                output:
                  regex: "mail is degraded"
                budgets: {maxToolCalls: 2, maxTurns: 2}
            - name: the same, ordered the wrong way round and over budget
              spec: \(Self.opsSpec)
              prompt: Check search and mail.
              tools:
                check_service:
                  fixtures:
                    - output: {status: healthy}
              turns:
                - content: Checking both.
                  toolCalls:
                    - {name: check_service, arguments: {service_name: search}}
                    - {name: check_service, arguments: {service_name: mail}}
                - content: Both healthy.
              expect:
                order: exact
                toolCalls:
                  - {name: check_service, args: {service_name: mail}}
                  - {name: check_service, args: {service_name: search}}
                budgets: {maxToolCalls: 1, maxTurns: 1}
            """)
        let results = await SpecTestRunner().run(file.cases)
        #expect(results.count == 2)
        #expect(results[0].passed, "\(results[0].failures.map { $0.rendered() })")
        let messages = results[1].failures.map(\.message)
        #expect(messages.contains { $0.contains("check_service {\"service_name\":\"mail\"}") && $0.contains("differs") }, "\(messages)")
        #expect(messages.contains { $0.contains("at most 1 tool call(s) expected, the run made 2") }, "\(messages)")
        #expect(messages.contains { $0.contains("at most 1 model turn(s) expected, the run took 2") }, "\(messages)")
    }

    @Test func scriptedAnswersApproveOrRejectAWaitingTool() async throws {
        let file = try load("""
            - name: approved
              spec: \(Self.approvalSpec)
              prompt: The payments service is throwing 503s. Investigate and fix it.
              cassette: \(Self.opsCassette)
              answers: [{approve: true}]
              expect:
                waits: 1
                toolCalls: [{name: restart_service, args: {service_name: payments}}]
            - name: rejected
              spec: \(Self.approvalSpec)
              prompt: The payments service is throwing 503s. Investigate and fix it.
              cassette: \(Self.opsCassette)
              answers: [{reject: not during business hours}]
              expect:
                waits: 1
                notCalled: [restart_service]
            - name: no answer left
              spec: \(Self.approvalSpec)
              prompt: The payments service is throwing 503s. Investigate and fix it.
              cassette: \(Self.opsCassette)
              expect: {}
            """)
        let results = await SpecTestRunner().run(file.cases)
        #expect(results[0].passed, "\(results[0].failures.map { $0.rendered() })")
        #expect(results[1].passed, "\(results[1].failures.map { $0.rendered() })")
        #expect(results[2].failures.first?.message.contains("the case has no answer left") == true, "\(results[2].failures)")
        #expect(results[2].failures.first?.location.line == 17)
    }

    @Test func theSchemaOfTestFilesNamesEveryCaseKey() {
        let schema = SpecTestSchema.jsonSchema()
        let properties = schema["definitions"]["testCase"]["properties"].objectValue ?? [:]
        #expect(Set(properties.keys) == Set(SpecTestSchema.testCase.fields.map(\.name)))
        #expect(schema["items"]["$ref"] == "#/definitions/testCase")
        #expect(schema["definitions"]["testCase"]["additionalProperties"] == false)
    }
}
