import HTTPTypes
import Hummingbird
import Synchronization

/// Where the server listens and which names it answers to: the `Host` of every request must be one of them.
///
/// A page on another site cannot make a browser send a name it does not control to this server, except through
/// DNS rebinding, which shows up as an unknown `Host`; so `Host` must be the bound address, a loopback name with
/// the bound port, or a name given with `--allowed-host`.
final class ServerAddress: Sendable {
    /// The address given to bind (lowercased, no brackets).
    let boundHost: String
    /// `--allowed-host` names, lowercased: `name` (any port) or `name:port`.
    let allowedHosts: [String]
    private let port: Mutex<Int>

    init(host: String, port: Int, allowedHosts: [String]) {
        self.boundHost = Self.bare(host)
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
        self.port = Mutex(port)
    }

    /// The port actually bound (differs from the configured one when that was 0).
    var boundPort: Int {
        get { port.withLock { $0 } }
        set { port.withLock { $0 = newValue } }
    }

    /// Whether a `Host` header value names this server.
    func accepts(authority: String) -> Bool {
        let lowered = authority.lowercased()
        guard let (name, port) = Self.split(lowered) else { return false }
        for allowed in allowedHosts {
            if allowed == lowered { return true }
            if Self.split(allowed).map({ $0.port == nil && $0.name == name }) == true { return true }
        }
        guard (port ?? 80) == boundPort else { return false }
        if ["localhost", "127.0.0.1", "::1", boundHost].contains(name) { return true }
        // Bound to every interface: any address literal is this machine (a rebinding attack needs a DNS name).
        return ["0.0.0.0", "::", ""].contains(boundHost) && Self.isAddressLiteral(name)
    }

    /// `host[:port]` or `[v6][:port]` → (name without brackets or trailing dot, port); nil when malformed.
    static func split(_ authority: String) -> (name: String, port: Int?)? {
        var name: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            name = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":"), authority.firstIndex(of: ":") == colon {
            name = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            name = Substring(authority)
        }
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty else { return nil }
        guard let portText else { return (String(name), nil) }
        guard let port = Int(portText), (1...65535).contains(port) else { return nil }
        return (String(name), port)
    }

    static func bare(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    static func isAddressLiteral(_ name: String) -> Bool {
        if name.contains(":") { return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// Refuses what a web page in the user's browser could send to this server behind the user's back:
///
/// - a `Host` that is not this server (DNS rebinding) → 403;
/// - a request from another origin (`Origin` not this server's, or `Sec-Fetch-Site: cross-site/same-site`) when
///   it changes state, or for any method when the server has no API key (reads leak executions) → 403;
/// - a POST, PUT or PATCH body that is not `application/json` (an HTML form or a "simple" cross-site request
///   sends text/plain or form encodings) → 415.
///
/// Clients that are not browsers (SDKs, curl, workers) send no `Origin` and pass unchanged; pages served by this
/// server itself are same-origin and pass too.
struct BrowserGuardMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let address: ServerAddress
    /// With an API key, cross-origin reads are harmless (a page cannot add the key); without one they are not.
    let hasAPIKey: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority
        if let authority, !address.accepts(authority: authority) {
            throw APIError(
                .forbidden,
                "this server does not answer to the host name '\(authority)'; start it with --allowed-host \(ServerAddress.split(authority.lowercased())?.name ?? authority) to allow it")
        }
        let changesState = ![.get, .head, .options].contains(request.method)
        if (changesState || !hasAPIKey), let origin = Self.foreignOrigin(request, authority: authority) {
            throw APIError(
                .forbidden, "cross-origin requests are refused: \(origin) is not this server's origin")
        }
        if [.post, .put, .patch].contains(request.method) {
            let contentType = request.headers[.contentType]
            if let contentType, !Self.isJSON(contentType) {
                throw APIError(
                    .unsupportedMediaType,
                    "\(request.method.rawValue) \(request.uri.path) takes a JSON body: send Content-Type: application/json, not \(contentType)")
            }
            if contentType == nil, Self.hasBody(request) {
                throw APIError(
                    .unsupportedMediaType,
                    "\(request.method.rawValue) \(request.uri.path) takes a JSON body: send Content-Type: application/json")
            }
        }
        return try await next(request, context)
    }

    /// A description of the request's origin when a browser says it comes from elsewhere; nil when same-origin
    /// or not sent by a browser.
    static func foreignOrigin(_ request: Request, authority: String?) -> String? {
        if let origin = request.headers[.origin] {
            guard origin != "null" else { return "the origin 'null' (a sandboxed page or a local file)" }
            guard let schemeEnd = origin.range(of: "://") else { return "'\(origin)'" }
            let scheme = origin[..<schemeEnd.lowerBound].lowercased()
            let host = origin[schemeEnd.upperBound...].lowercased()
            guard scheme == "http" || scheme == "https", let authority,
                  let own = ServerAddress.split(authority.lowercased()), let theirs = ServerAddress.split(host)
            else { return "'\(origin)'" }
            let defaultPort = scheme == "https" ? 443 : 80
            let samePort = (theirs.port ?? defaultPort) == (own.port ?? defaultPort)
            return theirs.name == own.name && samePort ? nil : "'\(origin)'"
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased(), site == "cross-site" || site == "same-site" {
            return "a \(site) page"
        }
        return nil
    }

    /// `application/json` or a `+json` type, with any parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return Int(length.trimmingCharacters(in: .whitespaces)) != 0 }
        return request.headers[.transferEncoding] != nil
    }
}
