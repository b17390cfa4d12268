import AgentSpec
import ArgumentParser
import Foundation

/// `agentspanc schema`: the JSON Schema of the spec format, for editors and yaml-language-server.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the agent spec format (or, with --tests, of spec test files).",
        discussion: "Point yaml-language-server at it: # yaml-language-server: $schema=path/to/agentspec.schema.json")

    @Option(name: [.short, .customLong("output")], help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(help: "The schema of spec test files (NAME.test.yaml) instead.")
    var tests = false

    func run() throws {
        let data = try CompiledOutput.json(tests ? SpecTestSchema.jsonSchema() : SpecSchema.jsonSchema())
        if let output {
            try data.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
