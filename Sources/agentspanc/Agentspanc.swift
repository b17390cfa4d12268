import ArgumentParser
import Foundation

/// The `agentspanc` command: compile agent specs, serve their tools, run and watch them.
@main
struct Agentspanc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentspanc",
        abstract: "Durable AI agents from YAML specs: compile, serve tools, run and watch every step.",
        version: "0.1.0",
        subcommands: [
            VersionCommand.self,
            CompileCommand.self,
            ValidateCommand.self,
            ImportCommand.self,
            TestCommand.self,
            SchemaCommand.self,
            PlanCommand.self,
            ServerCommand.self,
            WorkerCommand.self,
            RunCommand.self,
            StartCommand.self,
            StreamCommand.self,
            StatusCommand.self,
            ExecutionsCommand.self,
            AgentsCommand.self,
            DoctorCommand.self,
            RespondCommand.self,
            StopCommand.self,
            SignalCommand.self,
            SendCommand.self,
            CancelCommand.self,
        ]
    )

    /// Parses and runs the command. A refusal prints one line, `agentspanc: <sentence>`, with ArgumentParser's exit
    /// status, instead of the error followed by the usage text; help, `--version` and a bare `agentspanc` print as
    /// usual.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let text = message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            guard code != .success, !(error is ExitCode), !text.isEmpty else { exit(withError: error) }
            FileHandle.standardError.write(Data("agentspanc: \(text)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
