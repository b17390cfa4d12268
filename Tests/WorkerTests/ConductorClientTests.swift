import ConductorClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import Workflow

@Suite struct ConductorClientTests {
    @Test func baseURLWithOrWithoutApiSuffix() {
        #expect(ConductorClient(baseURL: "http://localhost:8080/api/").baseURL == "http://localhost:8080")
        #expect(ConductorClient(baseURL: "http://localhost:6767").baseURL == "http://localhost:6767")
    }

    @Test func workerAndMetadataCallsRoundTrip() async throws {
        let server = try await FakeConductor()
        let client = ConductorClient(baseURL: server.baseURL)
        await server.state.enqueue([FakeConductor.task("check_service", 1, input: ["k": "v"])])
        let polled = try await client.pollBatch(taskType: "check_service", workerID: "w 1", domain: "d", count: 3, timeoutMs: 50)
        #expect(polled.map(\.taskId) == ["check_service#1"])
        #expect(polled.first?.inputData == ["k": "v"])
        #expect(try await client.pollBatch(taskType: "empty", workerID: "w", count: 1, timeoutMs: 10).isEmpty)
        let poll = try #require(await server.state.polls.first)
        #expect(poll.workerID == "w 1" && poll.domain == "d" && poll.count == 3)

        try await client.registerTaskDefs([TaskDef(name: "a", retryCount: 0, responseTimeoutSeconds: 30)])
        #expect(try await client.taskDefs().map(\.name) == ["a"])

        let id = try await client.startWorkflow(StartWorkflowRequest(name: "demo", input: ["q": "x"]))
        #expect(id == "wf-demo")
        let execution = try await client.workflow(id: id, includeTasks: true)
        #expect(execution.workflowId == "wf-demo" && execution.tasks.count == 1)

        let result = TaskResult(workflowInstanceId: "wf-1", taskId: "double#1", status: .completed, outputData: ["x": 1])
        try await client.updateTask(result)
        #expect(try await client.updateTaskV2(result) == nil)
        await server.state.setUpdateV2(false)
        let missing = await #expect(throws: ConductorClientError.self) { try await client.updateTaskV2(result) }
        #expect(missing?.isEndpointMissing == true)
        #expect(missing?.isRetryable == false)
        await server.stop()
    }

    @Test func errorsCarryStatusMessageAndRetryability() async throws {
        let server = try await FakeConductor()
        let client = ConductorClient(baseURL: server.baseURL)
        let notFound = await #expect(throws: ConductorClientError.self) { try await client.task(id: "nope") }
        #expect(notFound?.status == 404)
        #expect(notFound?.message == "Task not found")
        #expect(notFound?.isRetryable == false)

        await server.state.rejectUpdates(1)
        let unavailable = await #expect(throws: ConductorClientError.self) {
            try await client.updateTask(TaskResult(workflowInstanceId: "w", taskId: "t", status: .completed))
        }
        #expect(unavailable?.status == 503)
        #expect(unavailable?.isRetryable == true)

        await server.stop()
        // A port bound but never listened on refuses connections, and nothing else can take it meanwhile.
        let closed = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(closed) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(closed, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(closed, $0, &length) } }
        let down = ConductorClient(baseURL: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))")
        let started = ContinuousClock.now
        let refused = await #expect(throws: ConductorClientError.self) {
            try await down.pollBatch(taskType: "x", workerID: "w", count: 1)
        }
        #expect(refused?.status == nil)
        #expect(refused?.isRetryable == true)
        #expect(ContinuousClock.now - started < .seconds(30), "a refused connection fails at once, without hidden retries")
    }
}
