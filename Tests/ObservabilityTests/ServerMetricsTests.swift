import AgentRuntime
import AsyncHTTPClient
import ConductorClient
import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing
import Worker

/// `GET /metrics` of a real server while a real agent execution (cassette model, command tool on a real worker)
/// runs, and the worker's own metrics port.
@Suite struct ServerMetricsTests {
    static let key = "metrics-test-key"

    @Test func anExecutionMovesTheServerAndWorkerMetrics() async throws {
        let files = try ObservabilityFixture.files()
        let (url, stop) = try await ObservabilityFixture.server(cassette: files.cassette, apiKey: Self.key)
        defer { Task { await stop() } }

        // Behind the API key, like every route that reveals data.
        #expect(try await ObservabilityFixture.get(url + "/metrics").status == 401)
        #expect(try await ObservabilityFixture.get(url + "/metrics", apiKey: "wrong").status == 401)
        let first = try await ObservabilityFixture.get(url + "/metrics", apiKey: Self.key)
        #expect(first.status == 200)
        #expect(first.body.contains("# TYPE agentspanc_sse_clients gauge"))

        // Started without a worker, the execution waits with its tool call queued.
        let runtime = AgentRuntime(serverURL: url, apiKey: Self.key)
        let agent = try Agent.load(path: files.spec)
        let handle = try await runtime.start(agent, "Please probe the trace context.")
        var samples: [PrometheusSample] = []
        let queued = try await eventually {
            samples = parsePrometheus(try await ObservabilityFixture.get(url + "/metrics", apiKey: Self.key).body)
            return samples.value("agentspanc_task_queue_depth", ["task_type": "show_trace"]) == 1
        }
        #expect(queued, "queue depth never showed the waiting tool call")
        #expect(samples.value("agentspanc_executions", ["agent": "probe_agent", "status": "RUNNING"]) == 1)
        #expect(samples.value("agentspanc_store_size_bytes", ["file": "database"]).map { $0 > 0 } == true)

        // Open event streams are counted: the server-wide feed, and the execution's stream, which ends with it.
        func openStream(_ path: String) -> Task<Void, any Error> {
            Task {
                var request = HTTPClientRequest(url: url + path)
                request.headers.add(name: "Authorization", value: "Bearer \(Self.key)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
                for try await _ in response.body {}
            }
        }
        let feed = openStream("/api/agent/events")
        defer { feed.cancel() }
        let executionStream = openStream("/api/agent/stream/\(handle.executionID)")
        let counted = try await eventually {
            let samples = parsePrometheus(try await ObservabilityFixture.get(url + "/metrics", apiKey: Self.key).body)
            return samples.value("agentspanc_sse_clients", ["stream": "feed"]) == 1
                && samples.value("agentspanc_sse_clients", ["stream": "execution"]) == 1
        }
        #expect(counted, "the open event streams were not counted")

        // A worker with its metrics port: not ready before its first poll, ready after.
        let worker = try await runtime.serve(agent)
        defer { Task { await worker.stop() } }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let metricsServer = MetricsServer(metrics: worker.worker.metrics, port: 0, logger: Logger(label: "test.metrics")) {
            portContinuation.yield($0)
        }
        let metricsTask = Task { try await metricsServer.run() }
        defer { metricsTask.cancel() }
        let port = try #require(await ports.first { _ in true })
        let result = try await handle.result(timeout: .seconds(60))
        #expect(result.isSuccess, "\(result.reason ?? "")")

        let moved = try await eventually {
            samples = parsePrometheus(try await ObservabilityFixture.get(url + "/metrics", apiKey: Self.key).body)
            return samples.value("agentspanc_executions", ["agent": "probe_agent", "status": "COMPLETED"]) == 1
                && samples.value("agentspanc_llm_calls_total", ["provider": "openai", "model": "gpt-4o"]) == 2
        }
        #expect(moved, "the execution and its LLM calls were not counted")
        _ = try? await executionStream.value
        let streamEnded = try await eventually {
            let text = try await ObservabilityFixture.get(url + "/metrics", apiKey: Self.key).body
            return parsePrometheus(text).value("agentspanc_sse_clients", ["stream": "execution"]) == 0
        }
        #expect(streamEnded, "the execution's stream ended but is still counted")
        #expect(samples.value("agentspanc_executions", ["agent": "probe_agent", "status": "RUNNING"]) == 0)
        #expect(samples.value("agentspanc_task_queue_depth", ["task_type": "show_trace"]) == 0)
        let llm = ["provider": "openai", "model": "gpt-4o"]
        #expect(samples.value("agentspanc_llm_tokens_total", llm.merging(["kind": "prompt"]) { a, _ in a }) == 80)
        #expect(samples.value("agentspanc_llm_tokens_total", llm.merging(["kind": "completion"]) { a, _ in a }) == 16)
        #expect(samples.value("agentspanc_llm_errors_total", llm) == nil)
        #expect(samples.value("agentspanc_task_duration_seconds_count", ["task_type": "show_trace"]) == 1)
        #expect(samples.value("agentspanc_task_duration_seconds_count", ["task_type": "LLM_CHAT_COMPLETE"]) == 2)
        #expect(samples.value("agentspanc_task_queue_wait_seconds_count", ["task_type": "show_trace"]) == 1)
        #expect(
            samples.value("agentspanc_task_duration_seconds_bucket", ["task_type": "show_trace", "le": "+Inf"]) == 1)
        #expect(samples.value("agentspanc_tasks_ended_total", ["task_type": "show_trace", "status": "COMPLETED"]) == 1)

        let workerText = try await ObservabilityFixture.get("http://127.0.0.1:\(port)/metrics").body
        let workerSamples = parsePrometheus(workerText)
        #expect(workerSamples.value("agentspanc_worker_tasks_polled_total", ["tool": "show_trace"]) == 1)
        #expect(workerSamples.value("agentspanc_worker_tasks_completed_total", ["tool": "show_trace"]) == 1)
        #expect(workerSamples.value("agentspanc_worker_tasks_failed_total", ["tool": "show_trace", "terminal": "false"]) == 0)
        #expect(workerSamples.value("agentspanc_worker_task_duration_seconds_count", ["tool": "show_trace"]) == 1)
        #expect(workerSamples.value("agentspanc_worker_polls_total", ["tool": "show_trace"]).map { $0 >= 1 } == true)
        #expect(workerSamples.value("agentspanc_worker_tasks_running") == 0)
        #expect(workerSamples.value("agentspanc_worker_ready") == 1)
        #expect(try await ObservabilityFixture.get("http://127.0.0.1:\(port)/ready").status == 200)
    }

    @Test func aFailedLLMCallIsCountedAsAnErrorOfItsModel() async throws {
        let files = try ObservabilityFixture.files()
        let (url, stop) = try await ObservabilityFixture.server(cassette: files.cassette)
        defer { Task { await stop() } }
        // The cassette answers gpt-4o only: a gpt-4o-mini agent's call fails.
        let spec = try String(contentsOfFile: files.spec, encoding: .utf8).replacingOccurrences(
            of: "model: openai/gpt-4o", with: "model: openai/gpt-4o-mini")
        let path = files.spec.replacingOccurrences(of: "probe_agent.yaml", with: "mini_agent.yaml")
        try spec.replacingOccurrences(of: "name: probe_agent", with: "name: mini_agent").write(
            toFile: path, atomically: true, encoding: .utf8)
        let result = try await AgentRuntime(serverURL: url).run(try Agent.load(path: path), "Please probe.")
        #expect(!result.isSuccess)
        var samples: [PrometheusSample] = []
        let counted = try await eventually {
            samples = parsePrometheus(try await ObservabilityFixture.get(url + "/metrics").body)
            return samples.value("agentspanc_llm_errors_total", ["provider": "openai", "model": "gpt-4o-mini"]) == 1
        }
        #expect(counted, "the failed call was not counted")
        #expect(samples.value("agentspanc_llm_calls_total", ["provider": "openai", "model": "gpt-4o-mini"]) == 1)
        #expect(samples.value("agentspanc_executions", ["agent": "mini_agent", "status": "FAILED"]) == 1)
    }

    @Test func aWorkerIsNotReadyUntilItsServerAnswers() async throws {
        // Nothing listens on this port: every poll fails.
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: "http://127.0.0.1:\(freePort())"), tools: [], commandTools: [
                WorkerToolDefinition(name: "noop", binding: .init(command: ["true"]), baseDirectory: "/")
            ], configuration: .init(workerID: "unready", pollTimeoutMilliseconds: 100, registerTaskDefinitions: false))
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let metricsServer = MetricsServer(metrics: worker.metrics, port: 0, logger: Logger(label: "test.metrics")) {
            portContinuation.yield($0)
        }
        let group = ServiceGroup(configuration: .init(services: [worker, metricsServer], logger: Logger(label: "test.group")))
        let running = Task { try await group.run() }
        let port = try #require(await ports.first { _ in true })
        let failed = await eventually { worker.metrics.pollErrors >= 1 }
        #expect(failed)
        let ready = try await ObservabilityFixture.get("http://127.0.0.1:\(port)/ready")
        #expect(ready.status == 503)
        #expect(ready.body.contains("not ready"))
        #expect(try await ObservabilityFixture.get("http://127.0.0.1:\(port)/health").status == 200)
        let text = try await ObservabilityFixture.get("http://127.0.0.1:\(port)/metrics").body
        #expect(parsePrometheus(text).value("agentspanc_worker_ready") == 0)
        #expect(parsePrometheus(text).value("agentspanc_worker_poll_errors_total").map { $0 >= 1 } == true)
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
