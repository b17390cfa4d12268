import AgentSpec
import Foundation
import Workflow

/// An agent to run: its typed agent config, decoded once, and where it came from.
public struct Agent: Sendable, Hashable {
    /// Where an agent's config came from.
    public enum Origin: Sendable, Hashable {
        /// A spec file, whose directory anchors the relative paths of its tools' `run:` bindings.
        case spec(path: String)
        /// The definition of an agent deployed on a server, fetched by name.
        case deployed
        /// Built in Swift.
        case swift
    }

    /// The agent config.
    public var config: AgentConfig
    /// Where it came from.
    public var origin: Origin

    /// An agent from a config; `origin` says where it came from.
    public init(_ config: AgentConfig, origin: Origin = .swift) {
        self.config = config
        self.origin = origin
    }

    /// The agent's name.
    public var name: String { config.name }

    /// The spec file it was loaded from, if any.
    public var specPath: String? {
        if case .spec(let path) = origin { return path }
        return nil
    }
}

extension Agent {
    /// An agent from a spec file: validated by the spec loader (located errors), `ref:` sub-agents inlined (as far
    /// as `options` let them reach). Its source map is anchored at the spec's absolute directory, so a failure is
    /// located in the spec from whatever directory it is shown.
    public static func load(path: String, options: SpecLoadOptions = SpecLoadOptions()) throws(SpecError) -> Agent {
        let spec = try SpecLoader.load(path: path, options: options)
        let directory = URL(fileURLWithPath: spec.path).deletingLastPathComponent().standardizedFileURL.path
        return Agent(spec.config.withSourceDirectory(directory), origin: .spec(path: spec.path))
    }
}

extension Agent {
    /// The config as sent to a server: the tools' `run:` bindings are local (paths, environment) and stay here;
    /// each tool carries its ``ToolFingerprint`` instead, so the compiled workflow records what its tools may do
    /// and a worker serving a different version of a tool is refused.
    public var wireConfig: JSONValue {
        (try? JSONValue.from(config.locked(baseDirectory: baseDirectory).withoutBindings)) ?? .null
    }

    /// The directory relative paths of the tools' bindings resolve against: the spec file's, or the current one.
    public var baseDirectory: String {
        specPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().standardizedFileURL.path }
            ?? FileManager.default.currentDirectoryPath
    }
}
