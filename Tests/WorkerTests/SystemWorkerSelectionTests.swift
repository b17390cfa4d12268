import AgentSpec
import Testing
import Workflow
@testable import Worker

/// The manual strategy's process_selection worker.
struct SystemWorkerSelectionTests {
    let selection = ProcessSelection(agents: ["writer", "editor"])

    static let answers: [(JSONValue, String)] = [
        (["selected": "editor"], "1"), (["selected": "Writer"], "0"), (["selected": "1"], "1"), (["selected": 0], "0"),
        (["agent": "editor"], "1"), (["agent": 1], "1"), ("editor", "1"), (["result": "writer"], "0"),
    ]

    @Test(arguments: answers)
    func answersMapToIndexes(answer: JSONValue, index: String) {
        #expect(selection.evaluate(["human_output": answer]) == .completed(["selected": .string(index)]))
    }

    @Test func anAnswerNamingNoAgentFailsTerminally() {
        for answer: JSONValue in [["selected": "publisher"], ["selected": 2], [:], .null] {
            let outcome = selection.evaluate(["human_output": answer])
            #expect(outcome.status == .failedWithTerminalError)
            #expect(outcome.reason?.contains("writer, editor") == true)
        }
    }
}
