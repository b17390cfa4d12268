import HTTPTypes
import Hummingbird

/// Requires the server's API key on every route except `/health`, the token exchange (which checks the key
/// in its body) and the dashboard's page and assets (which hold no data; the page asks for the key):
/// `Authorization: Bearer KEY` or `X-Authorization: KEY` (the header Conductor clients send).
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ["/health", "/api/token"].contains(request.uri.path) { return try await next(request, context) }
        if request.method == .get, DashboardRoutes.isPublicAsset(request.uri.path) { return try await next(request, context) }
        let bearer = request.headers[.authorization].flatMap { value -> String? in
            value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
        }
        let xauth = request.headers[HTTPField.Name("X-Authorization")!]
        guard Self.constantTimeEquals(bearer ?? xauth ?? "", key) else {
            throw APIError(.unauthorized, "missing or wrong API key: send Authorization: Bearer <key> or X-Authorization: <key>")
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so the time taken does not reveal how much of the key matched.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }
}
