import AgentCompiler
import AgentSpec
import ArgumentParser
import Foundation

/// `agentspanc validate SPEC|DIR…`: strict checks of agent specs, every problem reported in one run.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check agent specs: unknown keys, wrong types, missing fields, duplicates, dangling refs, compile errors.")

    @Argument(help: "Spec files or directories holding them.")
    var specs: [String]

    @Flag(name: .shortAndLong, help: "Print only problems.")
    var quiet = false

    @OptionGroup var refs: RefOptions

    func run() throws {
        var failed = 0
        let files = SpecFiles.expand(specs)
        for file in files {
            guard let spec = SpecFiles.load(file, options: refs.loadOptions) else {
                failed += 1
                continue
            }
            do {
                _ = try AgentCompiler().compile(spec.config)
                if !quiet { print("\(file): ok (\(spec.config.name))") }
            } catch {
                FileHandle.standardError.write(Data("\(file): error: \(error.message)\n".utf8))
                failed += 1
            }
        }
        if failed > 0 {
            FileHandle.standardError.write(Data("\(failed) of \(files.count) spec(s) invalid\n".utf8))
            throw ExitCode(1)
        }
    }
}
