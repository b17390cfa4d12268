import AgentSpec
import Testing
import Workflow
@testable import Worker

/// User-code tasks (stop_when, gates, routers, guardrails, callbacks) bound with `run:`: listed, run as real
/// commands, and their output shaped into what the compiled workflow reads.
struct SystemWorkerUserCodeTests {
    func run(_ task: UserCodeTask, _ input: [String: JSONValue] = [:]) async throws -> ToolOutcome {
        let worker = try task.executor()
        return await worker.execute(ToolInvocation(input: input, taskID: "t", executionID: "e", toolName: task.name))
    }

    func task(_ kind: UserCodeTask.Kind, _ command: [String]) -> UserCodeTask {
        UserCodeTask(name: "x_\(kind.rawValue)", kind: kind, label: kind.rawValue, binding: ToolBinding(command: command), baseDirectory: "/")
    }

    @Test func boundTasksBecomeWorkersAndUnboundOnesWarnings() throws {
        var agent = AgentConfig(name: "review", stopWhen: WorkerRef(taskName: "review_stop_when", run: ToolBinding(command: ["echo", "false"])))
        agent.callbacks = [CallbackConfig(position: "after_model", taskName: "review_after_model")]
        agent.router = .worker(WorkerRef(taskName: "pick", run: ToolBinding(command: ["echo", "DONE"])))
        var tools = SpecTools()
        try tools.add(agent, baseDirectory: "/specs")
        #expect(tools.userCodeWorkers.map(\.name) == ["review_stop_when", "pick"])
        #expect(tools.userCodeWorkers.map(\.kind) == [.stopWhen, .router])
        #expect(tools.userCodeWorkers.first?.baseDirectory == "/specs")
        #expect(tools.userCodeTasks == ["review_after_model (after_model callback of review)"])
    }

    @Test func runBindingsOfReferencesDecodeFromSpecs() throws {
        let spec = try SpecLoader.load(source: """
            name: review
            model: openai/gpt-4o
            tools: [{name: t, run: {command: [echo]}}]
            stopWhen: {taskName: review_stop_when, run: {command: [./stop.sh, "{result}"], timeoutSeconds: 5}}
            callbacks: [{position: before_model, taskName: review_before_model, run: {command: [./cb.sh]}}]
            guardrails: [{name: pii, guardrailType: custom, taskName: pii_check, run: {command: [./pii.sh], stdin: json}}]
            """, path: "/specs/review.yaml")
        #expect(spec.config.stopWhen?.run == ToolBinding(command: ["./stop.sh", "{result}"], timeoutSeconds: 5))
        #expect(spec.config.callbacks?.first?.run?.command == ["./cb.sh"])
        #expect(spec.config.guardrails?.first?.run?.stdin == .json)
        let router = try SpecLoader.load(source: """
            name: desk
            model: openai/gpt-4o
            strategy: router
            router: {taskName: pick, run: {command: [./route.sh, "{prompt}"]}}
            agents: [{name: a, model: openai/gpt-4o}]
            """, path: "/specs/desk.yaml")
        #expect(router.config.router == .worker(WorkerRef(taskName: "pick", run: ToolBinding(command: ["./route.sh", "{prompt}"]))))
    }

    @Test func stopWhenPrintsTrueToStop() async throws {
        #expect(try await run(task(.stopWhen, ["echo", "true"])).output == ["should_continue": false])
        #expect(try await run(task(.stopWhen, ["echo", "keep going"])).output == ["should_continue": true])
        #expect(try await run(task(.stopWhen, ["echo", #"{"should_continue": false}"#])).output == ["should_continue": false])
        // The task input fills the argv template.
        #expect(try await run(task(.stopWhen, ["echo", "{result}"]), ["result": "stop", "iteration": 2]).output == ["should_continue": false])
    }

    @Test func gatesAnswerTheDecisionInBothPlaces() async throws {
        #expect(try await run(task(.gate, ["echo", "stop"])).output == ["decision": "stop", "result": ["decision": "stop"]])
        #expect(try await run(task(.gate, ["echo", #"{"decision": "continue"}"#])).output
            == ["decision": "continue", "result": ["decision": "continue"]])
    }

    @Test func routersAnswerTheTrimmedAgentName() async throws {
        #expect(try await run(task(.router, ["echo", "  billing "])).output["result"] == "billing")
        #expect(try await run(task(.router, ["echo", #"{"selected_agent": "tech"}"#])).output["result"] == "tech")
    }

    @Test func guardrailOutputPassesThroughAndFailuresStayFailures() async throws {
        #expect(try await run(task(.guardrail, ["echo", #"{"passed": false, "message": "PII"}"#])).output == ["passed": false, "message": "PII"])
        #expect(try await run(task(.callback, ["false"])).status == .failed)
    }

    @Test func unboundOrPluginTasksCannotBeServed() {
        let plugin = UserCodeTask(name: "p", kind: .gate, label: "gate of a", binding: ToolBinding(plugin: "./p"), baseDirectory: "/")
        #expect(throws: WorkerConfigurationError.self) { try plugin.executor() }
        let unbound = UserCodeTask(name: "u", kind: .gate, label: "gate of a", binding: nil, baseDirectory: "/")
        #expect(throws: WorkerConfigurationError.self) { try unbound.executor() }
    }
}
