import AgentSpec
import Workflow

/// MCP / API tool discovery before the agent loop (§7.8): list or fetch, prepare, optional LLM filter, resolve.
struct DiscoveryBuilder {
    let agent: AgentUnit
    let tools: [ToolConfig]

    var mcpTools: [ToolConfig] { tools.filter { $0.effectiveType == "mcp" } }
    var apiTools: [ToolConfig] { tools.filter { $0.effectiveType == "api" } }
    var needed: Bool { !mcpTools.isEmpty || !apiTools.isEmpty }

    /// The stage prefix: `mcp`, `api` or `discovery` (both).
    var stage: String { mcpTools.isEmpty ? "api" : (apiTools.isEmpty ? "mcp" : "discovery") }
    /// The resolve task whose `output.result` holds `{tools, mcpConfig, apiConfig}`.
    var resolveRef: String { "\(agent.r)_\(stage)_resolve" }

    /// The pre-loop tasks.
    func tasks() throws(CompileError) -> [WorkflowTask] {
        let r = agent.r
        var tasks: [WorkflowTask] = []
        var prepareInputs: [String: JSONValue] = [:]
        let both = stage == "discovery"

        var servers: [(url: String, headers: JSONValue?)] = []
        for tool in mcpTools {
            let url = tool.config?["server_url"]?.stringValue ?? ""
            if !servers.contains(where: { $0.url == url }) { servers.append((url, tool.config?["headers"])) }
        }
        var maxTools = 32
        for tool in mcpTools + apiTools { if let max = tool.config?["max_tools"]?.intValue { maxTools = max } }
        for (i, server) in servers.enumerated() {
            var inputs: [String: JSONValue] = ["mcpServer": .string(server.url), "__agentspan_ctx__": "${workflow.input.__agentspan_ctx__}"]
            if let headers = server.headers, let map = headers.objectValue, !map.isEmpty { inputs["headers"] = ToolCatalog.escapeHeaders(headers) }
            tasks.append(WorkflowTask(name: "LIST_MCP_TOOLS", taskReferenceName: "\(r)_list_mcp_\(i)", type: "LIST_MCP_TOOLS", inputParameters: inputs))
            prepareInputs[both ? "mcp_discovered_\(i)" : "discovered_\(i)"] = expr("\(r)_list_mcp_\(i).output.tools")
        }
        var specURLs: [(url: String, headers: JSONValue?)] = []
        for tool in apiTools {
            let url = tool.config?["url"]?.stringValue ?? tool.config?["spec_url"]?.stringValue ?? ""
            if !specURLs.contains(where: { $0.url == url }) { specURLs.append((url, tool.config?["headers"])) }
        }
        for (i, api) in specURLs.enumerated() {
            var request: [String: JSONValue] = [
                "uri": .string(api.url), "method": "GET", "accept": "application/json", "connectionTimeOut": 30000, "readTimeOut": 30000,
            ]
            if let headers = api.headers, let map = headers.objectValue, !map.isEmpty { request["headers"] = ToolCatalog.escapeHeaders(headers) }
            tasks.append(WorkflowTask(
                name: "http_fetch_api_spec", taskReferenceName: "\(r)_fetch_api_\(i)", type: "HTTP",
                inputParameters: ["http_request": .object(request), "__agentspan_ctx__": "${workflow.input.__agentspan_ctx__}"]))
            tasks.append(.inline("\(r)_list_api_\(i)", Scripts.apiParse, [
                "specBody": expr("\(r)_fetch_api_\(i).output.response.body"), "specUrl": .string(api.url),
            ]))
            // The combined stage reads the whole INLINE output (as the reference does); the script unwraps it.
            prepareInputs["api_discovered_\(i)"] = expr(both ? "\(r)_list_api_\(i).output" : "\(r)_list_api_\(i).output.result")
        }

        let staticSpecs = tools.filter { $0.effectiveType != "mcp" && $0.effectiveType != "api" }.map(ToolCatalog.spec)
        let mcpServers: [JSONValue] = servers.map { ["url": .string($0.url), "headers": ToolCatalog.escapeHeaders($0.headers ?? [:])] }
        let apiSources: [JSONValue] = specURLs.map { ["url": .string($0.url), "headers": ToolCatalog.escapeHeaders($0.headers ?? [:])] }
        let prepare = "\(r)_\(stage)_prepare"
        tasks.append(.inline(prepare, Scripts.discoveryPrepare(
            staticSpecs: staticSpecs, mcpServers: mcpServers, apiSources: apiSources, maxTools: maxTools,
            mcpInputPrefix: both ? "mcp_discovered_" : "discovered_"), prepareInputs))

        let filter = both ? "mcp" : stage
        let model = try ModelRef(agent.config.model)
        let system = "You are a tool selection assistant. Given the user's request, choose the tools most likely to be needed. Select at most \(maxTools) tools.\n\nTOOL CATALOG:\n${\(r)_\(filter)_filter_catalog.output.result.catalog}\n\nRespond with ONLY a JSON object: {\"selected_tools\": [...]}"
        tasks.append(.switchJS(
            "\(r)_\(stage)_threshold", "$.needsFilter == true ? 'filter' : 'direct'",
            inputs: ["needsFilter": expr("\(prepare).output.result.needsFilter")],
            cases: ["filter": [
                .inline("\(r)_\(filter)_filter_catalog", Scripts.filterCatalog(maxTools: maxTools), ["tools": expr("\(prepare).output.result.tools")]),
                LLMTaskBuilder.plain("\(r)_\(filter)_filter_llm", model: model, system: system, user: "${workflow.input.prompt}", jsonOutput: true),
                .inline("\(r)_\(filter)_filter_inline", Scripts.filterTools, [
                    "selectedNames": expr("\(r)_\(filter)_filter_llm.output.result"), "allTools": expr("\(prepare).output.result.tools"),
                ]),
            ]],
            default: [.setVariable("\(r)_\(stage)_direct_noop", ["_\(stage)_direct": true])]))
        tasks.append(.inline(resolveRef, Scripts.discoveryResolve, [
            "filtered_tools": expr("\(r)_\(filter)_filter_inline.output.result.tools"),
            "prepared_tools": expr("\(prepare).output.result.tools"),
            "mcpConfig": expr("\(prepare).output.result.mcpConfig"), "apiConfig": expr("\(prepare).output.result.apiConfig"),
        ]))
        return tasks
    }
}
