import ArgumentParser

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
            CancelCommand.self,
        ]
    )
}
