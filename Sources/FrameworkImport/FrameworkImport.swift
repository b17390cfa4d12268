import AgentSpec
import Workflow

/// The agent frameworks whose serialised agents (`framework` + `rawConfig`, as the agentspan SDKs send them) become
/// agent configs here.
public enum Framework: String, CaseIterable, Sendable {
    /// The OpenAI Agents SDK (`agents.Agent`).
    case openai
    /// Google's Agent Development Kit (`LlmAgent`, `SequentialAgent`, `ParallelAgent`, `LoopAgent`).
    case googleADK = "google_adk"
    /// A LangChain `AgentExecutor`.
    case langchain
    /// A compiled LangGraph graph.
    case langgraph
    /// Claude Agent SDK options.
    case claudeAgentSDK = "claude_agent_sdk"
    /// The Vercel AI SDK.
    case vercelAI = "vercel_ai"
    /// An agentskills.io skill directory.
    case skill
}

/// Why a framework agent could not become an agent config: what is wrong and where (a JSON path into the request,
/// such as `rawConfig.tools[0].hooks`).
public struct FrameworkImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path of the offending value.
    public var path: String
    /// What is wrong there.
    public var message: String

    /// Creates an error at `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, as the server and `agentspanc import` report it.
    public var description: String { "\(path): \(message)" }
}

/// Turns a framework agent into the ``AgentConfig`` the compiler takes.
///
/// Everything the framework object carries is either mapped or refused with an error naming its JSON path; a field
/// is only passed over when it holds the framework's default (null, empty, or a documented default value).
public enum FrameworkImporter {
    /// Normalises `rawConfig` of `framework` (the identifier the SDK sends). `root` names the config in error paths.
    public static func normalize(
        framework: String, rawConfig: JSONValue, root: String = "rawConfig"
    ) throws(FrameworkImportError) -> AgentConfig {
        guard let kind = Framework(rawValue: framework) else {
            let known = Framework.allCases.map(\.rawValue).joined(separator: ", ")
            throw FrameworkImportError(path: "framework", "unknown framework '\(framework)'; expected one of \(known)")
        }
        return try normalize(kind, rawConfig: rawConfig, root: root)
    }

    /// Normalises `rawConfig` of a known framework.
    public static func normalize(_ framework: Framework, rawConfig: JSONValue, root: String = "rawConfig") throws(FrameworkImportError)
        -> AgentConfig
    {
        let object = try RawObject(rawConfig, path: root)
        switch framework {
        case .openai: return try OpenAIAgentsNormalizer.agent(object)
        case .googleADK: return try GoogleADKNormalizer.agent(object)
        case .langchain, .langgraph, .claudeAgentSDK: return try PassthroughNormalizer.agent(object, framework: framework)
        case .vercelAI: return try VercelAINormalizer.agent(object)
        case .skill: return try SkillNormalizer.agent(object)
        }
    }

    /// `model` with `provider/` in front when it names no provider (`gpt-4o` → `openai/gpt-4o`).
    static func qualified(_ model: String, provider: String) -> String {
        model.contains("/") ? model : "\(provider)/\(model)"
    }
}
