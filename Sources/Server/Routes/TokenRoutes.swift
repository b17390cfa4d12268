import Foundation
import Hummingbird

/// `POST /api/token`: the key-for-token exchange Conductor clients perform when they are given an access key.
///
/// conductor-python (and so the agentspan SDK's tool workers, which hand it `AGENTSPAN_API_KEY` as the key id)
/// calls it before anything else and then sends the token as `X-Authorization`. The server's API key is the only
/// credential there is, so a request naming it as `keyId` or `keySecret` gets the key itself back as the token.
/// Registered only when the server has an API key; without one the route does not exist and a 404 tells those
/// clients to carry on without authentication, as against an unsecured Conductor.
struct TokenRoutes {
    let key: String

    /// Body of the exchange.
    struct TokenRequest: Decodable, Sendable {
        var keyId: String?
        var keySecret: String?
    }

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.post("api/token") { request, context in
            var request = request
            let body = try await request.decodeJSON(TokenRequest.self, context: context)
            let offered = [body.keyId, body.keySecret].compactMap { $0 }
            guard offered.contains(where: { APIKeyMiddleware.constantTimeEquals($0, key) }) else {
                throw APIError(.unauthorized, "invalid keyId/keySecret: pass the server's API key as keyId")
            }
            return try Reply.json(["token": key])
        }
    }
}
