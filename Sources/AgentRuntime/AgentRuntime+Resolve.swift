import AgentSpec
import ConductorClient
import Foundation
import Workflow

extension AgentRuntime {
    /// The agent a user names on the command line: a spec file if the path exists (or looks like one), otherwise
    /// an agent already deployed on the server under that name. `options` bound a spec file's `ref:` files.
    public func agent(_ specOrName: String, options: SpecLoadOptions = SpecLoadOptions()) async throws -> Agent {
        if Self.namesSpecFile(specOrName) {
            return try Agent.load(path: specOrName, options: options)
        }
        let definition = try await client.agentDefinition(name: specOrName)
        do {
            return Agent(try definition.decode(AgentConfig.self), origin: .deployed)
        } catch {
            throw ConductorClientError(
                status: nil, message: "the server's definition of \(specOrName) is not an agent config: \(SpecLoader.describe(error))",
                request: "GET /api/agent/\(specOrName)")
        }
    }

    /// Whether ``agent(_:)`` reads `specOrName` as a spec file (it exists, or looks like a path or a spec file name).
    public static func namesSpecFile(_ specOrName: String) -> Bool {
        specOrName.hasSuffix(".yaml") || specOrName.hasSuffix(".yml") || specOrName.hasSuffix(".json")
            || specOrName.contains("/") || FileManager.default.fileExists(atPath: specOrName)
    }
}
