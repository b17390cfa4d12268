import Workflow

extension Scripts {
    /// The uniform guardrail verdict helpers: `__pass()` and `__fail(message, onFail, iteration, maxRetries, name)`
    /// (a `retry` past the budget, and a `fix` without a fixed output, escalate to `raise`).
    static let verdictHelpers = #"""
    function __pass() { return { passed: true, message: '', on_fail: 'pass', fixed_output: null, guardrail_name: '', should_continue: false }; }
    function __fail(message, onFail, iteration, maxRetries, name, fixed) {
      var actual = onFail || 'retry';
      if (actual === 'retry' && iteration >= maxRetries) { actual = 'raise'; }
      if (actual === 'fix' && (fixed === null || fixed === undefined)) { actual = 'raise'; }
      return { passed: false, message: message, on_fail: actual, fixed_output: fixed === undefined ? null : fixed,
               guardrail_name: name, should_continue: actual === 'retry' };
    }
    function __text(v) { return v === null || v === undefined ? '' : (typeof v === 'object' ? __json(v) : String(v)); }
    """#

    /// Regex guardrail: `block` fails when any pattern matches, `allow` when none does.
    static func regexGuardrail(name: String, patterns: [String], mode: String?, onFail: String, message: String?, maxRetries: Int) -> String {
        let defaults = """
        var name = \(literal(name)), patterns = \(literal(.array(patterns.map(JSONValue.string))));
        var mode = \(literal(mode ?? "block")), onFail = \(literal(onFail)), maxRetries = \(maxRetries);
        var customMessage = \(message.map { literal($0) } ?? "null");
        """
        return iife(jsonHelpers + verdictHelpers + defaults + "\n" + #"""
        var content = __text($.content), iteration = parseInt($.iteration, 10) || 0, matched = false;
        for (var i = 0; i < patterns.length; i++) { if (new RegExp(patterns[i]).test(content)) { matched = true; break; } }
        var failed = (mode === 'block' && matched) || (mode === 'allow' && !matched);
        if (!failed) { return __pass(); }
        var message = customMessage || (mode === 'allow' ? 'Content did not match any allowed pattern.' : 'Content matched a blocked pattern.');
        return __fail(message, onFail, iteration, maxRetries, name, null);
        """#)
    }

    /// LLM guardrail: parses the judge's `{passed, reason}` answer.
    static func llmGuardrailParser(name: String, onFail: String, maxRetries: Int) -> String {
        let defaults = "var name = \(literal(name)), onFail = \(literal(onFail)), maxRetries = \(maxRetries);"
        return iife(jsonHelpers + verdictHelpers + defaults + "\n" + #"""
        var raw = $.llm_result, iteration = parseInt($.iteration, 10) || 0;
        var verdict = typeof raw === 'string' ? __parse(raw) : raw;
        if (!__isObj(verdict)) { return __fail('Unparseable LLM response', onFail, iteration, maxRetries, name, null); }
        if (verdict.passed === true || verdict.passed === 'true') { return __pass(); }
        return __fail(verdict.reason || verdict.message || 'LLM guardrail failed', onFail, iteration, maxRetries, name, null);
        """#)
    }

    /// Custom guardrail: normalises a worker's answer (the guardrail contract, a `{result: …}` wrapper, or the
    /// OpenAI Agents tripwire shape) to the uniform verdict.
    static let customGuardrailNormalize = iife(jsonHelpers + verdictHelpers + #"""
    var out = $.worker_output, name = $.guardrail_name || '', defaultOnFail = $.default_on_fail || 'retry';
    function hasAny(o, keys) { for (var i = 0; i < keys.length; i++) { if (o[keys[i]] !== undefined && o[keys[i]] !== null) { return true; } } return false; }
    var contract = ['on_fail', 'onFail', 'passed', 'fixed_output', 'fixedOutput'];
    var tripwire = ['tripwire_triggered', 'tripwireTriggered', 'output_info', 'outputInfo'];
    if (!__isObj(out)) { return __pass(); }
    if (out.result !== undefined && __isObj(out.result) && !hasAny(out, contract) && !hasAny(out, tripwire)) { out = out.result; }
    if (hasAny(out, contract)) {
      var onFail = out.on_fail || out.onFail || null;
      var fixed = out.fixed_output !== undefined ? out.fixed_output : out.fixedOutput;
      var passed = out.passed !== false && out.passed !== 'false' && (onFail === null || onFail === 'pass');
      if (passed) { return __pass(); }
      var verdict = __fail(out.message || 'Guardrail failed', onFail || defaultOnFail, 0, 1, out.guardrail_name || name, fixed);
      if ((onFail || defaultOnFail) === 'retry' && out.should_continue !== false) { verdict.on_fail = 'retry'; verdict.should_continue = true; }
      return verdict;
    }
    if (hasAny(out, tripwire)) {
      var triggered = out.tripwire_triggered === true || out.tripwireTriggered === true;
      if (!triggered) { return __pass(); }
      var info = out.output_info !== undefined ? out.output_info : out.outputInfo;
      var msg = typeof info === 'string' ? info : (__isObj(info) && info.reason ? String(info.reason) : 'Guardrail tripwire triggered');
      return { passed: false, message: msg, on_fail: defaultOnFail, fixed_output: null, guardrail_name: name, should_continue: defaultOnFail === 'retry' };
    }
    return __pass();
    """#)

    /// The feedback turn after a `retry` verdict.
    static let guardrailRetry = iife(#"""
    var m = $.guardrail_message;
    return { result: '[Output validation failed: ' + (m === null || m === undefined ? '' : String(m)) + '. Please revise your response.]' };
    """#)

    /// The replacement output after a `fix` verdict.
    static let guardrailFix = "(function() { return { result: $.fixed_output }; })()"

    /// The final answer: a human edit, else a guardrail fix, else the LLM's own.
    static let resolveOutput = iife(#"""
    function usable(v) { return v !== null && v !== undefined && v !== '' && v !== 'null'; }
    if (usable($.edited_output)) { return { result: $.edited_output, finishReason: 'STOP' }; }
    if (usable($.fixed_output)) { return { result: $.fixed_output, finishReason: 'STOP' }; }
    return { result: $.llm_result, finishReason: $.finish_reason };
    """#)
}
