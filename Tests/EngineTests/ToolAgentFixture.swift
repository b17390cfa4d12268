import Workflow

/// The compiled tool agent of agentspan-compiler.md §6, written by hand with this suite's own INLINE scripts.
enum ToolAgentFixture {
    static let json = #"""
        {
          "name": "weather_agent", "version": 1, "description": "Agent workflow for weather_agent",
          "inputParameters": ["prompt", "session_id", "media", "cwd"], "timeoutSeconds": 0,
          "outputParameters": {
            "result": "${weather_agent_llm.output.result}",
            "finishReason": "${weather_agent_llm.output.finishReason}",
            "rejectionReason": "${workflow.variables.rejectionReason}",
            "context": "${workflow.variables._agent_state}"
          },
          "tasks": [
            {"name": "weather_agent_ctx_resolve", "taskReferenceName": "weather_agent_ctx_resolve", "type": "INLINE",
             "inputParameters": {"evaluatorType": "graaljs", "ctx": "${workflow.input.context}",
               "expression": "(function() { return $.ctx || {}; })()"}},
            {"name": "weather_agent_init_state", "taskReferenceName": "weather_agent_init_state", "type": "SET_VARIABLE",
             "inputParameters": {"_agent_state": "${weather_agent_ctx_resolve.output.result}", "_stop_requested": false, "_signal_injection": ""}},
            {"name": "weather_agent_loop", "taskReferenceName": "weather_agent_loop", "type": "DO_WHILE",
             "inputParameters": {"weather_agent_loop": "${weather_agent_loop}", "weather_agent_llm": "${weather_agent_llm}",
               "_stop_requested": "${workflow.variables._stop_requested}"},
             "loopCondition": "if ( $.weather_agent_loop['iteration'] < 25 && $._stop_requested != true && ($.weather_agent_llm['finishReason'] == 'LENGTH' || $.weather_agent_llm['finishReason'] == 'MAX_TOKENS' || ($.weather_agent_llm['toolCalls'] != null && $.weather_agent_llm['toolCalls'].length > 0)) ) { true; } else { false; }",
             "loopOver": [
               {"name": "weather_agent_ctx_inject", "taskReferenceName": "weather_agent_ctx_inject", "type": "INLINE",
                "inputParameters": {"evaluatorType": "graaljs", "state": "${workflow.variables._agent_state}",
                  "signals": "${workflow.variables._signal_injection}", "prompt": "${workflow.input.prompt}",
                  "maxSize": 32768, "maxValueSize": 4096,
                  "expression": "(function() { var state = $.state || {}; var keys = []; for (var k in state) { if (state[k] != null) keys.push(k); } var parts = []; if ($.signals) parts.push('[SIGNALS]\\n' + $.signals + '\\n[/SIGNALS]'); if (keys.length > 0) { var ctx = {}; keys.forEach(function (k) { var v = typeof state.get(k) === 'string' ? state.get(k) : JSON.stringify(state.get(k)); ctx[k] = v.length > $.maxValueSize ? v.substring(0, $.maxValueSize) + '[truncated]' : v; }); parts.push('Context:\\n```json\\n' + JSON.stringify(ctx, null, 2) + '\\n```'); } if (parts.length === 0) return $.prompt; parts.push($.prompt); return parts.join('\\n\\n'); })()"}},
               {"name": "llm_chat_complete", "taskReferenceName": "weather_agent_llm", "type": "LLM_CHAT_COMPLETE",
                "inputParameters": {"llmProvider": "openai", "model": "gpt-4o",
                  "messages": [{"role": "system", "message": "Use tools."},
                               {"role": "user", "message": "${weather_agent_ctx_inject.output.result}", "media": "${workflow.input.media}"}],
                  "tools": [{"name": "search", "type": "SIMPLE", "description": "Search the web",
                             "inputSchema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}],
                  "maxTokens": 16384, "temperature": 0, "__agentspan_ctx__": "${workflow.input.__agentspan_ctx__}"}},
               {"name": "SWITCH", "taskReferenceName": "weather_agent_tool_router", "type": "SWITCH", "evaluatorType": "graaljs",
                "expression": "$.toolCalls != null && $.toolCalls.length > 0 ? 'tool_call' : 'none'",
                "inputParameters": {"toolCalls": "${weather_agent_llm.output.toolCalls}"},
                "decisionCases": {"tool_call": [
                  {"name": "weather_agent_enrich_tools", "taskReferenceName": "weather_agent_enrich_tools", "type": "INLINE",
                   "inputParameters": {"evaluatorType": "graaljs", "toolCalls": "${weather_agent_llm.output.toolCalls}",
                     "agentState": "${workflow.variables._agent_state}", "agentspanCtx": "${workflow.input.__agentspan_ctx__}",
                     "userPrompt": "${workflow.input.prompt}",
                     "expression": "(function() { var tasks = []; for (var i = 0; i < $.toolCalls.length; i++) { var tc = $.toolCalls[i]; var input = {}; var args = tc.inputParameters || {}; for (var k in args) input[k] = args[k]; var t = {name: tc.name, taskReferenceName: tc.taskReferenceName || tc.name, type: tc.type || 'SIMPLE', inputParameters: input, optional: true, retryCount: 2, retryLogic: 'LINEAR_BACKOFF', retryDelaySeconds: 2}; if (t.type === 'SIMPLE') { t.inputParameters._agent_state = $.agentState; if ($.agentspanCtx) t.inputParameters.__agentspan_ctx__ = $.agentspanCtx; } tasks.push(t); } return {dynamicTasks: tasks}; })()"}},
                  {"name": "FORK_JOIN_DYNAMIC", "taskReferenceName": "weather_agent_fork", "type": "FORK_JOIN_DYNAMIC",
                   "dynamicForkTasksParam": "dynamicTasks", "dynamicForkTasksInputParamName": "dynamicTasksInputs",
                   "inputParameters": {"dynamicTasks": "${weather_agent_enrich_tools.output.result.dynamicTasks}", "dynamicTasksInputs": {}}},
                  {"name": "JOIN", "taskReferenceName": "weather_agent_fork_join", "type": "JOIN"},
                  {"name": "weather_agent_merge_state", "taskReferenceName": "weather_agent_merge_state", "type": "INLINE",
                   "inputParameters": {"evaluatorType": "graaljs", "currentState": "${workflow.variables._agent_state}",
                     "joinOutput": "${weather_agent_fork_join.output}",
                     "expression": "(function() { var merged = {}; var cur = $.currentState || {}; for (var k in cur) merged[k] = cur[k]; var out = $.joinOutput || {}; for (var ref in out) { var updates = out[ref] && out[ref]._state_updates; if (!updates) continue; for (var key in updates) { var nv = updates[key]; var ov = merged[key]; if (Array.isArray(ov) && Array.isArray(nv)) { var seen = ov.map(function (x) { return JSON.stringify(x); }); nv.forEach(function (x) { if (seen.indexOf(JSON.stringify(x)) < 0) ov.push(x); }); } else { merged[key] = nv; } } } return {mergedState: merged}; })()"}},
                  {"name": "weather_agent_set_state", "taskReferenceName": "weather_agent_set_state", "type": "SET_VARIABLE",
                   "inputParameters": {"_agent_state": "${weather_agent_merge_state.output.result.mergedState}"}}
                ]},
                "defaultCase": []}
             ]}
          ]
        }
        """#

    static func definition() throws -> WorkflowDef {
        try JSONValue.parse(json).decode(WorkflowDef.self)
    }
}
