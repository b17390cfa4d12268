import CJavaScriptCore
import Foundation
import Workflow

/// Why a script did not produce a value.
public enum ScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The script threw or did not parse; the message is JavaScript's.
    case evaluation(String)
    /// The script ran longer than the time limit.
    case timeout(seconds: Double)
    /// The script's heap grew beyond the memory limit.
    case memoryLimit(bytes: Int)

    public var description: String {
        switch self {
        case .evaluation(let message): return "Error evaluating the script: \(message)"
        case .timeout(let seconds): return "Script execution exceeded the time limit of \(seconds) s"
        case .memoryLimit(let bytes):
            return "Script execution exceeded the memory limit of \(bytes / (1 << 20)) MiB (its heap grew beyond it)"
        }
    }
}

/// Evaluates Conductor scripts (INLINE, SWITCH, DO_WHILE conditions) with JavaScriptCore.
///
/// `$` is bound to the inputs as plain JS objects and arrays that also carry non-enumerable `get`, `size`,
/// `containsKey`, `isEmpty` helpers, so scripts written for Conductor's Java maps run unchanged. Each evaluation
/// gets its own virtual machine (context group): evaluations on different threads run in parallel instead of
/// queueing behind one lock, and everything a script allocated is freed when it ends. A watchdog looks at the
/// clock and at the VM's heap every few milliseconds and stops the script past its time limit or heap limit.
public final class ScriptEvaluator: Sendable {
    /// Wall-clock limit per evaluation, in seconds.
    public let timeLimit: Double
    /// Heap limit per evaluation, in bytes.
    public let heapLimit: Int
    /// How often the watchdog looks (seconds).
    static let watchInterval = 0.005

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

    /// Creates an evaluator whose scripts are stopped after `timeLimit` seconds or when their heap grows beyond
    /// `heapLimit` bytes (256 MiB unless given).
    public init(timeLimit: Double = 4, heapLimit: Int = 256 << 20) {
        self.timeLimit = timeLimit
        self.heapLimit = heapLimit
    }

    /// Evaluates `script` as a program with `$` bound to `input`; returns its completion value as JSON
    /// (`undefined` and functions become null). `timeLimit` overrides the evaluator's (never beyond it).
    public func evaluate(_ script: String, input: [String: JSONValue], timeLimit: Double? = nil) throws(ScriptError) -> JSONValue {
        let limit = min(timeLimit ?? self.timeLimit, self.timeLimit)
        let inputJSON = JSONValue.object(input).jsonText()
        let group = JSContextGroupCreate()
        defer { JSContextGroupRelease(group) }
        let watch = Watch(deadline: ContinuousClock.now + .seconds(limit), heapLimit: heapLimit)
        let watchPointer = Unmanaged.passRetained(watch)
        defer { watchPointer.release() }
        JSContextGroupSetExecutionTimeLimit(group, min(Self.watchInterval, limit), Watch.callback, watchPointer.toOpaque())
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
        _ = try run(Self.prelude, in: context, watch: watch, limit: limit)
        let result = try run(script, in: context, watch: watch, limit: limit)
        var exception: JSValueRef?
        guard let text = JSValueCreateJSONString(context, result, 0, &exception) else {
            if exception != nil { throw .evaluation(Self.message(of: exception, in: context)) }
            return .null
        }
        defer { JSStringRelease(text) }
        return (try? JSONValue.parse(Self.string(text))) ?? .null
    }

    private func run(_ source: String, in context: JSGlobalContextRef, watch: Watch, limit: Double) throws(ScriptError)
        -> JSValueRef?
    {
        let script = JSString(source)
        var exception: JSValueRef?
        let result = JSEvaluateScript(context, script.ref, nil, nil, 1, &exception)
        if watch.stop == .heap { throw .memoryLimit(bytes: heapLimit) }
        if watch.stop == .time { throw .timeout(seconds: limit) }
        if exception != nil {
            let message = Self.message(of: exception, in: context)
            if message.contains("Out of memory") { throw .memoryLimit(bytes: heapLimit) }
            if message.contains("execution terminated") { throw .timeout(seconds: limit) }
            throw .evaluation(message)
        }
        return result
    }

    /// The state the watchdog callback reads and sets; touched only by the thread running the script.
    private final class Watch {
        enum Stop { case none, time, heap }
        let deadline: ContinuousClock.Instant
        let heapLimit: Int
        var stop = Stop.none

        init(deadline: ContinuousClock.Instant, heapLimit: Int) {
            self.deadline = deadline
            self.heapLimit = heapLimit
        }

        /// Called by JavaScriptCore every ``ScriptEvaluator/watchInterval`` of script execution; true stops it.
        static let callback: JSShouldTerminateCallback = { context, pointer in
            guard let pointer else { return true }
            let watch = Unmanaged<Watch>.fromOpaque(pointer).takeUnretainedValue()
            if ContinuousClock.now >= watch.deadline {
                watch.stop = .time
                return true
            }
            if let context, ScriptEvaluator.heapSize(context) > watch.heapLimit {
                watch.stop = .heap
                return true
            }
            // JavaScriptCore calls back once per arming: arm the watchdog again for the next look.
            if let context, let group = JSContextGetGroup(context) {
                JSContextGroupSetExecutionTimeLimit(group, ScriptEvaluator.watchInterval, Watch.callback, pointer)
            }
            return false
        }
    }

    /// Bytes the VM of `context` holds for JavaScript values (its heap plus out-of-line storage).
    static func heapSize(_ context: JSContextRef) -> Int {
        guard let stats = JSGetMemoryUsageStatistics(context) else { return 0 }
        var total = 0
        for key in ["heapSize", "extraMemorySize"] {
            let name = JSString(key)
            let value = JSObjectGetProperty(context, stats, name.ref, nil)
            let number = JSValueToNumber(context, value, nil)
            if number.isFinite, number > 0 { total += Int(min(number, Double(Int.max / 4))) }
        }
        return total
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
    func result(_ script: String, input: [String: JSONValue], timeLimit: Double? = nil) -> Result<JSONValue, ScriptError> {
        do throws(ScriptError) {
            return .success(try evaluate(script, input: input, timeLimit: timeLimit))
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
