import Foundation
import Logging

/// Chooses what answers LLM tasks, from the server's flags and environment.
public enum LLMSetup {
    /// A cassette when `cassette` is given; a recorder around the real providers when `record` is given; otherwise
    /// the providers configured in `environment` (OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_HOST, …).
    public static func provider(cassette: String?, record: String?, environment: [String: String]) throws -> any LLMProvider {
        if let cassette {
            return try CassetteProvider(contentsOf: URL(fileURLWithPath: cassette))
        }
        let router = ProviderRouter(environment: environment)
        if let record {
            return try RecordingProvider(wrapping: router, file: URL(fileURLWithPath: record))
        }
        return router
    }
}
