import AgentSpec
import Workflow

/// OpenAI Agents SDK agents (`agents.Agent`, serialised by the agentspan SDK): instructions, function tools, agents
/// as tools, handoffs (→ `handoff` sub-agents), model names (`gpt-4o` → `openai/gpt-4o`), model settings and the
/// output type.
enum OpenAIAgentsNormalizer {
    static let defaultModel = "openai/gpt-4o"
    /// `model_settings.reasoning` as openai-agents sets it for its default model: no reasoning effort.
    static let defaultReasoning: JSONValue = [
        "_type": "Reasoning", "context": nil, "effort": "none", "generate_summary": nil, "mode": nil, "summary": nil,
    ]

    static func agent(_ source: RawObject) throws(FrameworkImportError) -> AgentConfig {
        var raw = source
        if let type = raw.typeName, type != "Agent" {
            throw FrameworkImportError(path: raw.path, "expected an OpenAI Agents SDK Agent, found '\(type)'")
        }
        guard let name = try raw.string("name"), !name.isEmpty else {
            throw FrameworkImportError(path: raw.at("name"), "an agent needs a name")
        }
        var config = AgentConfig(name: name)
        config.description = try raw.string("handoff_description").flatMap { $0.isEmpty ? nil : $0 }
        let namesModel = raw.has("model")
        config.model = try model(&raw)
        let instructions = raw.take("instructions")
        switch instructions {
        case .null: break
        case .string(let text): config.instructions = .string(text)
        default:
            throw FrameworkImportError(
                path: raw.at("instructions"), "only text instructions can be mapped (dynamic instructions functions are not supported)")
        }
        for (i, tool) in try raw.array("tools").enumerated() {
            config.tools.append(try FrameworkTools.tool(tool, path: raw.at("tools[\(i)]"), framework: "OpenAI Agents SDK", child: agent))
        }
        for (i, handoff) in try raw.array("handoffs").enumerated() {
            let sub = try RawObject(handoff, path: raw.at("handoffs[\(i)]"))
            if let type = sub.typeName, type != "Agent" {
                throw FrameworkImportError(
                    path: sub.path, "only agents can be handoffs here ('\(type)' with its own callbacks or input filter is not supported)")
            }
            config.agents.append(try agent(sub))
        }
        if !config.agents.isEmpty { config.strategy = "handoff" }
        config.outputType = try FrameworkTools.outputType(raw.take("output_type"), path: raw.at("output_type"))
        if var settings = try raw.object("model_settings") {
            config.temperature = try settings.double("temperature")
            config.maxTokens = try settings.int("max_tokens")
            if !namesModel {
                // The SDK fills these in for its own default model when the agent names none; they ask for no
                // reasoning and the model's usual length, which is what the mapped default model does anyway.
                try settings.refuse("reasoning", unless: Self.defaultReasoning, what: "reasoning settings")
                try settings.refuse("verbosity", unless: "low", what: "a verbosity setting")
            }
            try settings.finish()
        }
        try raw.refuse("prompt", what: "a Responses API prompt reference")
        try raw.refuse("mcp_servers", what: "MCP servers of the OpenAI Agents SDK")
        try raw.refuse("input_guardrails", what: "input guardrails")
        try raw.refuse("output_guardrails", what: "output guardrails")
        try raw.refuse("hooks", what: "agent hooks")
        try raw.refuse("tool_use_behavior", unless: "run_llm_again", what: "a tool-use behaviour other than run_llm_again")
        try raw.finish(defaults: ["reset_tool_choice": [true], "mcp_config": [.object([:])]])
        return config
    }

    /// The model name, `openai/` prefixed when it names no provider; a model object is refused.
    private static func model(_ raw: inout RawObject) throws(FrameworkImportError) -> String {
        let value = raw.take("model")
        switch value {
        case .null: return defaultModel
        case .string(let name): return name.isEmpty ? defaultModel : FrameworkImporter.qualified(name, provider: "openai")
        default:
            throw FrameworkImportError(
                path: raw.at("model"), "only a model name can be mapped (a model object such as a custom client is not supported)")
        }
    }
}
