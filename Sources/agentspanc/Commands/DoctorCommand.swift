import AgentRuntime
import AgentSpec
import ArgumentParser
import ConductorClient
import Engine
import Foundation
import Worker

/// `agentspanc doctor [SPEC…]`: checks what a run needs — a server, model providers, tool programs — and says how to
/// fix what is missing.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the server, the model providers and the tool programs a spec needs.",
        discussion: """
            Provider keys are checked in this shell's environment, which is what a server started from here \
            (by `agentspanc server` or in the background by `run`) gets. Exits 1 when something is missing.
            """)

    @Argument(help: "Spec files whose models and tools to check.") var specs: [String] = []
    @OptionGroup var client: ClientOptions
    @OptionGroup var refs: RefOptions

    func run() async throws {
        var problems = 0
        func report(_ ok: Bool, _ text: String) {
            print("\(ok ? "ok  " : "FAIL") \(text)")
            if !ok { problems += 1 }
        }
        let environment = ProcessInfo.processInfo.environment
        let runtime = client.runtime
        let url = runtime.client.baseURL
        do {
            try await runtime.client.conductor.checkHealth()
            report(true, "server: \(url) answers")
        } catch {
            let local = client.server == nil
            print("note server: nothing answers at \(url)" + (local ? "; run/start will start one in the background" : ""))
        }
        if let pid = BackgroundServer.runningPID() { print("note background server: pid \(pid), log \(BackgroundServer.logFile)") }

        let router = ProviderRouter(environment: environment)
        for path in specs {
            let spec: LoadedSpec
            do {
                spec = try SpecLoader.load(path: path, options: refs.loadOptions)
            } catch {
                report(false, "\(path): does not load:\n\(error.description)")
                continue
            }
            report(true, "\(path): loads (\(spec.config.name))")
            for model in AgentPlan(spec.config).models {
                let parts = model.split(separator: "/", maxSplits: 1).map(String.init)
                let request = ChatRequest(provider: parts.first ?? "", model: parts.count > 1 ? parts[1] : "", messages: [])
                do {
                    _ = try router.provider(for: request)
                    report(true, "\(path): model \(model) has a provider")
                } catch let error as LLMError {
                    report(false, "\(path): model \(model): \(error.message)")
                }
            }
            let base = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
            var tools = SpecTools()
            do {
                try tools.add(spec.config, baseDirectory: base)
            } catch {
                report(false, "\(path): \(error.description)")
                continue
            }
            for tool in tools.bound {
                let problem = tool.programProblem()
                report(problem == nil, "\(path): tool \(tool.name): " + (problem ?? "runs \(tool.program)"))
            }
            for name in tools.unbound {
                print("note \(path): tool \(name) has no run: binding; some other worker must serve it")
            }
        }
        if problems > 0 { throw ExitCode.failure }
    }
}
