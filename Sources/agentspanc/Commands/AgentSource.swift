import AgentRuntime
import AgentSpec
import ArgumentParser
import Foundation

/// Resolves the SPEC|NAME argument of run/start, printing spec diagnostics compiler-style.
enum AgentSource {
    /// With `client`, the command starts executions: a spec file is checked before a background server is started
    /// for it (``ServerAutoStart``); a deployed agent's name needs the server first. `refs` bound a spec's `ref:` files.
    static func resolve(
        _ argument: String, runtime: AgentRuntime, client: ClientOptions? = nil, refs: RefOptions
    ) async throws -> Agent {
        let isFile = AgentRuntime.namesSpecFile(argument)
        if let client, !isFile { try await ServerAutoStart.ensureRunning(client) }
        let agent: Agent
        do {
            agent = try await runtime.agent(argument, options: refs.loadOptions)
        } catch let error as SpecError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(65)
        }
        if let client, isFile { try await ServerAutoStart.ensureRunning(client) }
        return agent
    }
}
