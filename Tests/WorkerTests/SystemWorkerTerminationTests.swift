import AgentSpec
import Testing
import Workflow
@testable import Worker

/// The `R(X)_termination` worker: every condition type and the and/or tree, with the reference reasons.
struct SystemWorkerTerminationTests {
    func verdict(_ config: TerminationConfig, _ input: [String: JSONValue]) -> (Bool, String) {
        let output = TerminationCondition(config).evaluate(input)
        return (output["should_continue"]?.boolValue ?? true, output["reason"]?.stringValue ?? "?")
    }

    @Test func textMentionIsCaseSensitiveByDefault() {
        let config = TerminationConfig(type: "text_mention", text: "AGREED")
        #expect(verdict(config, ["result": "we AGREED at last", "iteration": 2]) == (false, "Text mention detected: AGREED"))
        #expect(verdict(config, ["result": "we agreed at last", "iteration": 2]) == (true, ""))
        let insensitive = TerminationConfig(type: "text_mention", text: "AGREED", caseSensitive: false)
        #expect(verdict(insensitive, ["result": "we agreed at last"]).0 == false)
    }

    @Test func stopMessageComparesTheTrimmedResult() {
        let config = TerminationConfig(type: "stop_message", stopMessage: "DONE")
        #expect(verdict(config, ["result": "  DONE\n"]) == (false, "Stop message received"))
        #expect(verdict(config, ["result": "DONE and more"]).0 == true)
        #expect(verdict(TerminationConfig(type: "stop_message"), ["result": "TERMINATE"]).0 == false)
    }

    @Test func maxMessageCountsIterationsFromNumbersOrStrings() {
        let config = TerminationConfig(type: "max_message", maxMessages: 3)
        #expect(verdict(config, ["result": "x", "iteration": 2]).0 == true)
        #expect(verdict(config, ["result": "x", "iteration": 3]) == (false, "Max messages reached: 3"))
        #expect(verdict(config, ["result": "x", "iteration": "4"]).0 == false)
        #expect(verdict(TerminationConfig(type: "max_message"), ["iteration": 9]).0 == true)
        #expect(verdict(TerminationConfig(type: "max_message"), ["iteration": 10]).0 == false)
    }

    @Test func tokenUsageReadsTheUsageOfTheResult() {
        let config = TerminationConfig(type: "token_usage", maxTotalTokens: 100, maxCompletionTokens: 0)
        let over: JSONValue = ["tokenUsed": ["total_tokens": 150, "completion_tokens": 900]]
        #expect(verdict(config, ["result": over]) == (false, "Total token limit exceeded"))
        #expect(verdict(config, ["result": ["tokenUsed": ["total_tokens": 100]]]).0 == true)
        #expect(verdict(config, ["result": "no usage here"]).0 == true)
        #expect(verdict(config, ["result": "x", "usage": ["totalTokens": 101]]).0 == false)
    }

    @Test func andOrCombineChildrenAndJoinReasons() {
        let mention = TerminationConfig(type: "text_mention", text: "bye")
        let turns = TerminationConfig(type: "max_message", maxMessages: 2)
        let both = TerminationConfig(type: "and", conditions: [mention, turns])
        #expect(verdict(both, ["result": "bye", "iteration": 1]).0 == true)
        #expect(verdict(both, ["result": "bye", "iteration": 2]) == (false, "Text mention detected: bye; Max messages reached: 2"))
        let either = TerminationConfig(type: "or", conditions: [mention, turns])
        #expect(verdict(either, ["result": "hi", "iteration": 2]) == (false, "Max messages reached: 2"))
        #expect(verdict(either, ["result": "hi", "iteration": 1]) == (true, ""))
        #expect(verdict(TerminationConfig(type: "and", conditions: []), ["result": "x"]).0 == true)
    }

    @Test func unknownTypesAndMissingInputsContinue() {
        #expect(verdict(TerminationConfig(type: "sentiment"), ["result": "x"]) == (true, ""))
        #expect(verdict(TerminationConfig(type: "text_mention", text: "x"), [:]) == (true, ""))
    }

    @Test func theExecutorCompletesWithTheVerdict() async {
        let worker = TerminationCondition(TerminationConfig(type: "text_mention", text: "AGREED")).executor(name: "debate_termination")
        let outcome = await worker.execute(
            ToolInvocation(input: ["result": "AGREED", "iteration": 1], taskID: "t", executionID: "e", toolName: worker.name))
        #expect(outcome == .completed(["should_continue": false, "reason": "Text mention detected: AGREED"]))
        #expect(worker.name == "debate_termination")
    }
}
