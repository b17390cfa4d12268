import Workflow

/// `#{NAME}` references in HTTP and MCP headers (the compiler writes a spec's `${NAME}` that way), resolved from the
/// secrets the server was given — never from its whole environment, so a spec cannot read arbitrary variables.
struct CredentialReferences: Sendable {
    /// Secret name → value (`agentspanc server --secret NAME` takes `NAME` from the server's environment).
    var values: [String: String]

    /// A reference that names no configured secret.
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "credential '\(name)' is not available: start the server with --secret \(name) and \(name) set in its environment"
        }
    }

    /// `text` with every `#{NAME}` replaced.
    func resolve(_ text: String) throws(Missing) -> String {
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
            guard let value = values[name] else { throw Missing(name: name) }
            out += value
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// Header values of a `headers` input map, resolved (non-string values as their JSON text).
    func headers(_ value: JSONValue) throws(Missing) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, raw) in value.objectValue ?? [:] {
            headers[name] = try resolve(raw.stringValue ?? raw.jsonText())
        }
        return headers
    }
}
