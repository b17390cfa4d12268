import Foundation
import NIOHTTP1
import Testing
import Workflow

/// What a web page in the user's browser could send to a server on localhost is refused: foreign `Host` names
/// (DNS rebinding), cross-origin requests, and bodies that are not JSON. SDKs and same-origin pages pass.
@Suite struct BrowserSafetyTests {
    /// A body that would start a workflow and so a tool task.
    static let inlineStart = """
        {"name":"x","workflowDef":{"name":"attack","version":1,"tasks":[{"name":"run_tool","taskReferenceName":"t","type":"SIMPLE"}]}}
        """

    func executions(_ server: TestServer) async throws -> Int {
        let result: [String: JSONValue] = try await server.json(.GET, "/api/workflow/search")
        return result["totalHits"]?.intValue ?? -1
    }

    @Test func aHostNameThatIsNotThisServerIsRefused() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, body) = try await server.request(
            .POST, "/api/workflow", body: Self.inlineStart, headers: [("Host", "rebind.attacker.example:\(server.port)")])
        #expect(status == 403, "\(body)")
        let error = try JSONValue.parse(body)
        #expect(error["status"] == 403)
        #expect(error["message"].stringValue?.contains("--allowed-host rebind.attacker.example") == true, "\(body)")
        // Another port on a loopback name is another server too.
        let (otherPort, _) = try await server.request(.GET, "/health", headers: [("Host", "localhost:1")])
        #expect(otherPort == 403)
        #expect(try await executions(server) == 0)
    }

    @Test func loopbackNamesWithThePortPass() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for host in ["localhost:\(server.port)", "127.0.0.1:\(server.port)", "[::1]:\(server.port)", "LOCALHOST:\(server.port)"] {
            let (status, body) = try await server.request(.GET, "/health", headers: [("Host", host)])
            #expect(status == 200, "\(host): \(body)")
        }
    }

    @Test func anAllowedHostNamePasses() async throws {
        let server = try await TestServer.start(configure: { $0.allowedHosts = ["agents.example.com", "proxy.internal:8443"] })
        defer { Task { await server.stop() } }
        let (named, _) = try await server.request(.GET, "/health", headers: [("Host", "agents.example.com")])
        #expect(named == 200)
        let (withPort, _) = try await server.request(.GET, "/health", headers: [("Host", "proxy.internal:8443")])
        #expect(withPort == 200)
        let (wrongPort, _) = try await server.request(.GET, "/health", headers: [("Host", "proxy.internal:9000")])
        #expect(wrongPort == 403)
    }

    @Test func aCrossOriginRequestCannotStartAWorkflow() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for headers in [
            [("Origin", "http://attacker.example")], [("Origin", "null")],
            [("Origin", "http://localhost:\(server.port + 1)")], [("Sec-Fetch-Site", "cross-site")],
        ] {
            let (status, body) = try await server.request(.POST, "/api/workflow", body: Self.inlineStart, headers: headers)
            #expect(status == 403, "\(headers): \(body)")
            #expect(body.contains("cross-origin requests are refused"), "\(body)")
        }
        #expect(try await executions(server) == 0)
    }

    @Test func withoutAnAPIKeyACrossOriginReadIsRefusedToo() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, _) = try await server.request(.GET, "/api/agent/executions", headers: [("Origin", "https://attacker.example")])
        #expect(status == 403)
        let (noCors, _) = try await server.request(.GET, "/api/workflow/search", headers: [("Sec-Fetch-Site", "cross-site")])
        #expect(noCors == 403)
    }

    @Test func withAnAPIKeyACrossOriginReadPassesButAChangeDoesNot() async throws {
        let server = try await TestServer.start(apiKey: "k")
        defer { Task { await server.stop() } }
        let auth = ("Authorization", "Bearer k")
        let (read, body) = try await server.request(.GET, "/api/workflow/search", headers: [auth, ("Origin", "https://attacker.example")])
        #expect(read == 200, "\(body)")
        let (change, _) = try await server.request(
            .POST, "/api/workflow", body: Self.inlineStart, headers: [auth, ("Origin", "https://attacker.example")])
        #expect(change == 403)
    }

    @Test func sameOriginPagesAndSDKsPass() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let page = [("Origin", "http://127.0.0.1:\(server.port)"), ("Sec-Fetch-Site", "same-origin")]
        let (started, body) = try await server.request(.POST, "/api/workflow", body: Self.inlineStart, headers: page)
        #expect(started == 200, "\(body)")
        let (read, _) = try await server.request(.GET, "/api/workflow/search", headers: [("Sec-Fetch-Site", "same-origin")])
        #expect(read == 200)
        let (sdk, _) = try await server.request(.POST, "/api/workflow", body: Self.inlineStart)
        #expect(sdk == 200)
        #expect(try await executions(server) == 2)
    }

    @Test func aBodyThatIsNotJSONIsRefusedWith415() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            let (status, body) = try await server.request(.POST, "/api/workflow", body: Self.inlineStart, headers: [("Content-Type", type)])
            #expect(status == 415, "\(type): \(body)")
            let error = try JSONValue.parse(body)
            #expect(error["message"].stringValue?.contains("send Content-Type: application/json") == true, "\(body)")
        }
        let (charset, _) = try await server.request(
            .POST, "/api/workflow", body: Self.inlineStart, headers: [("Content-Type", "application/json; charset=utf-8")])
        #expect(charset == 200)
        #expect(try await executions(server) == 1)
    }
}
