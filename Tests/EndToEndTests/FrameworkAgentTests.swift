import Foundation
import Testing

/// The agentspan 0.2.0 SDK's `run()` of framework agents against a real `agentspanc server`: the SDK sends
/// `framework` + `rawConfig`, the server normalises and compiles it, the OpenAI double answers the model calls and
/// the SDK's own workers run the tools (or, for a passthrough LangGraph agent, the whole graph).
@Suite(.serialized)
struct FrameworkAgentTests {
    static let frameworkPackages = [
        "openai-agents": "0.12.2", "google-adk": "2.13.0", "langgraph": "1.2.24", "langchain": "1.5.2",
        "langchain-openai": "1.8.1",
    ]

    /// Runs one scenario of `framework_client.py`; returns its report and the stack (stopped) for the double's log.
    private func scenario(_ mode: String) async throws -> (report: [String: Any], stack: PythonStack) {
        let stack = try PythonStack(python: try await PythonClients.interpreter(also: Self.frameworkPackages))
        let environment = [
            "AGENTSPAN_SERVER_URL": stack.apiURL, "AGENTSPAN_AUTO_START_SERVER": "false", "AGENTSPAN_LOG_LEVEL": "WARNING",
            "AGENTSPAN_API_KEY": "",
        ]
        let (code, out, err) = try await stack.stoppingAfterwards {
            try await stack.startOpenAIDouble()
            try await stack.startServer()
            return try await stack.runScript("framework_client.py", [mode], environment: environment, timeout: .seconds(180))
        }
        let diagnostics =
            "exit \(code.map(String.init) ?? "timeout")\nstdout:\n\(out)\nstderr:\n\(err.suffix(6000))\nserver:\n\(stack.server?.stderr.suffix(4000) ?? "")"
        #expect(code == 0, "\(diagnostics)")
        let report = try #require(out.lastJSONLine, "no report; \(diagnostics)")
        return (report, stack)
    }

    /// The execution as the server stores it.
    private func chatRequests(_ stack: PythonStack) -> [[String: Any]] {
        stack.openAIRequests.filter { ($0["path"] as? String)?.hasSuffix("/chat/completions") == true }
    }

    /// The final answer quotes what the SDK's worker returned; the double saw the tool result in the second turn.
    private func expectToolRoundTrip(_ report: [String: Any], _ stack: PythonStack, turns: Int = 2) throws {
        let result = try #require(report["result"] as? [String: Any], "\(report)")
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let answer = "\(result["output"] ?? "")"
        #expect(answer.contains("Final answer:") && answer.contains("72F"), "\(result)")
        let requests = chatRequests(stack)
        #expect(requests.count == turns, "\(requests.count) model calls")
        let second = (requests.dropFirst().first?["body"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        #expect(second.last?["role"] as? String == "tool", "\(second)")
        // The tool ran in a worker process the SDK started, not in the script's own process.
        let pid = report["pid"] as? Int ?? -1
        let toolText = "\(second.last?["content"] ?? "")"
        #expect(toolText.contains("served_by_pid") && !toolText.contains("\"served_by_pid\": \(pid)"), "\(toolText)")
    }

    @Test func openAIAgentsSDKAgentRunsToCompletion() async throws {
        let (report, stack) = try await scenario("openai")
        try expectToolRoundTrip(report, stack)
        let first = chatRequests(stack).first?["body"] as? [String: Any]
        #expect(first?["model"] as? String == "gpt-4o")
        let tools = (first?["tools"] as? [[String: Any]] ?? []).compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
        #expect(tools == ["get_weather"])
        let system = ((first?["messages"] as? [[String: Any]])?.first?["content"] as? String) ?? ""
        #expect(system.contains("Answer weather questions."), "\(system)")
    }

    @Test func googleADKSequentialAgentRunsToCompletion() async throws {
        let (report, stack) = try await scenario("adk")
        let result = try #require(report["result"] as? [String: Any], "\(report)")
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        // Researcher: tool call + answer; writer: one answer. Each stage got its own instruction.
        let requests = chatRequests(stack)
        #expect(requests.count == 3, "\(requests.count) model calls")
        let systems = requests.compactMap { (($0["body"] as? [String: Any])?["messages"] as? [[String: Any]])?.first?["content"] as? String }
        #expect((systems.first ?? "").contains("Find the weather."), "\(systems)")
        #expect((systems.last ?? "").contains("Write one sentence."), "\(systems)")
        let second = (requests.dropFirst().first?["body"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        let toolText = "\(second.last?["content"] ?? "")"
        #expect(toolText.contains("72F"), "\(second)")
    }

    @Test func langGraphCreateAgentRunsWithServerSideModel() async throws {
        let (report, stack) = try await scenario("langgraph-tools")
        try expectToolRoundTrip(report, stack)
    }

    @Test func langGraphPassthroughRunsTheGraphInTheSDKsWorker() async throws {
        let (report, stack) = try await scenario("langgraph-passthrough")
        let result = try #require(report["result"] as? [String: Any], "\(report)")
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let output = "\(result["output"] ?? "")"
        #expect(output.contains("HELLO! (pid"), "\(result)")
        #expect(chatRequests(stack).isEmpty, "the graph needs no model")
        // While it ran, the SDK's worker pushed a thinking event per node (POST /api/agent/events/{id}) into the stream.
        let events = report["events"] as? [[Any]] ?? []
        let thinking = events.filter { $0.first as? String == "thinking" }.compactMap { $0.last as? String }
        #expect(thinking.contains("shout") && thinking.contains("exclaim"), "\(events)")
    }

    /// An agentskills.io skill (`skill(path, model=…)`): the server's model uses the skill's script, which the SDK's
    /// worker runs.
    @Test func skillRunsItsScriptThroughTheSDKsWorker() async throws {
        let (report, stack) = try await scenario("skill")
        let result = try #require(report["result"] as? [String: Any], "\(report)")
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let first = chatRequests(stack).first?["body"] as? [String: Any]
        let tools = (first?["tools"] as? [[String: Any]] ?? []).compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
        #expect(tools == ["shouter__shout", "shouter__read_skill_file"], "\(tools)")
        let system = ((first?["messages"] as? [[String: Any]])?.first?["content"] as? String) ?? ""
        #expect(system.contains("Shout the user's words with the shout script."), "\(system)")
        let answer = "\(result["output"] ?? "")"
        let pid = report["pid"] as? Int ?? -1
        #expect(answer.contains("Final answer:") && answer.contains("X FROM PID") && !answer.contains("PID \(pid)"), "\(answer)")
    }

    /// A custom StateGraph: one task per node, each run by the SDK's node worker with the state passed along.
    @Test func langGraphGraphStructureRunsNodeByNode() async throws {
        let (report, stack) = try await scenario("langgraph-graph")
        let result = try #require(report["result"] as? [String: Any], "\(report)")
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        #expect("\(result["output"] ?? "")".contains("HELLO! (pid"), "\(result)")
        #expect(chatRequests(stack).isEmpty, "the graph needs no model")
    }

    /// StateGraphs with conditional edges, fan-out/fan-in (also with Send), loops, and LLM, human and subgraph nodes
    /// (`framework_graphs.py`): each runs on the server node by node, the SDK's workers running the node, router and
    /// prep/finish functions, the server making the LLM node's model call and waiting for the human node's answer.
    @Test func langGraphStructuresRunNodeByNode() async throws {
        let stack = try PythonStack(python: try await PythonClients.interpreter(also: Self.frameworkPackages))
        let environment = [
            "AGENTSPAN_SERVER_URL": stack.apiURL, "AGENTSPAN_AUTO_START_SERVER": "false", "AGENTSPAN_LOG_LEVEL": "WARNING",
            "AGENTSPAN_API_KEY": "",
        ]
        let (code, out, err) = try await stack.stoppingAfterwards {
            try await stack.startOpenAIDouble()
            try await stack.startServer()
            return try await stack.runScript("framework_graphs.py", [], environment: environment, timeout: .seconds(400))
        }
        let diagnostics =
            "exit \(code.map(String.init) ?? "timeout")\nstdout:\n\(out.suffix(6000))\nstderr:\n\(err.suffix(6000))\nserver:\n\(stack.server?.stderr.suffix(4000) ?? "")"
        #expect(code == 0, "\(diagnostics)")
        let report = try #require(out.lastJSONLine, "no report; \(diagnostics)")
        let runs = try #require(report["runs"] as? [String: [String: Any]], "\(report)")
        func run(_ name: String) -> (output: String, tasks: [String]) {
            let record = runs[name] ?? [:]
            #expect(record["status"] as? String == "COMPLETED", "\(name): \(record)")
            // The workflow's output is `{result: <text>}`, the text often the final state as JSON.
            let output = (record["output"] as? [String: Any])?["result"] as? String ?? "\(record["output"] ?? "")"
            return (output, record["tasks"] as? [String] ?? [])
        }
        // Conditional edge: the router's decision picks the branch; both branches meet again at `sign`.
        let good = run("mood_good"), bad = run("mood_bad")
        #expect(good.output.contains("Great to hear! -- bot") && bad.output.contains("Sorry to hear that. -- bot"), "\(good) \(bad)")
        #expect(good.tasks.contains("fw_lg_mood_cheer") && !good.tasks.contains("fw_lg_mood_console"), "\(good.tasks)")
        #expect(bad.tasks.contains("fw_lg_mood_console") && !bad.tasks.contains("fw_lg_mood_cheer"), "\(bad.tasks)")
        // Fan-out: both branches ran in parallel; the operator.add reducer kept both notes for the node after the join.
        let research = run("research")
        #expect(research.output.contains("economics of tea & history of tea"), "\(research)")
        #expect(research.tasks.contains("_fork_plan") && research.tasks.contains("_join_plan"), "\(research.tasks)")
        // Loops: the conditional edge back to `write`, and the ReAct shape (router → act → plain edge back).
        let rewrite = run("rewrite")
        #expect(rewrite.output.contains("draft+++") && rewrite.output.contains("\"rounds\": 3"), "\(rewrite)")
        #expect(rewrite.tasks.filter { $0.hasPrefix("fw_lg_rewrite_write__") }.count == 3, "\(rewrite.tasks)")
        let react = run("react")
        #expect(react.output.contains("go**") && react.output.contains("\"rounds\": 3"), "\(react)")
        #expect(react.tasks.filter { $0.hasPrefix("fw_lg_react_act__") }.count == 2, "\(react.tasks)")
        // LLM node: the server made the call the node's llm.invoke() asked for; the finish worker used its answer.
        let ask = run("ask")
        #expect(ask.output.contains("model said: Nothing to do."), "\(ask)")
        #expect(ask.tasks.contains("fw_lg_ask_ask_llm"), "\(ask.tasks)")
        let calls = chatRequests(stack).compactMap { ($0["body"] as? [String: Any])?["messages"] as? [[String: Any]] }
        let asked = calls.first { messages in messages.contains { "\($0["content"] ?? "")" == "What colour is the sky?" } }
        #expect(asked?.first?["content"] as? String == "Answer in one word.", "\(calls)")
        // Subgraph node: the subgraph ran as a sub-workflow of its own node tasks.
        let outer = run("outer")
        #expect(outer.output.contains("QUIET?"), "\(outer)")
        #expect(outer.tasks.contains("sub:fw_lg_outer_delegate_upper"), "\(outer.tasks)")
        // Human node: the run waited; the answer's fields joined the state the next node read.
        let post = run("post")
        #expect(post.output.contains("published: hello world (looks fine)"), "\(post)")
        #expect(post.tasks.contains("human_approve") && runs["post"]?["waited"] as? Bool == true, "\(post.tasks)")
        // Send fan-out: one dynamic branch per word; the operator.add reducer collected every branch's note.
        let send = run("send")
        #expect(send.output.contains("history of tea") && send.output.contains("history of coffee"), "\(send)")
        #expect(send.tasks.contains("_dyn_fork_plan") && send.tasks.filter { $0.hasPrefix("fw_lg_send_history__dyn_") }.count == 2, "\(send.tasks)")
    }

}
