import AgentRuntime
import ConductorClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Telemetry
import TestSupport
import Testing
import Workflow
import Worker

/// Traces of a real execution: server (execution and LLM spans) and worker (tool span) export to a loopback OTLP
/// receiver, and the command tool sees the trace in `TRACEPARENT`.
@Suite struct TracingTests {
    @Test func executionLLMAndToolSpansShareOneTraceAndTheToolSeesIt() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let endpoint = "http://127.0.0.1:\(receiver.port)"
        let files = try ObservabilityFixture.files()
        let serverTracing = try Telemetry.tracing(
            endpoint: endpoint, encoding: .json, serviceName: "agentspanc-server", scheduleDelay: .milliseconds(200))
        let (url, stop) = try await ObservabilityFixture.server(
            cassette: files.cassette, tracer: serverTracing.tracer, telemetryServices: [serverTracing.service])
        defer { Task { await stop() } }

        // The worker's exporter waits a minute between exports: its span arrives only through the flush of the
        // graceful shutdown below.
        let workerTracing = try Telemetry.tracing(
            endpoint: endpoint, encoding: .json, serviceName: "agentspanc-worker", scheduleDelay: .seconds(60))
        let agent = try Agent.load(path: files.spec)
        var configuration = ToolWorker.Configuration(workerID: "traced-worker", pollTimeoutMilliseconds: 200)
        configuration.tracer = workerTracing.tracer
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: url), specTools: AgentRuntime.workerTasks(of: [agent]),
            configuration: configuration, logger: Logger(label: "test.worker"))
        let group = ServiceGroup(
            configuration: .init(services: [workerTracing.service, worker], logger: Logger(label: "test.group")))
        let running = Task { try await group.run() }

        let result = try await AgentRuntime(serverURL: url).run(agent, "Please probe the trace context.")
        #expect(result.isSuccess, "\(result.reason ?? "")")
        let execution = try await ConductorClient(baseURL: url).workflow(id: result.executionID)
        let toolTask = try #require(execution.tasks.first { $0.taskType == "show_trace" })
        let seen = toolTask.outputData["result"]?.stringValue ?? ""
        #expect(toolTask.inputData["_traceparent"] == nil, "the stored task input holds no trace context")

        let serverSpans = await eventually {
            receiver.spans.contains { $0.name == "execution probe_agent" }
                && receiver.spans.filter { $0.name == "chat gpt-4o" }.count == 2
        }
        #expect(serverSpans, "the server's spans did not arrive: \(receiver.spans.map(\.name))")
        #expect(!receiver.spans.contains { $0.service == "agentspanc-worker" }, "the worker exported before its shutdown")
        await group.triggerGracefulShutdown()
        try await running.value
        let toolSpanArrived = await eventually { receiver.spans.contains { $0.name == "execute_tool show_trace" } }
        #expect(toolSpanArrived, "the worker's span was not flushed at shutdown")

        let spans = receiver.spans
        let executionSpan = try #require(spans.first { $0.name == "execution probe_agent" })
        let toolSpan = try #require(spans.first { $0.name == "execute_tool show_trace" })
        let llmSpans = spans.filter { $0.name == "chat gpt-4o" }
        #expect(executionSpan.service == "agentspanc-server")
        #expect(executionSpan.attributes["agentspanc.execution.id"] == result.executionID)
        #expect(executionSpan.attributes["agentspanc.execution.status"] == "COMPLETED")
        #expect(executionSpan.traceID.count == 32)
        for span in llmSpans + [toolSpan] {
            #expect(span.traceID == executionSpan.traceID, "\(span.name) is in another trace")
            #expect(span.parentSpanID == executionSpan.spanID, "\(span.name) is not a child of the execution span")
        }
        #expect(llmSpans.allSatisfy { $0.attributes["gen_ai.request.model"] == "gpt-4o" })
        #expect(llmSpans.compactMap { $0.attributes["gen_ai.usage.input_tokens"] }.sorted() == ["30", "50"])
        #expect(toolSpan.service == "agentspanc-worker")
        #expect(toolSpan.attributes["agentspanc.task.id"] == toolTask.taskId)
        // The tool's TRACEPARENT names the tool call's span: its own spans would be children of it.
        #expect(seen == "00-\(toolSpan.traceID)-\(toolSpan.spanID)-01")
    }

    @Test func aWorkerThatDoesNotTracePassesTheExecutionsTraceparentOn() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let files = try ObservabilityFixture.files()
        let tracing = try Telemetry.tracing(
            endpoint: "http://127.0.0.1:\(receiver.port)", encoding: .json, serviceName: "agentspanc-server",
            scheduleDelay: .milliseconds(200))
        let (url, stop) = try await ObservabilityFixture.server(
            cassette: files.cassette, tracer: tracing.tracer, telemetryServices: [tracing.service])
        defer { Task { await stop() } }
        let runtime = AgentRuntime(serverURL: url)
        let agent = try Agent.load(path: files.spec)
        let worker = try await runtime.serve(agent)
        defer { Task { await worker.stop() } }
        let result = try await runtime.run(agent, "Please probe the trace context.")
        #expect(result.isSuccess, "\(result.reason ?? "")")
        let execution = try await ConductorClient(baseURL: url).workflow(id: result.executionID)
        let seen = execution.tasks.first { $0.taskType == "show_trace" }?.outputData["result"]?.stringValue ?? ""
        let arrived = await eventually { receiver.spans.contains { $0.name == "execution probe_agent" } }
        #expect(arrived)
        let executionSpan = try #require(receiver.spans.first { $0.name == "execution probe_agent" })
        #expect(seen == "00-\(executionSpan.traceID)-\(executionSpan.spanID)-01")
        #expect(!receiver.spans.contains { $0.name.hasPrefix("execute_tool") })
    }

    @Test func tracingIsOffUnlessTheEnvironmentAsksForIt() throws {
        #expect(try Telemetry.tracesRequested(in: [:]) == false)
        #expect(try Telemetry.tracesRequested(in: ["OTEL_SERVICE_NAME": "x"]) == false)
        #expect(try Telemetry.tracesRequested(in: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"]))
        #expect(try Telemetry.tracesRequested(in: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"]))
        #expect(try Telemetry.tracesRequested(in: ["OTEL_TRACES_EXPORTER": "otlp"]))
        #expect(
            try Telemetry.tracesRequested(in: ["OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://h:4318"])
                == false)
        #expect(
            try Telemetry.tracesRequested(in: ["OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://h:4318"])
                == false)
        #expect(try Telemetry.tracingFromEnvironment([:], serviceName: "agentspanc-server") == nil)
        #expect {
            try Telemetry.tracesRequested(in: ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_TRACES_EXPORTER": "otlp"])
        } throws: { error in
            "\(error)".contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc") && "\(error)".contains("http/protobuf")
        }
        #expect {
            try Telemetry.tracesRequested(in: ["OTEL_TRACES_EXPORTER": "zipkin"])
        } throws: { error in
            "\(error)".contains("OTEL_TRACES_EXPORTER=zipkin")
        }
    }
}
