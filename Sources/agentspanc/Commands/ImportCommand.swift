import ArgumentParser
import Foundation
import FrameworkImport
import Workflow

/// `agentspanc import FILE.json --from openai|google_adk [-o OUT.yaml]`: a framework agent, as the agentspan SDK
/// serialises it, becomes a spec file with `run:` placeholders for its tools.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a serialised framework agent (OpenAI Agents SDK, Google ADK) into an agent spec.",
        discussion: """
            FILE holds the agent's rawConfig as the agentspan SDK sends it (serialize_agent), or a whole request \
            {framework, rawConfig}. Fields agentspanc cannot express are refused, naming their JSON path. Each tool \
            gets a placeholder `run:` (./tools/<name>, arguments as JSON on stdin) to point at its program.
            """)

    @Argument(help: "A JSON file: the rawConfig, or {framework, rawConfig}.")
    var file: String

    @Option(help: "The framework: openai, google_adk, langchain, langgraph, claude_agent_sdk (default: the file's 'framework').")
    var from: String?

    @Option(name: [.short, .customLong("output")], help: "Write the spec here instead of standard output.")
    var output: String?

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ValidationError("\(file) is not JSON: \(error.localizedDescription)")
        }
        let wrapped = document["rawConfig"].objectValue != nil
        let raw = wrapped ? document["rawConfig"] : document
        guard let name = from ?? document["framework"].stringValue else {
            throw ValidationError("give --from openai|google_adk|… (\(file) does not say which framework it is)")
        }
        guard let framework = Framework(rawValue: name) else {
            throw ValidationError("unknown framework '\(name)'; expected one of \(Framework.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let spec: ImportedSpec
        do {
            spec = ImportedSpec(try FrameworkImporter.normalize(framework, rawConfig: raw, root: wrapped ? "rawConfig" : "$"), framework: framework)
        } catch {
            FileHandle.standardError.write(Data("\(file): error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let text = try spec.yamlText(source: (file as NSString).lastPathComponent)
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            let tools = spec.placeholderTools
            let note = tools.isEmpty ? "" : "; bind the run: of \(tools.joined(separator: ", "))"
            FileHandle.standardError.write(Data("wrote \(output) (\(spec.config.name))\(note)\n".utf8))
        } else {
            print(text, terminator: "")
        }
    }
}
