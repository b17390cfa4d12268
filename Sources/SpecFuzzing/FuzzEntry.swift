import AgentCompiler
import AgentSpec
import Foundation
import Workflow
import YAMLGuard

/// One fuzz input through every parser that reads what another party wrote: the spec loader (YAML or JSON text,
/// then the compiler) and the JSON request bodies the server's routes decode (then what the server does next with
/// them: agent configs are compiled, definitions encoded back).
///
/// Rejections are the expected outcome; a crash, a hang or a runaway allocation is the bug being looked for. The
/// only invariant checked beyond "it returns" is that a refused spec says why.
public enum FuzzEntry {
    /// Where fuzzed specs pretend to live: `ref:` paths resolve into a directory that does not exist.
    static let specPath = "/nonexistent-agentspanc-fuzz/spec.yaml"

    /// Feeds `bytes` to every target. Returns how many targets accepted the input (for seed checks).
    @discardableResult
    public static func run(_ bytes: UnsafeRawBufferPointer) -> Int {
        let data = Data(bytes)
        return spec(data) + requests(data)
    }

    /// The spec loader, as `agentspanc validate` and `compile` run it.
    static func spec(_ data: Data) -> Int {
        let text: String
        do {
            text = try YAMLGuard.decode(data)
        } catch {
            return 0
        }
        do {
            let spec = try SpecLoader.load(source: text, path: specPath)
            _ = try? AgentCompiler().compile(spec.config)
            return 1
        } catch {
            precondition(!error.errors.isEmpty, "a refused spec must say why")
            precondition(error.errors.allSatisfy { !$0.message.isEmpty && !$0.rendered.isEmpty })
            return 0
        }
    }

    /// The Codable bodies of the server's routes (agent start/deploy, workflow start, task results, metadata).
    static func requests(_ data: Data) -> Int {
        var accepted = 0
        func decode<T: Codable>(_ type: T.Type) -> T? {
            guard let value = try? JSONDecoder().decode(T.self, from: data) else { return nil }
            accepted += 1
            _ = try? JSONEncoder().encode(value)
            return value
        }
        if let start = decode(AgentStartRequest.self), let config = start.agentConfig,
            let agent = try? config.decode(AgentConfig.self) {
            _ = try? AgentCompiler().compile(agent)
        }
        _ = decode(StartWorkflowRequest.self)
        _ = decode(TaskResult.self)
        _ = decode(TaskDef.self)
        _ = decode([TaskDef].self)
        _ = decode(WorkflowDef.self)
        _ = decode([WorkflowDef].self)
        _ = decode([String: JSONValue].self)
        if let text = String(data: data, encoding: .utf8), (try? JSONValue.parse(text)) != nil { accepted += 1 }
        return accepted
    }
}
