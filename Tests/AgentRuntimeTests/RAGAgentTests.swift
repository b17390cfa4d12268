import AgentRuntime
import Foundation
import Testing
import Workflow

/// A compiled spec with `rag_index` and `rag_search` tools runs to completion on the embedded server with a cassette
/// model: the model stores notes, searches them, and answers from what the search returned. No worker runs.
@Suite struct RAGAgentTests {
    static let spec = AgentRuntimeTests.root.appendingPathComponent("specs/examples/rag.yaml").path

    @Test func theAgentIndexesThenSearchesAndAnswersFromWhatItFound() async throws {
        let (url, stop) = try await AgentRuntimeTests.server(cassette: "specs/examples/rag.cassette.yaml")
        defer { Task { await stop() } }
        let runtime = AgentRuntime(serverURL: url)
        let agent = try Agent.load(path: Self.spec)

        let stored = try await runtime.run(agent, "Remember the office wifi password and where visitors park.")
        #expect(stored.isSuccess, "\(stored.reason ?? "")")
        #expect(stored.text.contains("orange-kite-42"))
        let execution = try await runtime.client.conductor.workflow(id: stored.executionID)
        let all = execution.tasks
        let indexed = all.filter { $0.taskType == "LLM_INDEX_TEXT" }
        #expect(indexed.count == 2)
        #expect(indexed.allSatisfy { $0.status == .completed && $0.outputData["store"] == "sqlite" })
        let search = try #require(all.first { $0.taskType == "LLM_SEARCH_INDEX" })
        #expect(search.status == .completed)
        let results = try #require(search.outputData["result"]?.arrayValue)
        #expect(results.first?["docId"] == "wifi")
        #expect(results.first?["text"].stringValue?.contains("orange-kite-42") == true)
        // The model's last turn was asked with the search result in its history.
        let turns = all.filter { $0.taskType == "LLM_CHAT_COMPLETE" }
        let lastInput = try #require(turns.last?.inputData["messages"]).jsonText()
        #expect(lastInput.contains("orange-kite-42"))

        // A later execution finds the note stored by the first one.
        let answered = try await runtime.run(agent, "What is the wifi password?")
        #expect(answered.isSuccess, "\(answered.reason ?? "")")
        let later = try await runtime.client.conductor.workflow(id: answered.executionID).tasks
        let found = try #require(later.first { $0.taskType == "LLM_SEARCH_INDEX" }?.outputData["result"]?.arrayValue)
        #expect(found.map { $0["docId"] } == ["wifi", "parking"])
        #expect(answered.text.contains("orange-kite-42"))

        // The stream shows the server-run tool calls and their results like any other tool's.
        var events: [AgentEvent] = []
        for try await event in runtime.stream(agent, "What is the wifi password?") { events.append(event) }
        let call = try #require(events.first { $0.type == .toolCall })
        #expect(call.toolName == "search_notes", "the spec's tool name, not the task type")
        #expect(call.args?["query"] == "office wifi password")
        let result = try #require(events.first { $0.type == .toolResult })
        #expect(result.result?.arrayValue?.first?["docId"] == "wifi")
        #expect(events.last?.type == .done)
    }
}
