import AgentSpec
import Foundation
import Workflow

/// An agent to run: its Agentspan agent config, and the spec file it came from (if any).
public struct Agent: Sendable, Hashable {
    /// The camelCase Agentspan agent config sent to the server.
    public var config: JSONValue
    /// The spec file, whose directory anchors the relative paths of its tools' `run:` bindings.
    public var specPath: String?

    /// An agent from a config object (`name`, `model`, `instructions`, `tools`, …).
    public init(config: JSONValue, specPath: String? = nil) {
        self.config = config
        self.specPath = specPath
    }

    /// The agent's name.
    public var name: String { config["name"].stringValue ?? "agent" }
}

extension Agent {
    /// An agent from a spec file: validated by the spec loader (located errors), `ref:` sub-agents inlined (as far
    /// as `options` let them reach). Its source map is anchored at the spec's absolute directory, so a failure is
    /// located in the spec from whatever directory it is shown.
    public static func load(path: String, options: SpecLoadOptions = SpecLoadOptions()) throws(SpecError) -> Agent {
        let spec = try SpecLoader.load(path: path, options: options)
        let directory = URL(fileURLWithPath: spec.path).deletingLastPathComponent().standardizedFileURL.path
        return Agent(config: spec.json.withSourceDirectory(directory), specPath: spec.path)
    }

    /// An agent built in Swift.
    public init(_ config: AgentConfig) throws {
        self.init(config: try JSONValue.from(config))
    }
}

extension Agent {
    /// The config as sent to a server: the tools' `run:` bindings are local (paths, environment) and stay here;
    /// each tool carries its ``ToolFingerprint`` instead, so the compiled workflow records what its tools may do
    /// and a worker serving a different version of a tool is refused.
    public var wireConfig: JSONValue {
        let local = self.config
        guard let decoded = try? local.decode(AgentConfig.self),
            let wire = try? JSONValue.from(decoded.locked(baseDirectory: baseDirectory).withoutBindings)
        else {
            return local
        }
        return wire
    }

    /// The directory relative paths of the tools' bindings resolve against: the spec file's, or the current one.
    public var baseDirectory: String {
        specPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().standardizedFileURL.path }
            ?? FileManager.default.currentDirectoryPath
    }
}
