import AgentSpec
import Workflow

/// Tools as the agentspan SDK's serialiser writes them, shared by the OpenAI Agents and ADK normalisers: a function
/// becomes `{_worker_ref, description, parameters}` (served by the SDK's worker under that name) and an agent used
/// as a tool becomes `{_type: AgentTool, name, description, agent}`.
enum FrameworkTools {
    /// The input schema of an agent used as a tool: the request the calling model sends it.
    static let agentToolSchema: JSONValue = [
        "type": "object",
        "properties": ["request": ["type": "string", "description": "The request or question to send to this agent"]],
        "required": ["request"], "additionalProperties": false,
    ]

    /// Maps the tool at `path`; `child` normalises an embedded agent of the same framework.
    static func tool(
        _ value: JSONValue, path: String, framework: String,
        child: (RawObject) throws(FrameworkImportError) -> AgentConfig
    ) throws(FrameworkImportError) -> ToolConfig {
        var raw = try RawObject(value, path: path)
        if raw.has("_worker_ref") {
            guard let name = try raw.string("_worker_ref"), !name.isEmpty else {
                throw FrameworkImportError(path: raw.at("_worker_ref"), "a tool needs a non-empty worker name")
            }
            let schema = raw.take("parameters")
            let tool = ToolConfig(
                name: name, description: try raw.string("description"), inputSchema: schema.isNull ? nil : schema,
                toolType: "worker")
            try raw.finish()
            return tool
        }
        switch raw.typeName {
        case "AgentTool":
            guard let agent = try raw.object("agent") else {
                throw FrameworkImportError(path: raw.at("agent"), "an agent tool needs the agent it runs")
            }
            let config = try child(agent)
            let name = try raw.string("name") ?? config.name
            let description = try raw.string("description").flatMap { $0.isEmpty ? nil : $0 } ?? "Invoke agent: \(config.name)"
            // ADK's AgentTool shares its parent's plugins by default; nothing else is set on a plain agent tool.
            try raw.finish(defaults: ["include_plugins": [true]])
            return ToolConfig(
                name: name, description: description, inputSchema: agentToolSchema, toolType: "agent_tool",
                config: ["agentConfig": try encoded(config, path: path)])
        case let type?:
            throw FrameworkImportError(
                path: path,
                "\(framework) tool '\(type)' has no agentspanc equivalent (hosted and built-in tools are not supported; use a function tool)")
        case nil:
            throw FrameworkImportError(
                path: path, "a tool must be a function the SDK serves (_worker_ref) or an agent tool; found \(RawObject.preview(value))")
        }
    }

    /// An agent config as JSON (for `config.agentConfig` of an agent tool).
    static func encoded(_ config: AgentConfig, path: String) throws(FrameworkImportError) -> JSONValue {
        do {
            return try JSONValue.from(config)
        } catch {
            throw FrameworkImportError(path: path, "the embedded agent could not be encoded")
        }
    }

    /// An output schema the serialiser wrote for a Pydantic model class (its `model_json_schema()`).
    static func outputType(_ value: JSONValue, path: String) throws(FrameworkImportError) -> OutputTypeConfig? {
        if value.isNull { return nil }
        guard let schema = value.objectValue, schema["_type"] == nil, schema["type"] != nil || schema["properties"] != nil else {
            throw FrameworkImportError(
                path: path, "only a Pydantic model (a JSON Schema object) can be an output type; found \(RawObject.preview(value))")
        }
        return OutputTypeConfig(schema: value, className: schema["title"]?.stringValue)
    }
}
