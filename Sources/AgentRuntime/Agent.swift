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
