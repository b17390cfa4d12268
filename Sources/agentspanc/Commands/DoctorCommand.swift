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
                let variables = Self.variableSummary(provider: request.provider, environment: environment)
                if let info = ProviderInfo.named(request.provider), !info.chat {
                    report(false, "\(path): model \(model): \(info.title) only generates \(info.media.map(\.noun).joined(separator: ", ")), it cannot run an agent")
                    continue
                }
                do {
                    _ = try router.provider(for: request)
                    report(true, "\(path): model \(model) has a provider (\(variables))")
                } catch let error as LLMError {
                    report(false, "\(path): model \(model): \(error.message) (\(variables))")
                }
            }
            for (tool, kind, provider, model) in Self.mediaTools(spec.config) {
                let label = "\(path): tool \(tool) (\(kind.taskType))"
                if provider.isEmpty {
                    report(false, "\(label): no llmProvider/model in its config")
                    continue
                }
                if let info = ProviderInfo.named(provider), !info.media.contains(kind) {
                    let offering = ProviderInfo.all.filter { $0.media.contains(kind) }.map(\.name).joined(separator: ", ")
                    report(false, "\(label): \(provider) offers no \(kind.noun) (providers that do: \(offering))")
                    continue
                }
                let variables = Self.variableSummary(provider: provider, environment: environment)
                do {
                    _ = try router.provider(for: ChatRequest(provider: provider, model: model, messages: []))
                    report(true, "\(label): \(provider)/\(model) has a provider (\(variables))")
                } catch let error as LLMError {
                    report(false, "\(label): \(error.message) (\(variables))")
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

    /// `set: A, B; not set: C` for the variables `provider` reads.
    static func variableSummary(provider: String, environment: [String: String]) -> String {
        let variables = ProviderRouter.variables(for: provider)
        let set = variables.filter { !(environment[$0] ?? "").isEmpty }
        let unset = variables.filter { (environment[$0] ?? "").isEmpty }
        var parts: [String] = []
        if !set.isEmpty { parts.append("set: " + set.joined(separator: ", ")) }
        if !unset.isEmpty { parts.append("not set: " + unset.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// The image, speech and video tools of an agent tree with the provider and model their config names (PDF
    /// tools need none).
    static func mediaTools(_ config: AgentConfig) -> [(String, MediaRequest.Kind, String, String)] {
        var found: [(String, MediaRequest.Kind, String, String)] = []
        for tool in config.tools {
            let kind: MediaRequest.Kind
            switch tool.effectiveType {
            case "generate_image": kind = .image
            case "generate_audio": kind = .audio
            case "generate_video": kind = .video
            default: continue
            }
            var provider = tool.config?["llmProvider"]?.stringValue ?? ""
            var model = tool.config?["model"]?.stringValue ?? ""
            if provider.isEmpty, let slash = model.firstIndex(of: "/") {
                provider = String(model[..<slash])
                model = String(model[model.index(after: slash)...])
            }
            found.append((tool.name, kind, provider.lowercased(), model))
        }
        return found + config.agents.flatMap(mediaTools)
    }
}
