extension Scripts {
    /// Shared parsing of a person's answer: `__rawText(o)` and `__yesNo(v)` (true, false or null).
    private static let humanHelpers = #"""
    function __rawText(o) {
      if (o === null || o === undefined) { return ''; }
      if (typeof o !== 'object') { return String(o); }
      if (o.result !== undefined && o.result !== null) { return typeof o.result === 'object' ? __json(o.result) : String(o.result); }
      var parts = [];
      for (var k in o) { if (typeof o[k] !== 'function') { parts.push(k + ': ' + (typeof o[k] === 'object' ? __json(o[k]) : String(o[k]))); } }
      return parts.join(', ');
    }
    function __yesNo(v) {
      if (v === true || v === false) { return v; }
      if (typeof v !== 'string') { return null; }
      var s = v.replace(/^\s+|\s+$/g, '').toLowerCase();
      if (s === 'true' || s === 'yes' || s === 'y') { return true; }
      if (s === 'false' || s === 'no' || s === 'n') { return false; }
      return null;
    }
    """#

    /// Approval answer → `{needs_normalize, approved?, reason?, raw_text, extra}`.
    static let approvalValidate = iife(jsonHelpers + humanHelpers + #"""
    var raw = $.human_output, src = __isObj(raw) ? raw : {}, extra = {}, k;
    if (__isObj(src.result) && src.approved === undefined) { src = src.result; }
    for (k in src) { if (k !== 'approved' && k !== 'reason' && k !== 'result' && typeof src[k] !== 'function') { extra[k] = __copy(src[k]); } }
    var approved = __yesNo(src.approved);
    if (approved === null) { return { needs_normalize: true, raw_text: __rawText(raw), extra: extra }; }
    return { needs_normalize: false, approved: approved, reason: src.reason || '', raw_text: __rawText(raw), extra: extra };
    """#)

    /// Approval decision → `{approved, reason, extra}` (from the structured answer or the normaliser's JSON).
    static let approvalProcess = iife(jsonHelpers + humanHelpers + #"""
    var v = $.validated || {}, data = v;
    if (v.needs_normalize === true) { data = __parse($.normalized); if (!__isObj(data)) { data = {}; } }
    var approved = __yesNo(data.approved);
    return { approved: approved === true, reason: data.reason || '', extra: __copy(v.extra) || {} };
    """#)

    /// Guardrail review answer → `{needs_normalize, approved?, edited_output?, reason?, raw_text}`.
    static let guardrailReviewValidate = iife(jsonHelpers + humanHelpers + #"""
    var raw = $.human_output, src = __isObj(raw) ? raw : {};
    if (__isObj(src.result) && src.approved === undefined) { src = src.result; }
    var approved = __yesNo(src.approved), edited = src.edited_output;
    if (approved === null && (edited === null || edited === undefined || edited === '')) {
      return { needs_normalize: true, raw_text: __rawText(raw) };
    }
    return { needs_normalize: false, approved: approved === true, edited_output: edited === undefined ? null : edited,
             reason: src.reason || '', raw_text: __rawText(raw) };
    """#)

    /// Guardrail review decision → `{action: approve|edit|reject, result?, reason?}`.
    static let guardrailReviewProcess = iife(jsonHelpers + humanHelpers + #"""
    var v = $.validated || {}, data = v;
    if (v.needs_normalize === true) { data = __parse($.normalized); if (!__isObj(data)) { data = {}; } }
    if (__yesNo(data.approved) === true) { return { action: 'approve', result: $.llm_output }; }
    if (data.edited_output !== null && data.edited_output !== undefined && data.edited_output !== '') {
      return { action: 'edit', result: data.edited_output };
    }
    return { action: 'reject', reason: data.reason || 'Rejected by human reviewer' };
    """#)

    /// Approval feedback for the next LLM turn (`""` when the reviewer gave none).
    static let formatHumanFeedback = iife(jsonHelpers + #"""
    var reason = $.reason, extra = $.extra, parts = [], ctx = [], k;
    if (reason !== null && reason !== undefined && String(reason) !== '') { parts.push('Reason: ' + String(reason) + '.'); }
    if (__isObj(extra)) { for (k in extra) { if (typeof extra[k] !== 'function') { ctx.push(k + ': ' + __json(extra[k])); } } }
    if (ctx.length) { parts.push('Additional context: ' + ctx.join(', ') + '.'); }
    return parts.length ? 'Human reviewer feedback: ' + parts.join(' ') : '';
    """#)

    /// System prompt of the approval normaliser LLM.
    static let approvalNormalizerPrompt = """
        You convert a human reviewer's free-text answer about a tool execution into JSON. \
        Respond with ONLY a JSON object: {"approved": <boolean>, "reason": <string or null>}. \
        Words like approve, yes, ok, LGTM, looks good or go ahead mean approved=true; \
        reject, no, deny or not approved mean approved=false.
        """

    /// System prompt of the guardrail-review normaliser LLM.
    static let reviewNormalizerPrompt = """
        You convert a human reviewer's free-text answer about an AI output into JSON. \
        Respond with ONLY a JSON object: {"approved": <boolean>, "edited_output": <string or null>, "reason": <string or null>}. \
        Approve words (approve, yes, ok, LGTM, looks good) mean approved=true; corrected text goes in edited_output; \
        otherwise approved=false with the reason.
        """
}
