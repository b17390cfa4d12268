import Engine
import Foundation
import Hummingbird
import Workflow

/// The Agentspan agent API: compile, deploy, start, status, respond and the execution controls.
struct AgentRoutes {
    let engine: WorkflowEngine
    let deployer: AgentDeployer

    func register(on router: some RouterMethods<ServerRequestContext>) {
        let agent = router.group("api/agent")
        agent.post("compile") { request, context in
            var request = request
            let body = try await request.decodeJSON(AgentStartRequest.self, context: context)
            let compiled = try deployer.compile(body)
            return try Reply.json(AgentCompileResponse(workflowDef: compiled.def, requiredWorkers: compiled.requiredWorkers))
        }
        agent.post("deploy") { request, context in
            var request = request
            let body = try await request.decodeJSON(AgentStartRequest.self, context: context)
            let compiled = try deployer.compile(body)
            let workers = try await deployer.deploy(compiled)
            return try Reply.json(AgentStartResponse(executionId: nil, agentName: compiled.def.name, requiredWorkers: workers))
        }
        agent.post("start") { request, context in
            var request = request
            let body = try await request.decodeJSON(AgentStartRequest.self, context: context)
            let hasPrompt = !(body.prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            let hasMedia = (body.media ?? []).contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard hasPrompt || hasMedia || !(body.context ?? [:]).isEmpty else {
                throw APIError.badRequest(
                    "Agent execution requires a non-empty prompt, at least one media item, or non-empty context.")
            }
            let compiled = try deployer.compile(body)
            let workers = try await deployer.deploy(compiled)
            let id = try await deployer.start(compiled, request: body)
            return try Reply.json(AgentStartResponse(executionId: id, agentName: compiled.def.name, requiredWorkers: workers))
        }
        agent.get("list") { _, _ in
            let defs = try await engine.workflowDefs()
            var latest: [String: WorkflowDef] = [:]
            for def in defs where def.metadata?["agent_sdk"] != nil {
                if (latest[def.name]?.version ?? 0) <= (def.version ?? 1) { latest[def.name] = def }
            }
            let summaries = latest.values.sorted { $0.name < $1.name }.map { def -> [String: JSONValue] in
                var summary: [String: JSONValue] = [
                    "name": .string(def.name), "version": .int(def.version ?? 1),
                    "type": def.metadata?["agent_sdk"] ?? .null, "description": def.description.map(JSONValue.string) ?? .null,
                ]
                if let tags = def.metadata?["agent_capabilities"], tags.arrayValue != nil { summary["tags"] = tags }
                if let created = def.createTime { summary["createTime"] = .int(Int(created)) }
                if let updated = def.updateTime { summary["updateTime"] = .int(Int(updated)) }
                return summary
            }
            return try Reply.json(summaries)
        }
        agent.get("executions") { request, _ in
            let size = try RequestValidation.integer(request, "size", in: 0...1000) ?? 20
            let status = try RequestValidation.workflowStatus(request)
            let start = try RequestValidation.integer(request, "start", in: 0...Int(Int32.max)) ?? 0
            let page = try await engine.searchWorkflowPage(name: request.query("agentName"), status: status, start: start, limit: size)
            let results = page.results.map { run -> [String: JSONValue] in
                [
                    "executionId": .string(run.workflowId), "agentName": .string(run.workflowName),
                    "version": .int(run.workflowVersion ?? 1), "status": .string(run.status.rawValue),
                    "startTime": run.startTime.map { .int(Int($0)) } ?? .null,
                    "endTime": run.endTime.map { .int(Int($0)) } ?? .null,
                    "input": .string(JSONValue.object(run.input).jsonText()),
                    "output": .string(JSONValue.object(AgentOutput.presented(run.output)).jsonText()),
                ]
            }
            return try Reply.json(["totalHits": JSONValue.int(page.totalHits), "results": .array(results.map(JSONValue.object))])
        }
        agent.get("executions/:id") { request, context in
            let run = try await execution(try request.parameter("id", context))
            var detail: [String: JSONValue] = [
                "executionId": .string(run.workflowId), "agentName": .string(run.workflowName),
                "version": .int(run.workflowVersion ?? 1), "status": .string(run.status.rawValue),
                "input": .object(run.input), "output": .object(AgentOutput.presented(run.output)),
            ]
            if let current = run.tasks.last(where: { !$0.status.isTerminal }) {
                detail["currentTask"] = [
                    "taskRefName": .string(current.referenceTaskName), "taskType": .string(current.taskType),
                    "status": .string(current.status.rawValue), "inputData": .object(current.inputData),
                    "outputData": .object(current.outputData),
                ]
            }
            return try Reply.json(detail)
        }
        agent.get("execution/:id") { request, context in
            let run = try await execution(try request.parameter("id", context))
            var body: [String: JSONValue] = [
                "executionId": .string(run.workflowId), "agentName": .string(run.workflowName),
                "version": .int(run.workflowVersion ?? 1), "status": .string(run.status.rawValue),
                "startTime": run.startTime.map { .int(Int($0)) } ?? .null, "endTime": run.endTime.map { .int(Int($0)) } ?? .null,
                "input": .object(run.input), "output": .object(AgentOutput.presented(run.output)),
                "tasks": .array(run.tasks.map { task in
                    var entry: [String: JSONValue] = [
                        "taskType": .string(task.taskType), "referenceTaskName": .string(task.referenceTaskName),
                        "status": .string(task.status.rawValue), "outputData": .object(task.outputData),
                    ]
                    if let child = task.subWorkflowId { entry["subWorkflowId"] = .string(child) }
                    return .object(entry)
                }),
            ]
            if let usage = try await tokenUsage(run) { body["tokenUsage"] = usage }
            return try Reply.json(body)
        }
        agent.get(":id/status") { request, context in
            let run = try await execution(try request.parameter("id", context))
            var status = Self.status(of: run)
            let errors = await FailureLocator(engine: engine).failures(of: run)
            if !errors.isEmpty { status.errors = errors }
            return try Reply.json(status)
        }
        agent.post(":id/respond") { request, context in
            var request = request
            let id = try request.parameter("id", context)
            let body = try await request.decodeOptionalJSON([String: JSONValue].self, context: context) ?? [:]
            guard let waiting = try await pendingTask(id) else {
                throw APIError.badRequest("No pending HUMAN task found in execution \(id)")
            }
            if Self.isWaitingForMessage(waiting) {
                // As Agentspan does: the answer reaches a waiting pull task through the message queue, its real input.
                _ = try await engine.sendMessages(workflowID: waiting.workflowInstanceId, [body])
                return Reply.ok
            }
            _ = try await engine.updateTask(
                workflowID: waiting.workflowInstanceId, taskRefName: waiting.referenceTaskName, status: .completed, output: body)
            return Reply.ok
        }
        agent.post(":id/stop") { request, context in
            let id = try request.parameter("id", context)
            _ = try await execution(id)
            try await engine.setVariables(workflowID: id, ["_stop_requested": true])
            return Reply.ok
        }
        agent.post(":id/signal") { request, context in
            var request = request
            let id = try request.parameter("id", context)
            let body = try await request.decodeOptionalJSON([String: JSONValue].self, context: context) ?? [:]
            _ = try await execution(id)
            try await engine.setVariables(workflowID: id, ["_signal_injection": .string(body["message"]?.stringValue ?? "")])
            return Reply.ok
        }
        agent.put(":id/pause") { request, context in
            try await engine.pause(workflowID: try request.parameter("id", context))
            return Reply.ok
        }
        agent.put(":id/resume") { request, context in
            try await engine.resume(workflowID: try request.parameter("id", context))
            return Reply.ok
        }
        agent.delete(":id/cancel") { request, context in
            try await engine.terminate(
                workflowID: try request.parameter("id", context), reason: request.query("reason") ?? "Cancelled by user")
            return Reply.ok
        }
        agent.get(":id") { request, context in
            let name = try request.parameter("id", context)
            let version = try RequestValidation.integer(request, "version", in: 1...Int(Int32.max))
            guard let def = try await engine.workflowDef(name: name, version: version) else {
                throw APIError.notFound("Agent not found: \(name)")
            }
            guard let agentDef = def.metadata?["agentDef"] else { throw APIError.notFound("No agent definition found for: \(name)") }
            return try Reply.json(agentDef)
        }
    }

    private func execution(_ id: String) async throws -> WorkflowExecution {
        guard let run = try await engine.workflow(id: id, includeTasks: true) else {
            throw APIError.notFound("No such execution: \(id)")
        }
        return run
    }

    /// The first waiting HUMAN or PULL_WORKFLOW_MESSAGES task of an execution, looking into running sub-workflows too.
    private func pendingTask(_ id: String) async throws -> ConductorTask? {
        let run = try await execution(id)
        if let task = run.tasks.first(where: { Self.isWaiting($0) }) { return task }
        for task in run.tasks where task.status == .inProgress {
            if let child = task.subWorkflowId, let found = try await pendingTask(child) { return found }
        }
        return nil
    }

    static func isWaitingHuman(_ task: ConductorTask) -> Bool {
        task.status == .inProgress && (task.taskType == "HUMAN" || task.workflowTask?.type == "HUMAN")
    }

    static func isWaitingForMessage(_ task: ConductorTask) -> Bool {
        task.status == .inProgress && (task.taskType == "PULL_WORKFLOW_MESSAGES" || task.workflowTask?.type == "PULL_WORKFLOW_MESSAGES")
    }

    /// A task the agent API reports as `pendingTool`: a HUMAN task or a pull task waiting for a message.
    static func isWaiting(_ task: ConductorTask) -> Bool { isWaitingHuman(task) || isWaitingForMessage(task) }

    static func status(of run: WorkflowExecution) -> AgentStatusResponse {
        var status = AgentStatusResponse(
            executionId: run.workflowId, status: run.status, isComplete: run.status.isTerminal,
            isRunning: run.status == .running)
        if run.status.isTerminal { status.output = AgentOutput.presented(run.output) }
        if let reason = run.reasonForIncompletion, !reason.isEmpty { status.reasonForIncompletion = reason }
        if let waiting = run.tasks.first(where: isWaiting) {
            status.pendingTool = AgentEventDeriver.pendingTool(for: waiting)
            status.isWaiting = true
        }
        if let spent = run.variables["_budget_spent"], spent != .null,
           let check = run.tasks.last(where: { $0.taskType == "INLINE" && AgentEventDeriver.stripIteration($0.referenceTaskName).hasSuffix("_budget") }) {
            status.budget = ["spent": spent, "limits": check.inputData["limits"] ?? .null]
        }
        return status
    }

    /// Sums of the LLM tasks' token counts, through sub-workflows.
    private func tokenUsage(_ run: WorkflowExecution) async throws -> JSONValue? {
        var prompt = 0, completion = 0, total = 0, any = false
        var visited = Set<String>()
        func add(_ run: WorkflowExecution) async throws {
            guard visited.insert(run.workflowId).inserted else { return }
            for task in run.tasks {
                if task.taskType == "LLM_CHAT_COMPLETE" || task.workflowTask?.type == "LLM_CHAT_COMPLETE" {
                    any = true
                    prompt += task.outputData["promptTokens"]?.intValue ?? 0
                    completion += task.outputData["completionTokens"]?.intValue ?? 0
                    total += task.outputData["tokenUsed"]?.intValue ?? 0
                }
                if let child = task.subWorkflowId, let sub = try await engine.workflow(id: child, includeTasks: true) {
                    try await add(sub)
                }
            }
        }
        try await add(run)
        guard any else { return nil }
        return ["promptTokens": .int(prompt), "completionTokens": .int(completion), "totalTokens": .int(total > 0 ? total : prompt + completion)]
    }
}
