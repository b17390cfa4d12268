import Engine
import Synchronization
import TracePropagation
import Tracing
import Workflow

/// Spans of executions and of their LLM calls, made from the engine's journal, and the trace context handed to
/// workers with their tasks (``TracePropagation/inputKey``).
///
/// An execution's span starts at the execution's creation and ends when it ends; a sub-workflow's span is a child
/// of its parent's. An LLM call's span is made when its task ends, timed by the task's start and end. A server
/// that restarts while an execution runs starts a new span for it when the execution next changes; spans still
/// open at shutdown end with `agentspanc.execution.interrupted`.
final class ExecutionTracing: Sendable {
    let tracer: any Tracer
    let engine: WorkflowEngine
    private let spans = Mutex<[String: any Span]>([:])

    init(tracer: any Tracer, engine: WorkflowEngine) {
        self.tracer = tracer
        self.engine = engine
    }

    /// The `traceparent` of the execution `task` belongs to, for the worker that runs the task.
    func traceparent(for task: ConductorTask) async -> String? {
        guard let context = await executionContext(task.workflowInstanceId, known: nil, evenIfEnded: false) else { return nil }
        return TracePropagation.traceparent(of: context, tracer: tracer)
    }

    /// Starts, ends or adds spans for one committed journal entry.
    func record(_ update: JournalUpdate) async {
        let entry = update.entry
        switch entry.kind {
        case .workflowStarted:
            _ = await executionContext(entry.workflowID, known: update.workflow, evenIfEnded: false)
        case .taskEnded:
            guard let task = update.task, task.taskType == "LLM_CHAT_COMPLETE",
                let context = await executionContext(entry.workflowID, known: update.workflow, evenIfEnded: false)
            else { return }
            recordLLMCall(task, parent: context)
        case .workflowEnded:
            guard await executionContext(entry.workflowID, known: update.workflow, evenIfEnded: true) != nil,
                let span = spans.withLock({ $0.removeValue(forKey: entry.workflowID) })
            else { return }
            let status = update.workflow?.status
            if let status { span.attributes["agentspanc.execution.status"] = status.rawValue }
            if let status, !status.isSuccessful {
                span.setStatus(SpanStatus(code: .error, message: update.workflow?.reasonForIncompletion))
            }
            span.end(at: TracePropagation.instant(millisecondsSinceEpoch: update.workflow?.endTime ?? entry.time))
        default:
            return
        }
    }

    /// Ends the spans of executions still running (the server is stopping).
    func endOpenSpans() {
        let open = spans.withLock { spans in
            defer { spans.removeAll() }
            return Array(spans.values)
        }
        for span in open {
            span.attributes["agentspanc.execution.interrupted"] = true
            span.end()
        }
    }

    /// The context of the execution's span, starting the span (and its parents') when there is none yet. An ended
    /// execution without a span gets one only when `evenIfEnded` (its end is being recorded), so entries committed
    /// after an execution's end do not open a span that never ends.
    private func executionContext(_ id: String, known: WorkflowExecution?, evenIfEnded: Bool) async -> InstrumentationContext? {
        if let context = spans.withLock({ $0[id]?.context }) { return context }
        var execution = known?.workflowId == id ? known : nil
        if execution == nil { execution = try? await engine.workflow(id: id, includeTasks: false) }
        guard let execution, evenIfEnded || !execution.status.isTerminal else { return nil }
        var parent = InstrumentationContext.topLevel
        if let parentID = execution.parentWorkflowId,
            let context = await executionContext(parentID, known: nil, evenIfEnded: evenIfEnded)
        {
            parent = context
        }
        let tracer = self.tracer
        return spans.withLock { spans in
            if let span = spans[id] { return span.context }
            let span = tracer.startSpan(
                "execution \(execution.workflowName)", context: parent, ofKind: .internal,
                at: TracePropagation.instant(millisecondsSinceEpoch: execution.createTime ?? execution.startTime ?? 0))
            span.attributes["agentspanc.execution.id"] = id
            span.attributes["agentspanc.workflow.name"] = execution.workflowName
            if let version = execution.workflowVersion { span.attributes["agentspanc.workflow.version"] = version }
            spans[id] = span
            return span.context
        }
    }

    /// A span for one ended LLM call (OpenTelemetry GenAI conventions), timed by its task.
    private func recordLLMCall(_ task: ConductorTask, parent: InstrumentationContext) {
        let model = task.inputData["model"]?.stringValue ?? ""
        let start = task.startTime ?? task.scheduledTime ?? task.endTime ?? 0
        let span = tracer.startSpan(
            model.isEmpty ? "chat" : "chat \(model)", context: parent, ofKind: .client,
            at: TracePropagation.instant(millisecondsSinceEpoch: start))
        span.attributes["gen_ai.operation.name"] = "chat"
        span.attributes["gen_ai.system"] = task.inputData["llmProvider"]?.stringValue ?? ""
        span.attributes["gen_ai.request.model"] = model
        span.attributes["agentspanc.task.id"] = task.taskId
        span.attributes["agentspanc.task.reference_name"] = task.referenceTaskName
        if task.status == .completed {
            span.attributes["gen_ai.usage.input_tokens"] = task.outputData["promptTokens"]?.intValue ?? 0
            span.attributes["gen_ai.usage.output_tokens"] = task.outputData["completionTokens"]?.intValue ?? 0
            if let reason = task.outputData["finishReason"]?.stringValue {
                span.attributes["gen_ai.response.finish_reasons"] = [reason]
            }
        } else {
            span.setStatus(SpanStatus(code: .error, message: task.reasonForIncompletion))
        }
        span.end(at: TracePropagation.instant(millisecondsSinceEpoch: task.endTime ?? start))
    }
}
