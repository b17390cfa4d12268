import Foundation
import TestSupport
import Testing
import Workflow

/// A multi-agent parent's `budget:` bounds the whole run under each strategy family: what its sub-agents spend
/// counts against it, and a cassette model that never stops on its own is stopped with one `budget_exhausted`.
@Suite(.serialized)
struct MultiAgentBudgetTests {
    /// A sub-agent whose model calls `tool` forever.
    static func looper(_ name: String, tool: String, budget: String? = nil, indent: String = "  ") -> String {
        var lines = [
            "- name: \(name)", "  model: openai/gpt-4o", "  instructions: You are \(name); keep working.", "  maxTurns: 40",
        ]
        if let budget { lines.append("  budget: {\(budget)}") }
        lines += [
            "  tools:", "    - name: \(tool)", "      description: One more step.", "      effects: read",
            "      inputSchema: {type: object, properties: {}}", "      run:", "        command: [/bin/echo, \(tool)]",
        ]
        return lines.map { indent + $0 }.joined(separator: "\n")
    }

    /// A cassette conversation answering the agent whose instructions contain `system` with `turns` turns calling
    /// `tool` (or plain `content` when `tool` is nil).
    static func conversation(system: String, tool: String?, content: String = "Working.", turns: Int = 30) -> String {
        let turn = tool.map { """
                  - content: \(content)
                    toolCalls: [{name: \($0), arguments: {}}]
                    usage: {promptTokens: 100, completionTokens: 50}
            """ } ?? """
                  - content: \(content)
                    usage: {promptTokens: 200, completionTokens: 100}
            """
        return """
              - match: {system: "\(system)"}
                turns:

            """ + Array(repeating: turn, count: turns).joined(separator: "\n")
    }

    struct Outcome {
        var events: [JSONValue]
        var status: JSONValue
        var stdout: String
        var stderr: String

        var exhausted: [JSONValue] { events.filter { $0["type"] == "budget_exhausted" } }
        func calls(_ tool: String) -> Int { events.filter { $0["type"] == "tool_call" && $0["toolName"].stringValue == tool }.count }
    }

    /// Runs `spec` with the cassette's conversations to its end; returns its events and final status.
    static func run(_ spec: String, conversations: [String]) async throws -> Outcome {
        let directory = try makeTemporaryDirectory(prefix: "budget")
        let specPath = directory + "/team.yaml"
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let cassette = directory + "/team.cassette.yaml"
        try ("conversations:\n" + conversations.joined(separator: "\n") + "\n").write(toFile: cassette, atomically: true, encoding: .utf8)
        let stack = try LocalStack(cassette: cassette)
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let (code, out, err) = try await stack.cli(["run", specPath, "budget test", "--json"], timeout: .seconds(180))
        #expect(code == 0, "\(err)")
        let events = out.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        // Events of sub-agents carry their own execution ids; `done` is the root's.
        let id = try #require(events.last { $0["type"] == "done" }?["executionId"].stringValue, "\(out)\n\(err)")
        let (_, statusText, _) = try await stack.cli(["status", id])
        return Outcome(events: events, status: (try? JSONValue.parse(statusText)) ?? .null, stdout: out, stderr: err)
    }

    /// The run ended cleanly on the budget: the last event is `done`, the output says BUDGET_EXHAUSTED and the
    /// status shows the root's spend against its limits.
    static func expectCleanStop(_ outcome: Outcome, limits: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.events.last?["type"] == "done", "\(outcome.stdout)", sourceLocation: sourceLocation)
        #expect(outcome.status["status"] == "COMPLETED", "\(outcome.status)", sourceLocation: sourceLocation)
        #expect(outcome.status["output"]["finishReason"] == "BUDGET_EXHAUSTED", "\(outcome.status)", sourceLocation: sourceLocation)
        #expect(outcome.status["budget"]["limits"] == limits, "\(outcome.status)", sourceLocation: sourceLocation)
    }

    @Test func handoffParentsTokenBudgetCountsWhatItsSubAgentsSpent() async throws {
        // The coordinator never says DONE; each writer turn spends 300 tokens.
        let outcome = try await Self.run("""
            name: team
            model: openai/gpt-4o
            instructions: Route to the writer.
            strategy: handoff
            maxTurns: 20
            budget: {maxTokens: 1000}
            agents:
              - {name: writer, model: openai/gpt-4o, instructions: You are the writer.}
            """, conversations: [
                Self.conversation(system: "You are a coordinator", tool: nil, content: "writer"),
                Self.conversation(system: "You are the writer", tool: nil, content: "A paragraph."),
            ])
        let exhausted = try #require(outcome.exhausted.first, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.exhausted.count == 1)
        #expect(exhausted["content"] == "budget exhausted: maxTokens of team (1200 used of 1000)", "\(exhausted)")
        #expect(outcome.status["budget"]["spent"]["tokens"] == 1200, "\(outcome.status)")
        Self.expectCleanStop(outcome, limits: ["maxTokens": 1000])
    }

    @Test func sequentialParentsBudgetStopsALaterStageAndAStagesOwnBudgetStillBoundsIt() async throws {
        let outcome = try await Self.run("""
            name: pipeline
            strategy: sequential
            budget: {maxToolCalls: 10}
            agents:
            \(Self.looper("first", tool: "tick", budget: "maxToolCalls: 2"))
            \(Self.looper("second", tool: "tock"))
            """, conversations: [
                Self.conversation(system: "You are first", tool: "tick"), Self.conversation(system: "You are second", tool: "tock"),
            ])
        #expect(outcome.calls("tick") == 2, "the stage's own budget stopped it: \(outcome.stdout)")
        #expect(outcome.calls("tock") == 8, "the parent's budget stopped the next stage: \(outcome.stdout)")
        #expect(outcome.exhausted.map(\.["content"]) == [
            "budget exhausted: maxToolCalls of first (2 used of 2)", "budget exhausted: maxToolCalls of pipeline (10 used of 10)",
        ], "\(outcome.exhausted)")
        #expect(outcome.status["budget"]["spent"]["toolCalls"] == 10, "\(outcome.status)")
        Self.expectCleanStop(outcome, limits: ["maxToolCalls": 10])
    }

    @Test func parallelBranchesShareWhatIsLeftSoTogetherTheyStayWithinTheParentsBudget() async throws {
        let outcome = try await Self.run("""
            name: fan
            strategy: parallel
            budget: {maxToolCalls: 4}
            agents:
            \(Self.looper("left", tool: "tick"))
            \(Self.looper("right", tool: "tock"))
            """, conversations: [
                Self.conversation(system: "You are left", tool: "tick"), Self.conversation(system: "You are right", tool: "tock"),
            ])
        #expect(outcome.calls("tick") == 2 && outcome.calls("tock") == 2, "\(outcome.stdout)")
        #expect(outcome.exhausted.count == 2, "each branch stopped on its share: \(outcome.exhausted)")
        for event in outcome.exhausted {
            #expect(event["content"] == "budget exhausted: maxToolCalls of fan (2 used of 2, a 1/2 share of 4 for branches running at once)")
        }
        #expect(outcome.status["budget"]["spent"]["toolCalls"] == 4, "\(outcome.status)")
        Self.expectCleanStop(outcome, limits: ["maxToolCalls": 4])
    }

    @Test func roundRobinParentsBudgetStopsASubAgentMidLoop() async throws {
        let outcome = try await Self.run("""
            name: circle
            strategy: round_robin
            maxTurns: 10
            budget: {maxToolCalls: 3}
            agents:
            \(Self.looper("north", tool: "tick"))
            \(Self.looper("south", tool: "tock"))
            """, conversations: [
                Self.conversation(system: "You are north", tool: "tick"), Self.conversation(system: "You are south", tool: "tock"),
            ])
        let (north, south) = (outcome.calls("tick"), outcome.calls("tock"))
        #expect(north + south == 3 && min(north, south) == 0, "the first speaker was stopped mid-loop: \(outcome.stdout)")
        #expect(outcome.exhausted.map(\.["content"]) == ["budget exhausted: maxToolCalls of circle (3 used of 3)"], "\(outcome.exhausted)")
        Self.expectCleanStop(outcome, limits: ["maxToolCalls": 3])
    }

    @Test func swarmParentsBudgetCountsItsOwnTransferAndTheMembersCalls() async throws {
        let outcome = try await Self.run("""
            name: hive
            model: openai/gpt-4o
            instructions: You are the hive; hand the work to bee.
            strategy: swarm
            budget: {maxToolCalls: 3}
            agents:
            \(Self.looper("bee", tool: "tick"))
            """, conversations: [
                Self.conversation(system: "You are the hive", tool: "hive_transfer_to_bee", turns: 1),
                Self.conversation(system: "You are bee", tool: "tick"),
            ])
        #expect(outcome.calls("tick") == 2, "the transfer was the first of three calls: \(outcome.stdout)")
        #expect(outcome.exhausted.map(\.["content"]) == ["budget exhausted: maxToolCalls of hive (3 used of 3)"], "\(outcome.exhausted)")
        Self.expectCleanStop(outcome, limits: ["maxToolCalls": 3])
    }

    @Test func hybridParentsBudgetBoundsTheSubAgentItTransfersTo() async throws {
        let outcome = try await Self.run("""
            name: lead
            model: openai/gpt-4o
            instructions: You are the lead; transfer to helper.
            budget: {maxToolCalls: 3}
            tools:
              - name: look
                description: Look around.
                effects: read
                inputSchema: {type: object, properties: {}}
                run:
                  command: [/bin/echo, look]
            agents:
            \(Self.looper("helper", tool: "tick"))
            """, conversations: [
                Self.conversation(system: "You are the lead", tool: "lead_transfer_to_helper", turns: 1),
                Self.conversation(system: "You are helper", tool: "tick"),
            ])
        #expect(outcome.calls("tick") == 2, "\(outcome.stdout)")
        #expect(outcome.exhausted.map(\.["content"]) == ["budget exhausted: maxToolCalls of lead (3 used of 3)"], "\(outcome.exhausted)")
        Self.expectCleanStop(outcome, limits: ["maxToolCalls": 3])
    }
}
