import AgentSpec
import Workflow

/// Google ADK agents (serialised by the agentspan SDK): `LlmAgent` instructions (`global_instruction` first), function
/// tools and agents as tools, `sub_agents` (an `LlmAgent`'s become `handoff` sub-agents; `SequentialAgent`,
/// `ParallelAgent` and `LoopAgent` become `sequential`, `parallel` and `round_robin`), model names
/// (`gemini-2.0-flash` → `google_gemini/gemini-2.0-flash`, a LiteLlm model by its name), the output schema and the
/// generation settings.
enum GoogleADKNormalizer {
    static let defaultModel = "google_gemini/gemini-2.0-flash"

    static func agent(_ source: RawObject) throws(FrameworkImportError) -> AgentConfig {
        try agent(source, inheritedModel: nil)
    }

    private static func agent(_ source: RawObject, inheritedModel: String?) throws(FrameworkImportError) -> AgentConfig {
        var raw = source
        let type = raw.typeName ?? "LlmAgent"
        guard let name = try raw.string("name"), !name.isEmpty else {
            throw FrameworkImportError(path: raw.at("name"), "an agent needs a name")
        }
        var config = AgentConfig(name: name)
        config.description = try raw.string("description").flatMap { $0.isEmpty ? nil : $0 }
        // `parent_agent` is the serialiser's back-reference to the agent this one sits in.
        raw.ignore("parent_agent")
        let subs = try raw.array("sub_agents")
        switch type {
        case "LlmAgent", "Agent":
            try llmFields(&raw, into: &config, inheritedModel: inheritedModel)
            if !subs.isEmpty { config.strategy = "handoff" }
        case "SequentialAgent", "ParallelAgent":
            guard !subs.isEmpty else { throw FrameworkImportError(path: raw.at("sub_agents"), "a \(type) needs sub-agents") }
            config.strategy = type == "SequentialAgent" ? "sequential" : "parallel"
        case "LoopAgent":
            guard !subs.isEmpty else { throw FrameworkImportError(path: raw.at("sub_agents"), "a LoopAgent needs sub-agents") }
            guard let iterations = try raw.int("max_iterations"), iterations > 0 else {
                throw FrameworkImportError(
                    path: raw.at("max_iterations"),
                    "a LoopAgent needs max_iterations (a loop that ends only when a sub-agent escalates is not supported)")
            }
            // Each iteration lets every sub-agent speak once, in order.
            config.strategy = "round_robin"
            config.maxTurns = iterations * subs.count
        default:
            throw FrameworkImportError(path: raw.path, "ADK agent type '\(type)' is not supported (LlmAgent, SequentialAgent, ParallelAgent, LoopAgent are)")
        }
        let model = config.model ?? inheritedModel
        for (i, sub) in subs.enumerated() {
            config.agents.append(try agent(RawObject(sub, path: raw.at("sub_agents[\(i)]")), inheritedModel: model))
        }
        try transitions(subs, parent: name, into: &config)
        raw.ignore("disallow_transfer_to_parent", "disallow_transfer_to_peers")
        try raw.refuse("before_agent_callback", what: "agent callbacks")
        try raw.refuse("after_agent_callback", what: "agent callbacks")
        try raw.refuse("input_schema", what: "an input schema")
        try raw.refuse("state_schema", what: "a state schema")
        try raw.refuse("retry_config", what: "a retry configuration")
        try raw.refuse("timeout", what: "an agent timeout")
        try raw.finish()
        return config
    }

    /// The fields of an `LlmAgent`.
    private static func llmFields(_ raw: inout RawObject, into config: inout AgentConfig, inheritedModel: String?) throws(FrameworkImportError) {
        config.model = try model(&raw) ?? inheritedModel ?? defaultModel
        var instruction = try text(&raw, "instruction")
        if let global = try text(&raw, "global_instruction"), !global.isEmpty {
            instruction = instruction.map { $0.isEmpty ? global : global + "\n\n" + $0 } ?? global
        }
        if let instruction, !instruction.isEmpty { config.instructions = .string(instruction) }
        try raw.refuse("static_instruction", what: "a static instruction")
        for (i, tool) in try raw.array("tools").enumerated() {
            config.tools.append(try FrameworkTools.tool(tool, path: raw.at("tools[\(i)]"), framework: "ADK", child: agent))
        }
        if let key = try raw.string("output_key"), !key.isEmpty {
            // Kept for what reads the agent definition; the compiled workflow passes outputs on by itself.
            config.metadata = ["output_key": .string(key)]
        }
        config.outputType = try FrameworkTools.outputType(raw.take("output_schema"), path: raw.at("output_schema"))
        if var generation = try raw.object("generate_content_config") {
            config.temperature = try generation.double("temperature")
            config.maxTokens = try generation.int("max_output_tokens")
            if var thinking = try generation.object("thinking_config") {
                let budget = try thinking.int("thinking_budget")
                _ = try thinking.bool("include_thoughts")
                config.thinkingConfig = ThinkingConfig(enabled: true, budgetTokens: budget)
                try thinking.finish()
            }
            try generation.finish()
        }
        switch try raw.string("include_contents") {
        case nil, "default"?: break
        case "none"?: config.includeContents = "none"
        case let other?: throw FrameworkImportError(path: raw.at("include_contents"), "expected 'default' or 'none', found '\(other)'")
        }
        if raw.has("planner") {
            _ = raw.take("planner")
            config.planner = true
        }
        for callback in ["before_model_callback", "after_model_callback", "on_model_error_callback",
                         "before_tool_callback", "after_tool_callback", "on_tool_error_callback"] {
            try raw.refuse(callback, what: "model and tool callbacks")
        }
        try raw.refuse("code_executor", what: "an ADK code executor")
        // `chat` is ADK's default for a sub-agent reached by transfer, which is what a handoff sub-agent is.
        try raw.refuse("mode", unless: "chat", what: "an agent mode other than chat")
        try raw.refuse("parallel_worker", what: "a parallel worker")
    }

    /// The model name (a LiteLlm model object by its `model`), `google_gemini/` prefixed when it names no provider;
    /// nil when the agent leaves it to its parent.
    private static func model(_ raw: inout RawObject) throws(FrameworkImportError) -> String? {
        let value = raw.take("model")
        switch value {
        case .null: return nil
        case .string(let name): return name.isEmpty ? nil : FrameworkImporter.qualified(name, provider: "google_gemini")
        case .object(let fields) where fields["_type"]?.stringValue == "LiteLlm":
            guard let name = fields["model"]?.stringValue, !name.isEmpty else {
                throw FrameworkImportError(path: raw.at("model.model"), "a LiteLlm model needs its model name")
            }
            return FrameworkImporter.qualified(name, provider: "openai")
        default:
            throw FrameworkImportError(path: raw.at("model"), "only a model name or a LiteLlm model can be mapped")
        }
    }

    /// Text instructions; an instruction provider function is refused.
    private static func text(_ raw: inout RawObject, _ key: String) throws(FrameworkImportError) -> String? {
        let value = raw.take(key)
        if value.isNull { return nil }
        guard let text = value.stringValue else {
            throw FrameworkImportError(path: raw.at(key), "only text instructions can be mapped (instruction providers are not supported)")
        }
        return text
    }

    /// `disallow_transfer_to_parent` / `disallow_transfer_to_peers` on sub-agents → `allowedTransitions`.
    private static func transitions(_ subs: [JSONValue], parent: String, into config: inout AgentConfig) throws(FrameworkImportError) {
        let names = subs.compactMap { $0["name"].stringValue }
        var allowed: [String: [String]] = [:]
        for sub in subs {
            guard let name = sub["name"].stringValue else { continue }
            let noParent = sub["disallow_transfer_to_parent"].boolValue == true
            let noPeers = sub["disallow_transfer_to_peers"].boolValue == true
            guard noParent || noPeers else { continue }
            allowed[name] = (noParent ? [] : [parent]) + (noPeers ? [] : names.filter { $0 != name })
        }
        if !allowed.isEmpty { config.allowedTransitions = allowed }
    }
}
