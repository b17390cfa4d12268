import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard: one page (`/` and its client-side routes) and its script and style sheet, all compiled into the
/// binary (`Dashboard/*.swift`). The page holds no data; everything it shows it reads from the public API with
/// the user's key, so the shell itself is served without one.
struct DashboardRoutes {
    /// Client-side routes that answer the page.
    static let pagePaths = ["/", "/executions", "/agents", "/compare"]
    static let pagePrefixes = ["/executions/", "/agents/"]

    /// Paths served without the API key: the page and its static assets, which contain no data.
    static func isPublicAsset(_ path: String) -> Bool {
        pagePaths.contains(path) || pagePrefixes.contains { path.hasPrefix($0) } || path.hasPrefix("/dashboard/")
    }

    /// No inline script or style, nothing from another origin, never framed.
    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        HTTPField.Name("X-Frame-Options")!: "DENY", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    func register(on router: some RouterMethods<ServerRequestContext>) {
        let page: @Sendable (Request, ServerRequestContext) async throws -> Response = { _, _ in
            Self.asset(DashboardAssets.html, type: "text/html; charset=utf-8")
        }
        for path in ["/", "executions", "executions/:id", "agents", "agents/:name", "compare"] { router.get(RouterPath(path), use: page) }
        router.get("dashboard/app.js") { _, _ in Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("dashboard/app.css") { _, _ in Self.asset(DashboardAssets.style, type: "text/css; charset=utf-8") }
        router.get("dashboard/favicon.svg") { _, _ in Self.asset(DashboardAssets.icon, type: "image/svg+xml") }
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
