import Foundation
import Workflow

/// The JavaScript of every INLINE task and graaljs SWITCH the compiler emits, as plain data.
///
/// Every script is ES5 that behaves the same on plain JS objects (JavaScriptCore in our engine) and on Java
/// host maps and lists (GraalJS on a Conductor server): inputs are read with property access, `for…in` and
/// `.length` only — never `.get()`, `JSON.stringify` or `Object.keys`, which see an empty object under GraalJS.
/// JSON text is built by hand with ``Scripts/jsonHelpers``. Each script is an expression whose value becomes
/// the task's `output.result`.
enum Scripts {
    /// ES5 helpers shared by scripts that need JSON text, type tests or copies of inputs:
    /// `__isArr(v)`, `__isObj(v)`, `__q(s)` (quote), `__json(v, indent)` (serialise), `__copy(v)` (plain copy).
    static let jsonHelpers = #"""
    function __isArr(v) { return v !== null && v !== undefined && typeof v === 'object' && typeof v.length === 'number'; }
    function __isObj(v) { return v !== null && v !== undefined && typeof v === 'object' && typeof v.length !== 'number'; }
    function __q(s) {
      var out = '"';
      for (var i = 0; i < s.length; i++) {
        var c = s.charAt(i), code = s.charCodeAt(i);
        if (c === '"') { out += '\\"'; }
        else if (c === '\\') { out += '\\\\'; }
        else if (c === '\n') { out += '\\n'; }
        else if (c === '\r') { out += '\\r'; }
        else if (c === '\t') { out += '\\t'; }
        else if (code < 32 || code === 0x2028 || code === 0x2029) { var h = code.toString(16); while (h.length < 4) { h = '0' + h; } out += '\\u' + h; }
        else { out += c; }
      }
      return out + '"';
    }
    function __json(v, indent, cur) {
      cur = cur || '';
      if (v === null || v === undefined) { return 'null'; }
      var t = typeof v;
      if (t === 'number') { return isFinite(v) ? String(v) : 'null'; }
      if (t === 'boolean') { return v ? 'true' : 'false'; }
      if (t === 'string') { return __q(v); }
      if (t !== 'object') { return __q(String(v)); }
      var inner = indent ? cur + indent : '', nl = indent ? '\n' : '', sep = indent ? ': ' : ':', parts = [], i, k;
      if (__isArr(v)) {
        for (i = 0; i < v.length; i++) { parts.push(inner + __json(v[i], indent, inner)); }
        return parts.length ? '[' + nl + parts.join(',' + nl) + nl + cur + ']' : '[]';
      }
      for (k in v) {
        if (typeof v[k] === 'function') { continue; }
        parts.push(inner + __q(String(k)) + sep + __json(v[k], indent, inner));
      }
      return parts.length ? '{' + nl + parts.join(',' + nl) + nl + cur + '}' : '{}';
    }
    function __copy(v) {
      if (v === null || v === undefined || typeof v !== 'object') { return v; }
      var out, i, k;
      if (__isArr(v)) { out = []; for (i = 0; i < v.length; i++) { out.push(__copy(v[i])); } return out; }
      out = {};
      for (k in v) { if (typeof v[k] !== 'function') { out[k] = __copy(v[k]); } }
      return out;
    }
    function __parse(s) {
      if (typeof s !== 'string') { return s; }
      var text = s.replace(/^\s+|\s+$/g, '');
      if (text.indexOf('\x60\x60\x60') === 0) { text = text.replace(/^\x60\x60\x60[a-zA-Z]*\s*/, '').replace(/\s*\x60\x60\x60$/, ''); }
      try { return JSON.parse(text); } catch (e) { return undefined; }
    }
    """#

    /// Wraps a body in an IIFE, with the shared helpers in scope when `helpers` is true.
    static func iife(_ body: String, helpers: Bool = false) -> String {
        "(function() {\n" + (helpers ? jsonHelpers + "\n" : "") + body + "\n})()"
    }

    /// A JavaScript literal for a JSON value (JSON is valid JS once U+2028/U+2029 are escaped).
    static func literal(_ value: JSONValue) -> String {
        let text = CompiledJSON.compactText(value)
        // Both separators start with the byte E2 in UTF-8; most texts have none, and Foundation's replacing is slow.
        guard text.utf8.contains(0xE2) else { return text }
        return text
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    /// A JavaScript string literal.
    static func literal(_ text: String) -> String { literal(JSONValue.string(text)) }

    /// `$.ctx || {}`: the workflow input context, or an empty map.
    static let nullCoalesce = "(function() { return $.ctx || {}; })()"

    /// Result coercion: `''` for null, JSON text for objects and lists, `String(v)` otherwise.
    static let coerce = iife(#"""
    var v = $.raw;
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'object') { return __json(v); }
    return String(v);
    """#, helpers: true)
}
