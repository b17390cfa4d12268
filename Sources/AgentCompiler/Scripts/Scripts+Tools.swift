import Workflow

extension Scripts {
    /// Builds the LLM's user message: an optional `[SIGNALS]` block, the shared state as a `Context:` JSON block
    /// (values stringified, each cut to `maxValueSize`, oldest keys dropped until the block fits `maxSize`), then
    /// the prompt. Returns the prompt unchanged when there is neither state nor signals.
    static let contextInjection = iife(#"""
    var state = $.state, signals = $.signals, prompt = $.prompt;
    var maxSize = $.maxSize || 32768, maxValueSize = $.maxValueSize || 4096;
    if (prompt === null || prompt === undefined) { prompt = ''; }
    var keys = [], values = {}, k;
    if (__isObj(state)) {
      for (k in state) {
        var v = state[k];
        if (v === null || v === undefined || typeof v === 'function') { continue; }
        var text = typeof v === 'string' ? v : __json(v);
        if (text.length > maxValueSize) { text = text.substring(0, maxValueSize) + '[truncated]'; }
        keys.push(k);
        values[k] = text;
      }
    }
    var hasSignals = signals !== null && signals !== undefined && String(signals) !== '';
    if (keys.length === 0 && !hasSignals) { return prompt; }
    function render(from) {
      var o = {};
      for (var i = from; i < keys.length; i++) { o[keys[i]] = values[keys[i]]; }
      return __json(o, '  ');
    }
    var start = 0, block = render(0);
    while (start < keys.length && block.length > maxSize) { start++; block = render(start); }
    var parts = [];
    if (hasSignals) { parts.push('[SIGNALS]\n' + String(signals) + '\n[/SIGNALS]'); }
    if (start < keys.length) { parts.push('Context:\n\x60\x60\x60json\n' + block + '\n\x60\x60\x60'); }
    parts.push(String(prompt));
    return parts.join('\n\n');
    """#, helpers: true)

    /// Per-tool settings baked into the enrich script, keyed by tool name.
    struct ToolTables {
        var http: [String: JSONValue] = [:]
        var mcp: [String: JSONValue] = [:]
        var media: [String: JSONValue] = [:]
        var agentTool: [String: JSONValue] = [:]
        var rag: [String: JSONValue] = [:]
        var cli: [String: JSONValue] = [:]
        var human: [String: JSONValue] = [:]
        var wmq: [String: JSONValue] = [:]
        /// Retry overrides for worker tools (`run.idempotent: false` → never retried).
        var retry: [String: JSONValue] = [:]
        /// Declared effects (`read`, `write`, `destructive`) of worker and HTTP tools, stamped on each call's
        /// inputs as `_tool_effect` so the event stream can show them.
        var effect: [String: JSONValue] = [:]
    }

    /// Turns each LLM tool call into a Conductor task for the dynamic fork. `dynamic` reads the MCP and API
    /// tables from the discovery inputs (`$.mcpConfig`, `$.apiConfig`) instead of baked ones.
    static func enrichTools(_ t: ToolTables, agentRef: String, dynamic: Bool) -> String {
        let tables = """
        var httpCfg = \(literal(.object(t.http))), mediaCfg = \(literal(.object(t.media)));
        var agentToolCfg = \(literal(.object(t.agentTool))), ragCfg = \(literal(.object(t.rag)));
        var humanCfg = \(literal(.object(t.human))), wmqCfg = \(literal(.object(t.wmq)));
        var retryCfg = \(literal(.object(t.retry)));\(t.effect.isEmpty ? "" : "\nvar effectCfg = \(literal(.object(t.effect)));")
        var cliCfg = \(dynamic ? "{}" : literal(.object(t.cli)));
        var mcpCfg = \(dynamic ? "$.mcpConfig || {}" : literal(.object(t.mcp)));
        var apiCfg = \(dynamic ? "$.apiConfig || {}" : "{}");
        var agentRef = \(literal(agentRef));
        """
        let script = iife(tables + "\n" + #"""
        var calls = $.toolCalls, state = $.agentState, ctx = $.agentspanCtx, userPrompt = $.userPrompt;
        var tasks = [];
        if (!__isArr(calls)) { return { dynamicTasks: tasks }; }
        function argsWithout(args, drop) {
          var out = {};
          for (var k in args) { if (k !== drop && typeof args[k] !== 'function') { out[k] = args[k]; } }
          return out;
        }
        function has(table, n) { return table !== null && table !== undefined && table[n] !== null && table[n] !== undefined; }
        function withCtx(inputs) { if (ctx !== null && ctx !== undefined) { inputs.__agentspan_ctx__ = __copy(ctx); } return inputs; }
        function agentRequest(args) {
          var keys = ['request', 'prompt', 'message', 'input', 'query'], i, k, r = '';
          for (i = 0; i < keys.length; i++) { if (args[keys[i]]) { r = String(args[keys[i]]); break; } }
          if (!r) { for (k in args) { if (k !== 'method' && typeof args[k] === 'string' && args[k] !== '') { r = args[k]; break; } } }
          var all = __json(argsWithout(args, 'method'));
          if (!r || r === '{}' || r === all) { r = userPrompt ? String(userPrompt) : ''; }
          if (!r) { r = all; }
          return r;
        }
        for (var i = 0; i < calls.length; i++) {
          var tc = calls[i] || {}, n = tc.name, args = __copy(tc.inputParameters) || {};
          var t = { name: n, taskReferenceName: tc.taskReferenceName || n, type: tc.type || 'SIMPLE', inputParameters: args,
                    optional: true, retryCount: 2, retryLogic: 'LINEAR_BACKOFF', retryDelaySeconds: 2 };
          var cfg, k;
          if (has(httpCfg, n)) {
            cfg = httpCfg[n];
            t.type = 'HTTP';
            t.inputParameters = withCtx({ http_request: { uri: cfg.url || '', method: cfg.method || 'GET', headers: __copy(cfg.headers) || {},
              body: argsWithout(args, 'method'), accept: cfg.accept || 'application/json', contentType: cfg.contentType || 'application/json',
              connectionTimeOut: 30000, readTimeOut: 30000 } });
          } else if (has(mcpCfg, n)) {
            cfg = mcpCfg[n];
            t.type = 'CALL_MCP_TOOL';
            t.name = 'call_mcp_tool';
            t.inputParameters = withCtx({ mcpServer: cfg.mcpServer || cfg.server_url || '', method: n, arguments: argsWithout(args, 'method'),
              headers: __copy(cfg.headers) || {} });
          } else if (has(apiCfg, n)) {
            cfg = apiCfg[n];
            var rest = argsWithout(args, 'method'), path = String(cfg.path || ''), method = String(cfg.method || 'GET').toUpperCase();
            path = path.replace(/\{([^}]+)\}/g, function (m, p) {
              if (rest[p] === null || rest[p] === undefined) { return m; }
              var v = encodeURIComponent(String(rest[p]));
              delete rest[p];
              return v;
            });
            var request = { uri: String(cfg.baseUrl || '') + path, method: method, headers: __copy(cfg.headers) || {},
              accept: 'application/json', contentType: 'application/json', connectionTimeOut: 30000, readTimeOut: 30000 };
            if (method === 'GET' || method === 'DELETE' || method === 'HEAD') {
              var query = [];
              for (k in rest) { query.push(encodeURIComponent(k) + '=' + encodeURIComponent(typeof rest[k] === 'object' ? __json(rest[k]) : String(rest[k]))); }
              if (query.length) { request.uri += (request.uri.indexOf('?') >= 0 ? '&' : '?') + query.join('&'); }
            } else {
              request.body = rest;
            }
            t.type = 'HTTP';
            t.inputParameters = withCtx({ http_request: request });
          } else if (has(agentToolCfg, n)) {
            cfg = agentToolCfg[n];
            t.type = 'SUB_WORKFLOW';
            t.name = cfg.workflowName;
            t.subWorkflowParam = { name: cfg.workflowName, version: 1 };
            t.inputParameters = withCtx({ prompt: agentRequest(args), session_id: '' });
            if (cfg.retryCount !== null && cfg.retryCount !== undefined) { t.retryCount = cfg.retryCount; }
            if (cfg.retryDelaySeconds !== null && cfg.retryDelaySeconds !== undefined) { t.retryDelaySeconds = cfg.retryDelaySeconds; }
            if (cfg.optional !== null && cfg.optional !== undefined) { t.optional = cfg.optional; }
          } else if (has(mediaCfg, n) || has(ragCfg, n)) {
            cfg = has(mediaCfg, n) ? mediaCfg[n] : ragCfg[n];
            var inputs = {};
            for (k in cfg) { if (k !== 'taskType' && k !== 'credentials') { inputs[k] = __copy(cfg[k]); } }
            for (k in args) { if (k !== 'method') { inputs[k] = args[k]; } }
            // Named after its type, as Agentspan names it; _tool_name tells the event stream which tool was called.
            inputs._tool_name = n;
            t.type = cfg.taskType;
            t.name = String(cfg.taskType).toLowerCase();
            t.inputParameters = inputs;
          } else if (has(humanCfg, n)) {
            cfg = humanCfg[n];
            var human = { __humanTaskDefinition: { assignmentCompletionStrategy: 'LEAVE_OPEN', displayName: agentRef + ' \u2014 ' + n, userFormTemplate: { version: 0 } },
              response_schema: { type: 'object', properties: { response: { type: 'string', title: 'Response', description: 'Provide your response' } } },
              response_ui_schema: { 'ui:order': ['response'], response: { 'ui:widget': 'textarea' } } };
            for (k in args) { if (k !== 'method') { human[k] = args[k]; } }
            human._description = cfg.description || '';
            t.type = 'HUMAN';
            t.name = n;
            t.optional = false;
            t.inputParameters = human;
          } else if (has(wmqCfg, n)) {
            t.type = 'PULL_WORKFLOW_MESSAGES';
            t.name = n;
            t.inputParameters = { batchSize: wmqCfg[n].batchSize || 1 };
            t.retryCount = 0;
            t.optional = false;
          }
          if (t.type === 'SIMPLE') {
            t.inputParameters._agent_state = __copy(state) || {};
            if (ctx !== null && ctx !== undefined) { t.inputParameters.__agentspan_ctx__ = __copy(ctx); }
            if (has(cliCfg, n)) { t.inputParameters._allowed_commands = __copy(cliCfg[n].allowedCommands) || []; }
            if (has(retryCfg, n)) { for (k in retryCfg[n]) { t[k] = retryCfg[n][k]; } }
          }
          tasks.push(t);
        }
        return { dynamicTasks: tasks };
        """#, helpers: true)
        guard !t.effect.isEmpty else { return script }
        return script.replacingAll("\n  tasks.push(t);", with: """

              if (has(effectCfg, n) && (t.type === 'SIMPLE' || t.type === 'HTTP')) { t.inputParameters._tool_effect = effectCfg[n]; }
              tasks.push(t);
            """)
    }

    /// Shallow-merges every tool output's `_state_updates` into the shared state (lists gain new items only).
    static let stateMerge = iife(#"""
    var merged = __copy($.currentState);
    if (!__isObj(merged)) { merged = {}; }
    var join = $.joinOutput, k, u;
    if (__isObj(join)) {
      for (k in join) {
        var out = join[k];
        if (!__isObj(out) || !__isObj(out._state_updates)) { continue; }
        var updates = out._state_updates;
        for (u in updates) {
          var nv = __copy(updates[u]), ov = merged[u];
          if (__isArr(ov) && __isArr(nv)) {
            var seen = {}, i;
            for (i = 0; i < ov.length; i++) { seen[__json(ov[i])] = true; }
            for (i = 0; i < nv.length; i++) { if (!seen[__json(nv[i])]) { ov.push(nv[i]); seen[__json(nv[i])] = true; } }
          } else {
            merged[u] = nv;
          }
        }
      }
    }
    return { mergedState: merged };
    """#, helpers: true)

    /// `{others, otherCount, destructive, destructiveCount}`: the turn's calls split into those of `destructive`
    /// tools (in the order asked) and the rest.
    static func splitCalls(_ destructive: [String]) -> String {
        iife("var names = \(literal(.array(destructive.map(JSONValue.string))));\n" + #"""
        var calls = $.tool_calls, others = [], picked = [];
        if (calls === null || calls === undefined || typeof calls.length !== 'number') { calls = []; }
        for (var i = 0; i < calls.length; i++) {
          var hit = false;
          for (var j = 0; j < names.length; j++) { if (calls[i] && calls[i].name === names[j]) { hit = true; } }
          if (hit) { picked.push(calls[i]); } else { others.push(calls[i]); }
        }
        return { others: others, otherCount: others.length, destructive: picked, destructiveCount: picked.length };
        """#)
    }

    /// `{calls: [call]}`: the destructive call of loop iteration `iteration` (1-based).
    static let pickCall = iife(#"""
    var calls = $.calls || [], i = ($.iteration || 1) - 1;
    return { calls: (i >= 0 && i < calls.length) ? [calls[i]] : [] };
    """#)

    /// `{needs_approval: true}` when any call targets one of `names`.
    static func checkApproval(_ names: [String]) -> String {
        iife("var names = \(literal(.array(names.map(JSONValue.string))));\n" + #"""
        var calls = $.tool_calls;
        if (calls === null || calls === undefined || typeof calls.length !== 'number') { return { needs_approval: false }; }
        for (var i = 0; i < calls.length; i++) {
          for (var j = 0; j < names.length; j++) { if (calls[i] && calls[i].name === names[j]) { return { needs_approval: true }; } }
        }
        return { needs_approval: false };
        """#)
    }

    /// `{formatted, count}`: every call as `Tool: n` / `Arguments: {json without method}` / `---`.
    static let formatToolCalls = iife(#"""
    var calls = $.tool_calls, lines = [];
    if (!__isArr(calls)) { return { formatted: '', count: 0 }; }
    for (var i = 0; i < calls.length; i++) {
      var c = calls[i] || {}, args = {}, k;
      if (__isObj(c.inputParameters)) { for (k in c.inputParameters) { if (k !== 'method') { args[k] = c.inputParameters[k]; } } }
      lines.push('Tool: ' + c.name);
      lines.push('Arguments: ' + __json(args));
      lines.push('---');
    }
    return { formatted: lines.join('\n'), count: calls.length };
    """#, helpers: true)

    /// Checks that every required tool name occurs in the inner loop's output.
    static func requiredToolsCheck(_ names: [String]) -> String {
        iife("var required = \(literal(.array(names.map(JSONValue.string))));\n" + #"""
        var text = __json($.completedTaskNames), missing = [];
        for (var i = 0; i < required.length; i++) { if (text.indexOf(required[i]) < 0) { missing.push(required[i]); } }
        if (missing.length === 0) { return { satisfied: true }; }
        return { satisfied: false, missing: missing, message: 'You MUST call these tools before completing: ' + missing.join(', ') };
        """#, helpers: true)
    }

    /// Dynamic instructions: the worker's output as one string.
    static let normalizeInstructions = iife(#"""
    var out = $.worker_output;
    if (out === null || out === undefined) { return ''; }
    if (typeof out !== 'object') { return String(out); }
    if (__isObj(out) && out.result !== undefined && out.result !== null) {
      return typeof out.result === 'object' ? __json(out.result) : String(out.result);
    }
    return __json(out);
    """#, helpers: true)
}
