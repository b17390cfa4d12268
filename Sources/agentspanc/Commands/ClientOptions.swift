import AgentRuntime
import ArgumentParser

/// How CLI commands reach a server.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL (default: $AGENTSPAN_SERVER_URL, then http://localhost:6767).")
    var server: String?

    @Option(name: .long, help: "API key (default: $AGENTSPAN_API_KEY).")
    var apiKey: String?

    var runtime: AgentRuntime { AgentRuntime(serverURL: server, apiKey: apiKey) }
}
