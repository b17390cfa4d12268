import Foundation

/// Builds the provider the engine uses from the server's options: `--llm-cassette FILE` plays a cassette,
/// `--record-cassette FILE` records real exchanges, neither routes to real providers from the environment.
public enum LLMProviderSetup {
    /// - Parameters:
    ///   - environment: provider keys and endpoints (see ``ProviderRouter``).
    ///   - cassette: a cassette to answer every request from (no network at all).
    ///   - recordCassette: a cassette to record real exchanges into.
    /// - Throws: ``CassetteError`` for an unreadable cassette; ``LLMError`` when both files are given.
    public static func provider(
        environment: [String: String], cassette: URL? = nil, recordCassette: URL? = nil,
        transport: LLMTransport = .init()
    ) throws -> any LLMProvider {
        switch (cassette, recordCassette) {
        case (let play?, nil):
            return try CassetteProvider(contentsOf: play)
        case (nil, let record?):
            return try RecordingProvider(
                wrapping: ProviderRouter(environment: environment, transport: transport), file: record)
        case (nil, nil):
            return ProviderRouter(environment: environment, transport: transport)
        case (_?, _?):
            throw LLMError(
                message: "--llm-cassette and --record-cassette exclude each other: play a cassette or record one")
        }
    }
}
