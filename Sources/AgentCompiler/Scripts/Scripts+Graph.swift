import Workflow

extension Scripts {
    /// `__graphResult(state)`: the text a graph's state stands for, as the SDK's node workers compute it (the first
    /// non-empty of `result`, `final_email`, `output`, `answer`, `response`, else the state as JSON).
    private static let graphResultHelper = #"""
    function __graphResult(s) {
      var keys = ['result', 'final_email', 'output', 'answer', 'response'];
      for (var i = 0; i < keys.length; i++) {
        var v = __isObj(s) ? s[keys[i]] : null;
        if (v !== null && v !== undefined && v !== '' && v !== false) { return typeof v === 'object' ? __json(v) : String(v); }
      }
      return __json(s);
    }
    """#

    /// Fork merge of parallel branches (`b0` … `bN`, each a branch's final state) onto the state before the fork
    /// (`base`) → `{state, result}`. A field a branch changed wins over the others' unchanged copies; a field with an
    /// `add` reducer (`addFields`) gets every branch's change appended, as LangGraph's `operator.add` does.
    static func graphForkMerge(branches: Int, addFields: [String]) -> String {
        iife(jsonHelpers + graphResultHelper + """
            var add = \(literal(.object(Dictionary(uniqueKeysWithValues: addFields.map { ($0, JSONValue.bool(true)) })))), base = __isObj($.base) ? $.base : {};
            var m = __copy(base), n = \(branches), i, k, b;
            for (i = 0; i < n; i++) {
              b = $['b' + i];
              if (!__isObj(b)) { continue; }
              for (k in b) {
                if (typeof b[k] === 'function' || __json(b[k]) === __json(base[k])) { continue; }
                if (add[k] === true) {
                  var cur = __isArr(m[k]) ? m[k] : (m[k] === undefined || m[k] === null ? [] : [m[k]]);
                  m[k] = cur.concat(__isArr(b[k]) ? __copy(b[k]) : [__copy(b[k])]);
                } else { m[k] = __copy(b[k]); }
              }
            }
            return { state: m, result: __graphResult(m) };
            """)
    }

    /// The dynamic fork of a router that fans out with LangGraph's `Send`: the router's `dynamic_tasks`
    /// (`[{node, input}]`) → one SIMPLE task of the node's worker (`workers`: node → worker) per `Send`, its input the
    /// `Send`'s state.
    static func graphSendEnrich(workers: [String: String]) -> String {
        iife(jsonHelpers + """
            var workers = \(literal(.object(workers.mapValues { JSONValue.string($0) }))), sent = __isArr($.dynamic_tasks) ? $.dynamic_tasks : [];
            var tasks = [], i, t, w;
            for (i = 0; i < sent.length; i++) {
              t = sent[i];
              w = workers[t.node];
              if (w === undefined) { throw new Error('Send to ' + t.node + ', which is not a target of the router'); }
              tasks.push({ name: w, taskReferenceName: w + '__dyn_' + i, type: 'SIMPLE', inputParameters: { state: __isObj(t.input) ? __copy(t.input) : {} } });
            }
            return { dynamicTasks: tasks, dynamicTasksInputs: {} };
            """)
    }

    /// After a `Send` fork: the router's state (`parentState`) with what each branch changed relative to its own input
    /// (`tasks`, the forked tasks; `joinOutput`, the JOIN's outputs by reference) — appended for `addFields`, else
    /// the last branch's value — → `{state, result}`.
    static func graphSendMerge(addFields: [String]) -> String {
        iife(jsonHelpers + graphResultHelper + """
            var add = \(literal(.object(Dictionary(uniqueKeysWithValues: addFields.map { ($0, JSONValue.bool(true)) })))), jo = $.joinOutput || {};
            var tasks = __isArr($.tasks) ? $.tasks : [], m = __isObj($.parentState) ? __copy($.parentState) : {}, i, k, ref, out, inp, key;
            for (i = 0; i < tasks.length; i++) {
              ref = tasks[i].taskReferenceName; out = null;
              for (key in jo) { if (key === ref || key.indexOf(ref + '__') === 0) { out = jo[key]; } }
              if (!__isObj(out) || !__isObj(out.state)) { continue; }
              inp = __isObj(tasks[i].inputParameters) && __isObj(tasks[i].inputParameters.state) ? tasks[i].inputParameters.state : {};
              for (k in out.state) {
                if (typeof out.state[k] === 'function' || __json(out.state[k]) === __json(inp[k])) { continue; }
                if (add[k] === true) {
                  var cur = __isArr(m[k]) ? m[k] : (m[k] === undefined || m[k] === null ? [] : [m[k]]);
                  m[k] = cur.concat(__isArr(out.state[k]) ? __copy(out.state[k]) : [__copy(out.state[k])]);
                } else { m[k] = __copy(out.state[k]); }
              }
            }
            return { state: m, result: __graphResult(m) };
            """)
    }

    /// After a conditional edge's SWITCH: the state and result of the case the router's `decision` picked (`s<i>`,
    /// `r<i>` for the decisions in `cases`), or the router's own state and the result before it (`s_pre`, `r_pre`)
    /// when the decision ended the graph.
    static func graphRouteCoalesce(cases: [String: Int]) -> String {
        iife(jsonHelpers + """
            var index = \(literal(.object(cases.mapValues { JSONValue.int($0) })))[String($.decision)];
            if (index !== undefined) { return { state: $['s' + index], result: $['r' + index] }; }
            return { state: __isObj($.s_pre) ? $.s_pre : {}, result: $.r_pre === undefined ? null : $.r_pre };
            """)
    }

    /// First task of a loop body: the state the previous iteration ended with (`loop_state`), or on the first
    /// iteration the state the loop was entered with.
    static let graphLoopBridge = iife(jsonHelpers + #"""
    var rs = $.loop_state, k;
    if (__isObj(rs)) { for (k in rs) { if (typeof rs[k] !== 'function') { return { state: rs }; } } }
    return { state: __isObj($.pre_loop_state) ? $.pre_loop_state : {} };
    """#)

    /// After an LLM or subgraph node: the prep worker's own state and result when it finished without the call
    /// (`skip`), else the finish worker's.
    static let graphSkipCoalesce = #"""
    (function() {
      if ($.skip === true || $.skip === 'true') { return { state: $.pt_state, result: $.pt_result }; }
      return { state: $.fin_state, result: $.fin_result };
    })()
    """#

    /// A human node's answer (`human_output`) → `{needs_normalize, fields, raw_text}`: the answer's own fields, or its
    /// text for the normaliser when it has none.
    static let graphHumanValidate = iife(jsonHelpers + #"""
    var raw = $.human_output, skip = { __humanTaskDefinition: 1, response_schema: 1, response_ui_schema: 1, _prompt: 1, state: 1 };
    if (raw === null || raw === undefined) { return { needs_normalize: true, raw_text: '', fields: {} }; }
    if (typeof raw !== 'object') { return { needs_normalize: true, raw_text: String(raw), fields: {} }; }
    var fields = {}, parts = [], has = false, k;
    for (k in raw) {
      if (skip[k] === 1 || typeof raw[k] === 'function') { continue; }
      fields[k] = __copy(raw[k]); has = true;
      parts.push(k + ': ' + __json(raw[k]));
    }
    var text = typeof raw.result === 'string' ? raw.result : parts.join(', ');
    if (has) { return { needs_normalize: false, fields: fields, raw_text: text }; }
    return { needs_normalize: true, raw_text: text, fields: {} };
    """#)

    /// A human node's fields (validated, or the normaliser's JSON) merged into the graph state → `{state, result}`.
    static let graphHumanProcess = iife(jsonHelpers + #"""
    var v = $.validated, state = __isObj($.previousState) ? __copy($.previousState) : {}, fields = {}, k;
    if (__isObj(v) && v.needs_normalize !== true) { fields = v.fields || {}; }
    else { fields = __parse($.normalized); if (!__isObj(fields)) { fields = {}; } }
    for (k in fields) { if (k !== '__humanTaskDefinition' && typeof fields[k] !== 'function') { state[k] = __copy(fields[k]); } }
    return { state: state, result: __json(state) };
    """#)

    /// System prompt of a human node's normaliser LLM.
    static func graphHumanNormalizerPrompt(_ question: String?) -> String {
        var text = "Convert the human's free-form response into a JSON object with the appropriate fields.\n\n"
        if let question, !question.isEmpty { text += "Context — the human was asked: \"\(question)\"\n\n" }
        return text + """
            Rules:
            - Extract all meaningful key-value pairs from the response.
            - Use snake_case field names that match the context.
            - Preserve the original values (strings, booleans, numbers) as-is.
            - If input is already valid JSON, return as-is.
            Output ONLY the JSON object.
            """
    }
}
