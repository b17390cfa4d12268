import AgentRuntime
import ArgumentParser
import Foundation

/// How CLI commands reach a server.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL (default: $AGENTSPAN_SERVER_URL, then http://localhost:6767).")
    var server: String?

    @Option(name: .long, help: "API key (default: $AGENTSPAN_API_KEY).")
    var apiKey: String?

    var runtime: AgentRuntime { AgentRuntime(serverURL: server, apiKey: apiKey) }

    func validate() throws {
        if let server, Self.problem(withServerURL: server) != nil {
            throw ValidationError("--server \(server): \(Self.problem(withServerURL: server) ?? "")")
        }
    }

    /// Why a server URL cannot be used; nil when it is an http(s) URL with a host.
    static func problem(withServerURL text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return "not a server URL; give one such as http://localhost:6767" }
        return nil
    }
}
