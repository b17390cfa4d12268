import AgentSpec
import Workflow

/// Vercel AI SDK agents as the agentspan TypeScript SDK's generic serialiser writes them: `name` (or `id`), `model`
/// (`gpt-4o`, `openai/gpt-4o`, or `{modelId, provider}`), the instructions as `system`, `instructions` or
/// `systemPrompt`, `tools` as a map `{name: {description, parameters, _worker_ref?}}` or a list of worker
/// references, structured output (`output_type`, `outputType` or `schema`), `temperature` / `maxTokens` (top level or
/// in `model_settings`) and `maxSteps` (the turn limit). The SDK's worker serves each tool.
enum VercelAINormalizer {
    static func agent(_ source: RawObject) throws(FrameworkImportError) -> AgentConfig {
        var raw = source
        let given = try raw.string("name")
        let id = try raw.string("id")
        let name = given ?? id ?? "vercel_ai_agent"
        var config = AgentConfig(name: name)
        config.model = try model(&raw)
        var instructions: String?
        for key in ["system", "instructions", "systemPrompt"] {
            guard let text = try raw.string(key), !text.isEmpty else { continue }
            if instructions != nil {
                throw FrameworkImportError(path: raw.at(key), "the instructions are given twice (system, instructions, systemPrompt)")
            }
            instructions = text
        }
        if let instructions { config.instructions = .string(instructions) }
        config.tools = try tools(&raw)
        for key in ["output_type", "outputType", "schema"] {
            let value = raw.take(key)
            if value.isNull { continue }
            guard value.objectValue != nil else { throw FrameworkImportError(path: raw.at(key), "expected a JSON schema object") }
            config.outputType = OutputTypeConfig(schema: value)
        }
        for key in ["model_settings", "modelSettings"] {
            guard var settings = try raw.object(key) else { continue }
            if let t = try settings.double("temperature") { config.temperature = t }
            if let m = try settings.int("max_tokens") { config.maxTokens = m }
            if let m = try settings.int("maxTokens") { config.maxTokens = m }
            try settings.finish()
        }
        if let t = try raw.double("temperature") { config.temperature = t }
        if let m = try raw.int("max_tokens") { config.maxTokens = m }
        if let m = try raw.int("maxTokens") { config.maxTokens = m }
        if let steps = try raw.int("maxSteps") {
            guard steps > 0 else { throw FrameworkImportError(path: raw.at("maxSteps"), "expected a positive number of steps") }
            config.maxTurns = steps
        }
        try raw.finish()
        return config
    }

    /// `provider/model`; a bare name is an OpenAI model, as on Agentspan (default `openai/gpt-4o`).
    private static func model(_ raw: inout RawObject) throws(FrameworkImportError) -> String {
        let value = raw.take("model")
        switch value {
        case .null: return "openai/gpt-4o"
        case .string(let text): return text.isEmpty ? "openai/gpt-4o" : FrameworkImporter.qualified(text, provider: "openai")
        case .object:
            var model = try RawObject(value, path: raw.at("model"))
            let modelID = try model.string("modelId")
            let modelName = try model.string("model")
            let plainName = try model.string("name")
            guard let id = modelID ?? modelName ?? plainName, !id.isEmpty else {
                throw FrameworkImportError(path: model.at("modelId"), "a model object needs its modelId")
            }
            let providerName = try model.string("provider")
            let providerID = try model.string("providerId")
            let provider = providerName ?? providerID ?? "openai"
            model.ignore("specificationVersion", "_type", "config", "settings")
            try model.finish()
            // `openai.chat` (the AI SDK's provider id for a model family) → `openai`.
            let family = provider.split(separator: ".").first.map(String.init) ?? provider
            return FrameworkImporter.qualified(id, provider: family)
        default:
            throw FrameworkImportError(path: raw.at("model"), "expected a model name or a model object")
        }
    }

    /// Each tool is a worker the SDK serves: by its `_worker_ref` when the serialiser found the function, else by the
    /// map key (or `name`).
    private static func tools(_ raw: inout RawObject) throws(FrameworkImportError) -> [ToolConfig] {
        let value = raw.take("tools")
        var tools: [ToolConfig] = []
        switch value {
        case .null: return []
        case .object(let entries):
            for key in entries.keys.sorted() {
                tools.append(try tool(entries[key] ?? .null, name: key, path: raw.at("tools.\(key)")))
            }
        case .array(let items):
            for (i, item) in items.enumerated() { tools.append(try tool(item, name: nil, path: raw.at("tools[\(i)]"))) }
        default:
            throw FrameworkImportError(path: raw.at("tools"), "expected a map of tools or a list")
        }
        return tools
    }

    private static func tool(_ value: JSONValue, name key: String?, path: String) throws(FrameworkImportError) -> ToolConfig {
        var tool = try RawObject(value, path: path)
        let worker = try tool.string("_worker_ref")
        let given = try tool.string("name")
        guard let name = worker ?? given ?? key, !name.isEmpty else {
            throw FrameworkImportError(path: path, "a tool needs a name or a _worker_ref")
        }
        let description = try tool.string("description")
        var schema: JSONValue?
        for field in ["parameters", "inputSchema"] {
            let candidate = tool.take(field)
            if candidate.isNull { continue }
            guard candidate.objectValue != nil else { throw FrameworkImportError(path: tool.at(field), "expected a JSON schema object") }
            schema = candidate
        }
        // `execute` is the function itself, served by the SDK's worker under the tool's name.
        tool.ignore("execute", "type")
        try tool.finish()
        return ToolConfig(name: name, description: description, inputSchema: schema, toolType: "worker")
    }
}
