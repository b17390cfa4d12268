import AgentSpec
import ConductorClient
import Foundation
import Workflow

extension AgentRuntime {
    /// The agent a user names on the command line: a spec file if the path exists (or looks like one), otherwise
    /// an agent already deployed on the server under that name.
    public func agent(_ specOrName: String) async throws -> Agent {
        let looksLikeFile = specOrName.hasSuffix(".yaml") || specOrName.hasSuffix(".yml") || specOrName.hasSuffix(".json")
            || specOrName.contains("/")
        if looksLikeFile || FileManager.default.fileExists(atPath: specOrName) {
            return try Agent.load(path: specOrName)
        }
        return Agent(config: try await client.agentDefinition(name: specOrName))
    }
}
