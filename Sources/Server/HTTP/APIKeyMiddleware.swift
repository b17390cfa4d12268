import HTTPTypes
import Hummingbird

/// Requires the server's API key on every route except `/health`: `Authorization: Bearer KEY` or
/// `X-Authorization: KEY` (the header Conductor clients send).
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        let bearer = request.headers[.authorization].flatMap { value -> String? in
            value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
        }
        let xauth = request.headers[HTTPField.Name("X-Authorization")!]
        guard constantTimeEquals(bearer ?? xauth ?? "", key) else {
            throw APIError(.unauthorized, "missing or wrong API key: send Authorization: Bearer <key> or X-Authorization: <key>")
        }
        return try await next(request, context)
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }
}
