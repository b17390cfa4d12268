import AgentRuntime
import AgentSpec
import ArgumentParser
import Foundation

/// Resolves the SPEC|NAME argument of run/start, printing spec diagnostics compiler-style.
enum AgentSource {
    static func resolve(_ argument: String, runtime: AgentRuntime) async throws -> Agent {
        do {
            return try await runtime.agent(argument)
        } catch let error as SpecError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(65)
        }
    }
}
