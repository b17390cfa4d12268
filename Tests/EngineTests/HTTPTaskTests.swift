import Foundation
import Hummingbird
import NIOCore
import TestSupport
import Testing
import Workflow

@testable import Engine

/// A loopback HTTP server for the HTTP task.
struct LoopbackServer {
    let port: Int
    let task: Task<Void, any Error>

    static func start() async throws -> LoopbackServer {
        let router = Router()
        router.get("hello") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"msg": "hi", "n": 2}"#)))
        }
        router.post("echo") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        router.get("whoami") { request, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["authorization": .string(request.headers[.authorization] ?? "")]).jsonText())))
        }
        router.get("fail") { _, _ -> Response in
            Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "broken")))
        }
        let (port, task) = try await startLoopbackApplication(router, label: "loopback")
        return LoopbackServer(port: port, task: task)
    }
}

@Suite struct HTTPTaskTests {
    @Test func headerSecretsAreResolvedFromTheConfiguredOnesOnly() async throws {
        let server = try await LoopbackServer.start()
        defer { server.task.cancel() }
        let engine = try await makeEngine(secrets: ["WX_KEY": "k-123"])
        defer { Task { await engine.shutdown() } }
        func run(_ header: String) async throws -> WorkflowExecution {
            let def = try decodeDef(
                """
                {"name": "auth", "tasks": [{"name": "who", "taskReferenceName": "who", "type": "HTTP", "inputParameters": {"http_request": {
                  "uri": "http://127.0.0.1:\(server.port)/whoami", "method": "GET", "headers": {"Authorization": "\(header)"}}}}],
                 "outputParameters": {"seen": "${who.output.response.body.authorization}"}}
                """)
            return try await engine.waitFor(try await engine.startWorkflow(StartWorkflowRequest(name: "auth", workflowDef: def)))
        }
        let resolved = try await run("Bearer #{WX_KEY}")
        #expect(resolved.output == ["seen": "Bearer k-123"])
        let unknown = try await run("Bearer #{HOME}")
        #expect(unknown.status == .failed)
        #expect(unknown.tasks.first?.status == .failedWithTerminalError)
        #expect(unknown.tasks.first?.reasonForIncompletion?.contains("--secret HOME") == true)
    }

    @Test func httpTaskCallsALoopbackServer() async throws {
        let server = try await LoopbackServer.start()
        defer { server.task.cancel() }
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let base = "http://127.0.0.1:\(server.port)"
        let def = try decodeDef(
            """
            {"name": "http", "tasks": [
              {"name": "get", "taskReferenceName": "get", "type": "HTTP", "inputParameters": {"http_request": {"uri": "\(base)/hello", "method": "GET"}}},
              {"name": "post", "taskReferenceName": "post", "type": "HTTP",
               "inputParameters": {"uri": "\(base)/echo", "method": "POST", "body": {"said": "${get.output.response.body.msg}"}}}],
             "outputParameters": {"echo": "${post.output.response.body.said}", "status": "${get.output.response.statusCode}"}}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "http", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed, "\(w.reasonForIncompletion ?? "")")
        #expect(w.output == ["echo": "hi", "status": 200])
    }

    @Test func non2xxFailsTheTask() async throws {
        let server = try await LoopbackServer.start()
        defer { server.task.cancel() }
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "http", "tasks": [{"name": "get", "taskReferenceName": "get", "type": "HTTP",
              "inputParameters": {"http_request": {"uri": "http://127.0.0.1:\(server.port)/fail", "method": "GET"}}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "http", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .failed)
        #expect(w.tasks.first?.reasonForIncompletion == "broken")
        #expect(w.tasks.first?.outputData["response"]?["statusCode"] == 500)
    }
}
