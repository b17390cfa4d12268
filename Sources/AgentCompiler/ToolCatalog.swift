import AgentSpec
import Workflow

/// Tool specs for the LLM (§7.1) and the per-tool tables baked into the enrich script (§7.3).
enum ToolCatalog {
    /// Conductor task type of a tool type, as the spec `type` the LLM task receives.
    static func specType(_ toolType: String) -> String {
        switch toolType {
        case "http", "api": return "HTTP"
        case "mcp": return "CALL_MCP_TOOL"
        case "agent_tool": return "SUB_WORKFLOW"
        case "human": return "HUMAN"
        case "generate_image": return "GENERATE_IMAGE"
        case "generate_audio": return "GENERATE_AUDIO"
        case "generate_video": return "GENERATE_VIDEO"
        case "rag_index": return "LLM_INDEX_TEXT"
        case "rag_search": return "LLM_SEARCH_INDEX"
        case "pull_workflow_messages": return "PULL_WORKFLOW_MESSAGES"
        default: return "SIMPLE"
        }
    }

    /// The tool spec `{name, type, description, inputSchema?, outputSchema?, configParams?}`.
    static func spec(_ tool: ToolConfig) -> JSONValue {
        var spec: [String: JSONValue] = ["name": .string(tool.name), "type": .string(specType(tool.effectiveType))]
        if let description = tool.description { spec["description"] = .string(description) }
        if let schema = tool.inputSchema, schema != .null { spec["inputSchema"] = schema }
        if let schema = tool.outputSchema, schema != .null { spec["outputSchema"] = schema }
        let config = JSONValue.object(tool.config ?? [:])
        switch tool.effectiveType {
        case "mcp":
            var params: [String: JSONValue] = ["mcpServer": config["server_url"].stringValue.map(JSONValue.string) ?? ""]
            if config["headers"] != .null { params["headers"] = config["headers"] }
            spec["configParams"] = .object(params)
        case "api":
            var params: [String: JSONValue] = [
                "baseUrl": config["base_url"].stringValue.map(JSONValue.string) ?? "",
                "method": config["method"].stringValue.map(JSONValue.string) ?? "POST",
                "path": config["path"].stringValue.map(JSONValue.string) ?? "",
            ]
            if config["headers"] != .null { params["headers"] = config["headers"] }
            spec["configParams"] = .object(params)
        default: break
        }
        return .object(spec)
    }

    /// A transfer tool (hybrid and swarm): an argument-less worker named `name`.
    static func transferTool(name: String, to target: AgentUnit) -> ToolConfig {
        ToolConfig(
            name: name, description: "Transfer the conversation to \(target.x). \(target.config.description.flatMap { $0.isEmpty ? nil : $0 } ?? target.config.instructions?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "Agent: \(target.x)")",
            inputSchema: ["type": "object", "properties": [:], "required": []], toolType: "worker")
    }

    /// Rewrites `${` to `#{` in header values so Conductor leaves credential placeholders for the task handler.
    static func escapeHeaders(_ headers: JSONValue) -> JSONValue {
        switch headers {
        case .string(let text): return .string(text.replacingAll("${", with: "#{"))
        case .object(let object): return .object(object.mapValues(escapeHeaders))
        case .array(let items): return .array(items.map(escapeHeaders))
        default: return headers
        }
    }

    /// The enrich tables of a tool list.
    static func tables(_ tools: [ToolConfig]) -> Scripts.ToolTables {
        var t = Scripts.ToolTables()
        for tool in tools {
            let config = tool.config ?? [:]
            switch tool.effectiveType {
            case "http":
                var entry = config
                if let headers = config["headers"] { entry["headers"] = escapeHeaders(headers) }
                entry["credentials"] = nil
                t.http[tool.name] = .object(entry)
            case "mcp":
                t.mcp[tool.name] = ["mcpServer": config["server_url"] ?? "", "headers": escapeHeaders(config["headers"] ?? [:])]
            case "generate_image", "generate_audio", "generate_video", "generate_pdf":
                var entry = config
                if entry["taskType"]?.stringValue == nil { entry["taskType"] = .string(tool.effectiveType.uppercased()) }
                t.media[tool.name] = .object(entry)
            case "rag_index", "rag_search":
                var entry = config
                if entry["taskType"]?.stringValue == nil {
                    entry["taskType"] = tool.effectiveType == "rag_index" ? "LLM_INDEX_TEXT" : "LLM_SEARCH_INDEX"
                }
                t.rag[tool.name] = .object(entry)
            case "agent_tool":
                let childName = config["agentConfig"]?["name"].stringValue ?? config["agent"]?["name"].stringValue
                var entry: [String: JSONValue] = [
                    "workflowName": .string(config["workflowName"]?.stringValue ?? childName ?? "\(tool.name)_agent_wf"),
                ]
                for key in ["retryCount", "retryDelaySeconds", "optional"] { if let v = config[key], v != .null { entry[key] = v } }
                t.agentTool[tool.name] = .object(entry)
            case "cli":
                t.cli[tool.name] = ["allowedCommands": config["allowedCommands"] ?? []]
            case "human":
                t.human[tool.name] = ["description": .string(tool.description ?? "")]
            case "pull_workflow_messages":
                t.wmq[tool.name] = ["batchSize": config["batchSize"] ?? 1]
            default:
                break
            }
            if let effect = tool.effects { t.effect[tool.name] = .string(effect.rawValue) }
            if !tool.policy.retriable, tool.effectiveType == "worker" || tool.effectiveType == "cli" {
                t.retry[tool.name] = ["retryCount": 0]
            }
        }
        return t
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
