import Foundation
import NIOHTTP1
import Testing

/// `POST /api/token`, the exchange conductor-python performs when it holds an access key.
struct TokenExchangeTests {
    @Test func theServerKeyIsExchangedForAToken() async throws {
        let server = try await TestServer.start(apiKey: "s3cret")
        defer { Task { await server.stop() } }
        // The route needs no header: the key travels in the body, as keyId (agentspan) or keySecret.
        let (ok, body) = try await server.request(.POST, "/api/token", body: #"{"keyId":"s3cret","keySecret":""}"#)
        #expect(ok == 200)
        let token = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])["token"]
        #expect(token == "s3cret")
        let (bySecret, _) = try await server.request(.POST, "/api/token", body: #"{"keyId":"app","keySecret":"s3cret"}"#)
        #expect(bySecret == 200)
        let (wrong, _) = try await server.request(.POST, "/api/token", body: #"{"keyId":"nope","keySecret":"nope"}"#)
        #expect(wrong == 401)
        let (malformed, _) = try await server.request(.POST, "/api/token", body: "{")
        #expect(malformed == 400)
        // The token then opens the API the way conductor-python sends it.
        let (authorized, _) = try await server.request(.GET, "/api/metadata/taskdefs", headers: [("X-Authorization", token ?? "")])
        #expect(authorized == 200)
    }

    @Test func withoutAnAPIKeyThereIsNoTokenRoute() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        // 404 is what makes conductor-python continue without authentication.
        let (status, _) = try await server.request(.POST, "/api/token", body: #"{"keyId":"k","keySecret":"s"}"#)
        #expect(status == 404)
    }
}
