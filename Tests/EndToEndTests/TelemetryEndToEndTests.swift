import AsyncHTTPClient
import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// The `agentspanc server` and `agentspanc worker` binaries with `OTEL_*` set: linked spans reach an OTLP receiver,
/// flushed by SIGTERM; the worker's `--metrics-port` answers readiness.
@Suite struct TelemetryEndToEndTests {
    func status(_ url: String) async -> Int? {
        guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10)) else {
            return nil
        }
        return Int(response.status.code)
    }

    @Test func theBinariesExportLinkedSpansAndFlushThemOnSIGTERM() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let dir = try makeTemporaryDirectory()
        try """
            name: otel_agent
            model: openai/gpt-4o
            instructions: Trace.
            tools:
              - name: trace_tool
                description: Prints the trace context it was given.
                inputSchema: {type: object, properties: {}}
                run: {command: [/bin/sh, -c, 'printf "%s" "$TRACEPARENT"']}
            """.write(toFile: dir + "/agent.yaml", atomically: true, encoding: .utf8)
        // Ten minutes between exports: whatever arrives came with the flush of the graceful shutdown.
        let environment = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(receiver.port)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_BSP_SCHEDULE_DELAY": "600000",
        ]
        let port = freePort()
        let server = try ChildProcess(
            TestEnvironment.binary, ["server", "--port", String(port), "--data", dir + "/data", "--log-level", "warning"],
            environment: environment)
        #expect(await eventually(timeout: .seconds(30)) { isListening(port) }, "\(server.stderr)")
        let url = "http://127.0.0.1:\(port)"
        let metricsPort = freePort()
        let worker = try ChildProcess(
            TestEnvironment.binary,
            ["worker", dir + "/agent.yaml", "--server", url, "--metrics-port", String(metricsPort), "--log-level", "warning"],
            environment: environment.merging(["OTEL_SERVICE_NAME": "e2e-worker"]) { _, new in new })
        let ready = await eventually(timeout: .seconds(30)) { await status("http://127.0.0.1:\(metricsPort)/ready") == 200 }
        #expect(ready, "\(worker.stderr)")

        let client = ConductorClient(baseURL: url)
        try await client.registerWorkflowDef(WorkflowDef(
            name: "otel_wf", tasks: [WorkflowTask(name: "trace_tool", taskReferenceName: "trace", type: "SIMPLE")]))
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "otel_wf"))
        let execution = try await client.waitForEnd(id, timeout: .seconds(60))
        #expect(execution.status == .completed)
        let seen = execution.tasks.first?.outputData["result"]?.stringValue ?? ""
        #expect(receiver.spans.isEmpty, "spans were exported before the shutdown: \(receiver.spans.map(\.name))")

        worker.signal(SIGTERM)
        #expect(await worker.wait(timeout: .seconds(30)) == 0, "\(worker.stderr)")
        server.signal(SIGTERM)
        #expect(await server.wait(timeout: .seconds(30)) == 0, "\(server.stderr)")
        let arrived = await eventually(timeout: .seconds(10)) {
            receiver.spans.contains { $0.name == "execution otel_wf" } && receiver.spans.contains { $0.name == "execute_tool trace_tool" }
        }
        #expect(arrived, "spans received: \(receiver.spans.map(\.name))")
        let executionSpan = try #require(receiver.spans.first { $0.name == "execution otel_wf" })
        let toolSpan = try #require(receiver.spans.first { $0.name == "execute_tool trace_tool" })
        #expect(executionSpan.service == "agentspanc-server")
        #expect(toolSpan.service == "e2e-worker")
        #expect(toolSpan.traceID == executionSpan.traceID)
        #expect(toolSpan.parentSpanID == executionSpan.spanID)
        #expect(seen == "00-\(toolSpan.traceID)-\(toolSpan.spanID)-01")
    }

    @Test func aGRPCExporterIsRefusedAtStart() async throws {
        let process = try ChildProcess(
            TestEnvironment.binary, ["server", "--port", String(freePort()), "--data", try makeTemporaryDirectory()],
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        let code = await process.wait(timeout: .seconds(30))
        if code == nil { await process.kill9() }
        #expect(code == 64, "\(process.stderr)")
        #expect(process.stderr.contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc: agentspanc exports traces over OTLP/HTTP only"))
    }
}
