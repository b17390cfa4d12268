import Workflow

extension Scripts {
    /// Flat context merge: non-null entries of `parent`, then `child`, each value as a string.
    static let flatMergeContext = iife(#"""
    var out = {}, k, v;
    function put(src) {
      if (!__isObj(src)) { return; }
      for (k in src) {
        v = src[k];
        if (v === null || v === undefined || typeof v === 'function') { continue; }
        out[k] = typeof v === 'object' ? __json(v) : '' + v;
      }
    }
    put($.parent);
    put($.child);
    return out;
    """#, helpers: true)

    /// Namespaced context merge (parallel): parent entries as strings plus `{<agent>: child context}`.
    static let namespacedMergeContext = iife(#"""
    var out = {}, k, v, parent = $.parentCtx, names = $.agentNames;
    if (__isObj(parent)) {
      for (k in parent) {
        v = parent[k];
        if (v === null || v === undefined || typeof v === 'function') { continue; }
        out[k] = typeof v === 'object' ? __json(v) : '' + v;
      }
    }
    if (__isArr(names)) {
      for (var i = 0; i < names.length; i++) { var c = $['child_' + i]; out[names[i]] = __isObj(c) ? __copy(c) : {}; }
    }
    return out;
    """#, helpers: true)

    /// Appends `[<agent>]: <response>` to the transcript.
    static func concat(agent: String) -> String {
        iife("var agent = \(literal(agent));\n" + #"""
        var prev = $.prev, r = $.response;
        var text = r === null || r === undefined ? '' : (typeof r === 'object' ? __json(r) : String(r));
        return (prev === null || prev === undefined ? '' : String(prev)) + '\n\n[' + agent + ']: ' + text;
        """#, helpers: true)
    }

    /// Notes the router's decision in the transcript (unless it is `DONE`).
    static let routeAnnotate = iife(#"""
    var prev = $.prev === null || $.prev === undefined ? '' : String($.prev), d = $.decision;
    if (d === 'DONE') { return prev; }
    return prev + '\n\n[coordinator -> ' + (d === null || d === undefined ? '' : String(d)) + ']';
    """#)

    /// The `DONE` case of a router switch.
    static let doneNoop = "(function() { return { result: 'done' }; })()"

    /// Round-robin or random speaker selection, optionally constrained by `allowedTransitions`
    /// (`"<from index>" → [to indexes]`). Returns the index as a string.
    static func select(count: Int, random: Bool, transitions: [String: [Int]]?) -> String {
        guard let transitions else {
            return random
                ? "(function() { return String(Math.floor(Math.random() * \(count))); })()"
                : "(function() { var i = parseInt($.iteration, 10) || 0; return String(i % \(count)); })()"
        }
        let allowed = JSONValue.object(transitions.mapValues { .array($0.map(JSONValue.int)) })
        return iife("var allowed = \(literal(allowed)), n = \(count), random = \(random);\n" + #"""
        var iteration = parseInt($.iteration, 10) || 0, last = $.last_agent, candidates = allowed[String(last)];
        if (!candidates || candidates.length === 0) { candidates = []; for (var i = 0; i < n; i++) { candidates.push(i); } }
        var pick = random ? candidates[Math.floor(Math.random() * candidates.length)] : candidates[iteration % candidates.length];
        return String(pick);
        """#)
    }

    /// Parallel results: `{result: "[a]: …\n\n[b]: …", subResults: {a: …}}`.
    static let parallelAggregate = iife(#"""
    var results = $.agentResults, parts = [], sub = {}, k, v, text;
    if (__isObj(results)) {
      for (k in results) {
        v = results[k];
        text = v === null || v === undefined ? '' : (typeof v === 'object' ? __json(v) : String(v));
        sub[k] = text;
        if (text !== '') { parts.push('[' + k + ']: ' + text); }
      }
    }
    return { result: parts.join('\n\n'), subResults: sub };
    """#, helpers: true)

    /// The last non-empty stage result of a gated pipeline.
    static func outputSelector(count: Int) -> String {
        iife("var n = \(count);\n" + #"""
        for (var i = n - 1; i >= 0; i--) {
          var v = $['s' + i];
          if (v !== null && v !== undefined && v !== '') { return typeof v === 'object' ? __json(v) : v; }
        }
        return '';
        """#, helpers: true)
    }

    /// `text_contains` gate: `stop` when the stage output contains the sentinel, else `continue`.
    static func textGate(text: String, caseSensitive: Bool) -> String {
        iife("var sentinel = \(literal(text)), caseSensitive = \(caseSensitive);\n" + #"""
        var content = String($.result || '');
        if (!caseSensitive) { content = content.toLowerCase(); sentinel = sentinel.toLowerCase(); }
        return { decision: content.indexOf(sentinel) >= 0 ? 'stop' : 'continue' };
        """#)
    }
}
