import Foundation
import Workflow

/// A value HTTP and MCP tasks may put in their headers as `#{NAME}`, and the only hosts it may be sent to.
public struct Secret: Sendable, Hashable {
    /// The secret itself.
    public var value: String
    /// Where it may go: `host` (any port), `host:port`, `*.domain` (any subdomain of `domain`, not `domain`
    /// itself), `[v6]` or `[v6]:port`; case-insensitive.
    public var allowedHosts: [String]

    public init(value: String, allowedHosts: [String]) {
        self.value = value
        self.allowedHosts = allowedHosts
    }

    /// Whether a request to `host` (and `port`, when the URL names one or its scheme implies one) may carry it.
    public func allows(host: String, port: Int?) -> Bool {
        let host = Self.bare(host)
        return allowedHosts.contains { pattern in
            guard let (name, wanted) = Self.split(pattern) else { return false }
            if let wanted, wanted != port { return false }
            if name.hasPrefix("*.") { return host.hasSuffix(name.dropFirst(1)) && host.count > name.count - 1 }
            return name == host
        }
    }

    /// Why a host pattern cannot be used; nil when it can.
    public static func problem(withHostPattern pattern: String) -> String? {
        guard !pattern.isEmpty else { return "a host is empty" }
        guard !pattern.contains("/"), !pattern.contains("@") else {
            return "'\(pattern)' is not a host: give a host name, host:port or *.domain, not a URL"
        }
        guard let (name, _) = split(pattern) else { return "'\(pattern)' is not a host, host:port or *.domain" }
        let labels = name.hasPrefix("*.") ? name.dropFirst(2) : Substring(name)
        if labels.isEmpty || labels.contains("*") { return "'\(pattern)': a wildcard may only stand first, as in *.example.com" }
        return nil
    }

    /// `name[:port]` or `[v6][:port]` → (lowercased name without brackets, port); nil when the port is not one.
    static func split(_ pattern: String) -> (name: String, port: Int?)? {
        let text = pattern.lowercased()
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let name = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return name.isEmpty ? nil : (name, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
            return (name, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count <= 2 else { return nil }
        guard parts.count == 2 else { return (String(first), nil) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(first), port)
    }

    static func bare(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }
}

/// `#{NAME}` references in HTTP and MCP headers (the compiler writes a spec's `${NAME}` that way), resolved from the
/// secrets the server was given — never from its whole environment, so a spec cannot read arbitrary variables — and
/// only for requests to the hosts each secret is bound to.
struct CredentialReferences: Sendable {
    /// Secret name → secret (`agentspanc server --secret NAME=HOST,…` takes `NAME` from the server's environment).
    var values: [String: Secret]

    /// Where a request goes: the host and port of its URL.
    struct Destination: Sendable, Equatable {
        var host: String
        var port: Int?

        /// The destination of an absolute http(s) URL; nil when it has no host.
        init?(url: String) {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
            self.host = host
            switch components.port {
            case .some(let port): self.port = port
            case .none: self.port = components.scheme?.lowercased() == "https" ? 443 : (components.scheme?.lowercased() == "http" ? 80 : nil)
            }
        }

        /// `host` or `host:port`, as an error names it.
        var description: String {
            let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            return port.map { "\(name):\($0)" } ?? name
        }
    }

    /// A reference that cannot be filled in: an unknown secret, or one the destination may not receive.
    enum Refusal: Error, CustomStringConvertible {
        case missing(name: String)
        case notAllowed(name: String, destination: String, allowed: [String])

        var description: String {
            switch self {
            case .missing(let name):
                return "credential '\(name)' is not available: start the server with --secret \(name)=HOST[,HOST…] and \(name) set in its environment"
            case .notAllowed(let name, let destination, let allowed):
                return "secret '\(name)' may not be sent to \(destination): the server allows it only to \(allowed.joined(separator: ", ")) (--secret \(name)=HOST[,HOST…])"
            }
        }
    }

    /// `text` with every `#{NAME}` replaced, for a request to `destination` (nil: a URL without a host, which no
    /// secret may go to).
    func resolve(_ text: String, for destination: Destination?) throws(Refusal) -> String {
        guard text.contains("#{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "#{") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<end])
            guard let secret = values[name] else { throw .missing(name: name) }
            guard let destination, secret.allows(host: destination.host, port: destination.port) else {
                throw .notAllowed(name: name, destination: destination?.description ?? "a URL without a host", allowed: secret.allowedHosts)
            }
            out += secret.value
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// Header values of a `headers` input map, resolved for `destination` (non-string values as their JSON text).
    func headers(_ value: JSONValue, for destination: Destination?) throws(Refusal) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, raw) in value.objectValue ?? [:] {
            headers[name] = try resolve(raw.stringValue ?? raw.jsonText(), for: destination)
        }
        return headers
    }
}
