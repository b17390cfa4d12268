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
        router.get("redirect-to-localhost") { request, _ -> Response in
            let port = request.head.authority?.split(separator: ":").last ?? ""
            return Response(status: .found, headers: [.location: "http://localhost:\(port)/whoami"])
        }
        router.get("redirect") { request, _ -> Response in
            Response(status: .found, headers: [.location: request.uri.queryParameters.get("to") ?? "/hello"])
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
        let engine = try await makeEngine(secrets: ["WX_KEY": Secret(value: "k-123", allowedHosts: ["127.0.0.1"])])
        defer { Task { await engine.shutdown() } }
        func run(_ header: String) async throws -> WorkflowExecution {
            let def = try decodeDef(
                """
                {"name": "auth", "tasks": [{"name": "who", "taskReferenceName": "who", "type": "HTTP", "inputParameters": {"http_request": {
                  "uri": "http://127.0.0.1:\(server.port)/whoami", "method": "GET", "readTimeOut": 30000, "headers": {"Authorization": "\(header)"}}}}],
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

    /// Runs one HTTP GET of `uri` with `Authorization: Bearer #{WX_KEY}` on an engine whose WX_KEY may go to `hosts`.
    func runWithSecret(_ uri: String, hosts: [String]) async throws -> WorkflowExecution {
        let engine = try await makeEngine(secrets: ["WX_KEY": Secret(value: "k-123", allowedHosts: hosts)])
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "auth", "tasks": [{"name": "who", "taskReferenceName": "who", "type": "HTTP", "inputParameters": {"http_request": {
              "uri": "\(uri)", "method": "GET", "readTimeOut": 30000, "headers": {"Authorization": "Bearer #{WX_KEY}"}}}}],
             "outputParameters": {"seen": "${who.output.response.body.authorization}"}}
            """)
        return try await engine.waitFor(try await engine.startWorkflow(StartWorkflowRequest(name: "auth", workflowDef: def)))
    }

    @Test func aSecretIsNotSentToAHostItIsNotBoundTo() async throws {
        let server = try await LoopbackServer.start()
        defer { server.task.cancel() }
        let refused = try await runWithSecret("http://127.0.0.1:\(server.port)/whoami", hosts: ["api.weather.example", "*.example.com"])
        #expect(refused.status == .failed)
        #expect(refused.tasks.first?.status == .failedWithTerminalError)
        let reason = refused.tasks.first?.reasonForIncompletion ?? ""
        #expect(reason.contains("secret 'WX_KEY' may not be sent to 127.0.0.1:\(server.port)"), "\(reason)")
        #expect(reason.contains("api.weather.example, *.example.com"), "\(reason)")
        // A port in the binding is a port the secret may go to, and no other.
        let otherPort = try await runWithSecret("http://127.0.0.1:\(server.port)/whoami", hosts: ["127.0.0.1:1"])
        #expect(otherPort.tasks.first?.status == .failedWithTerminalError)
        let samePort = try await runWithSecret("http://127.0.0.1:\(server.port)/whoami", hosts: ["127.0.0.1:\(server.port)"])
        #expect(samePort.output == ["seen": "Bearer k-123"], "\(samePort.reasonForIncompletion ?? "")")
    }

    @Test func aRedirectCannotCarryASecretToAnotherHost() async throws {
        let server = try await LoopbackServer.start()
        defer { server.task.cancel() }
        // Same host: the redirect is followed with the secret.
        let local = "http://127.0.0.1:\(server.port)"
        let followed = try await runWithSecret("\(local)/redirect?to=/whoami", hosts: ["127.0.0.1"])
        #expect(followed.status == .completed, "\(followed.reasonForIncompletion ?? "")")
        #expect(followed.output == ["seen": "Bearer k-123"])
        // Another host name (the same machine, so only the binding stops it): the task fails before sending.
        let refused = try await runWithSecret("\(local)/redirect-to-localhost", hosts: ["127.0.0.1"])
        #expect(refused.tasks.first?.status == .failedWithTerminalError, "\(refused.tasks.first?.outputData ?? [:])")
        let reason = refused.tasks.first?.reasonForIncompletion ?? ""
        #expect(reason.contains("secret 'WX_KEY' may not be sent to localhost:\(server.port)"), "\(reason)")
    }

    @Test func hostPatternsMatchNamesPortsAndSubdomains() {
        let secret = Secret(value: "v", allowedHosts: ["api.example.com", "*.weather.example", "internal:8443", "[::1]:9000"])
        #expect(secret.allows(host: "API.example.com", port: 443))
        #expect(secret.allows(host: "eu.weather.example", port: 80))
        #expect(secret.allows(host: "a.b.weather.example", port: 80))
        #expect(!secret.allows(host: "weather.example", port: 80))
        #expect(!secret.allows(host: "evilweather.example", port: 80))
        #expect(secret.allows(host: "internal", port: 8443))
        #expect(!secret.allows(host: "internal", port: 443))
        #expect(secret.allows(host: "[::1]", port: 9000))
        #expect(!secret.allows(host: "api.example.com.evil.test", port: 443))
        #expect(Secret.problem(withHostPattern: "https://api.example.com") != nil)
        #expect(Secret.problem(withHostPattern: "api.*.com") != nil)
        #expect(Secret.problem(withHostPattern: "host:99999") != nil)
        #expect(Secret.problem(withHostPattern: "*.example.com") == nil)
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
              {"name": "get", "taskReferenceName": "get", "type": "HTTP", "inputParameters": {"http_request": {"uri": "\(base)/hello", "method": "GET", "readTimeOut": 30000}}},
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
              "inputParameters": {"http_request": {"uri": "http://127.0.0.1:\(server.port)/fail", "method": "GET", "readTimeOut": 30000}}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "http", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .failed)
        #expect(w.tasks.first?.reasonForIncompletion == "broken")
        #expect(w.tasks.first?.outputData["response"]?["statusCode"] == 500)
    }
}
