import CJavaScriptCore
import Foundation
import Workflow

/// Why a script did not produce a value.
public enum ScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The script threw or did not parse; the message is JavaScript's.
    case evaluation(String)
    /// The script ran longer than the time limit.
    case timeout(seconds: Double)

    public var description: String {
        switch self {
        case .evaluation(let message): return "Error evaluating the script: \(message)"
        case .timeout(let seconds): return "Script execution exceeded the time limit of \(seconds) s"
        }
    }
}

/// Evaluates Conductor scripts (INLINE, SWITCH, DO_WHILE conditions) with JavaScriptCore.
///
/// `$` is bound to the inputs as plain JS objects and arrays that also carry non-enumerable `get`, `size`,
/// `containsKey`, `isEmpty` helpers, so scripts written for Conductor's Java maps run unchanged. Each evaluation
/// gets a fresh global context (top-level `const` is safe to repeat); the shared context group carries the
/// execution time limit. JavaScriptCore contexts are not thread-safe, so every evaluation holds a lock.
public final class ScriptEvaluator: @unchecked Sendable {
    // @unchecked: `group` is only touched while `lock` is held.
    private let lock = NSLock()
    private let group: JSContextGroupRef
    /// Wall-clock limit per evaluation, in seconds.
    public let timeLimit: Double

    private static let prelude = """
        (function decorate(v) {
          if (v === null || typeof v !== 'object') return v;
          var hidden = function (name, fn) {
            Object.defineProperty(v, name, { value: fn, enumerable: false, writable: true, configurable: true });
          };
          if (Array.isArray(v)) {
            hidden('get', function (i) { return this[i]; });
            hidden('size', function () { return this.length; });
            hidden('isEmpty', function () { return this.length === 0; });
            hidden('contains', function (x) { return this.indexOf(x) >= 0; });
            for (var i = 0; i < v.length; i++) decorate(v[i]);
          } else {
            hidden('get', function (k) { return Object.prototype.hasOwnProperty.call(this, k) ? this[k] : null; });
            hidden('size', function () { return Object.keys(this).length; });
            hidden('isEmpty', function () { return Object.keys(this).length === 0; });
            hidden('containsKey', function (k) { return Object.prototype.hasOwnProperty.call(this, k); });
            hidden('keySet', function () { return Object.keys(this); });
            hidden('values', function () { var s = this; return Object.keys(s).map(function (k) { return s[k]; }); });
            for (var k in v) decorate(v[k]);
          }
          return v;
        })($);
        """

    /// Creates an evaluator whose scripts are stopped after `timeLimit` seconds.
    public init(timeLimit: Double = 4) {
        self.timeLimit = timeLimit
        group = JSContextGroupCreate()
        JSContextGroupSetExecutionTimeLimit(group, timeLimit, nil, nil)
    }

    deinit {
        JSContextGroupRelease(group)
    }

    /// Evaluates `script` as a program with `$` bound to `input`; returns its completion value as JSON
    /// (`undefined` and functions become null).
    public func evaluate(_ script: String, input: [String: JSONValue]) throws(ScriptError) -> JSONValue {
        let inputJSON = JSONValue.object(input).jsonText()
        lock.lock()
        defer { lock.unlock() }
        guard let context = JSGlobalContextCreateInGroup(group, nil) else {
            throw .evaluation("cannot create a JavaScript context")
        }
        defer { JSGlobalContextRelease(context) }
        let global = JSContextGetGlobalObject(context)
        let json = JSString(inputJSON)
        guard let value = JSValueMakeFromJSONString(context, json.ref) else {
            throw .evaluation("inputs are not valid JSON")
        }
        let dollar = JSString("$")
        JSObjectSetProperty(context, global, dollar.ref, value, JSPropertyAttributes(kJSPropertyAttributeNone), nil)
        _ = try run(Self.prelude, in: context)
        let result = try run(script, in: context)
        var exception: JSValueRef?
        guard let text = JSValueCreateJSONString(context, result, 0, &exception) else {
            if exception != nil { throw .evaluation(Self.message(of: exception, in: context)) }
            return .null
        }
        defer { JSStringRelease(text) }
        return (try? JSONValue.parse(Self.string(text))) ?? .null
    }

    private func run(_ source: String, in context: JSGlobalContextRef) throws(ScriptError) -> JSValueRef? {
        let script = JSString(source)
        var exception: JSValueRef?
        let started = ContinuousClock.now
        let result = JSEvaluateScript(context, script.ref, nil, nil, 1, &exception)
        if exception != nil {
            let message = Self.message(of: exception, in: context)
            let elapsed = ContinuousClock.now - started
            if message.contains("execution terminated") || elapsed >= .seconds(timeLimit) {
                throw .timeout(seconds: timeLimit)
            }
            throw .evaluation(message)
        }
        return result
    }

    private static func message(of exception: JSValueRef?, in context: JSGlobalContextRef) -> String {
        guard let exception, let text = JSValueToStringCopy(context, exception, nil) else { return "unknown error" }
        defer { JSStringRelease(text) }
        return string(text)
    }

    private static func string(_ ref: JSStringRef) -> String {
        let size = JSStringGetMaximumUTF8CStringSize(ref)
        var buffer = [CChar](repeating: 0, count: size)
        _ = JSStringGetUTF8CString(ref, &buffer, size)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension ScriptEvaluator {
    /// ``evaluate(_:input:)`` as a `Result`, for callers inside untyped `throws` contexts.
    func result(_ script: String, input: [String: JSONValue]) -> Result<JSONValue, ScriptError> {
        do throws(ScriptError) {
            return .success(try evaluate(script, input: input))
        } catch {
            return .failure(error)
        }
    }
}

/// Owns a `JSStringRef` for the duration of one call.
private final class JSString {
    let ref: JSStringRef
    init(_ text: String) { ref = JSStringCreateWithUTF8CString(text) }
    deinit { JSStringRelease(ref) }
}
