import Tracing

/// How a trace crosses from the server to the worker and from the worker to a tool (W3C Trace Context).
///
/// The server adds the span context of a task's execution to each task it hands out, under ``inputKey`` in the
/// task's input (a key tools never see: the worker removes it with the other internal keys); the worker starts
/// the tool's span as its child and passes that span to a command tool as ``environmentName``.
public enum TracePropagation {
    /// The task input key that carries the W3C `traceparent` of the task's execution.
    public static let inputKey = "_traceparent"
    /// The environment variable with the W3C `traceparent` of a tool call's span.
    public static let environmentName = "TRACEPARENT"
    /// The W3C header name.
    public static let headerName = "traceparent"

    /// The W3C `traceparent` of `context`, as `tracer`'s propagators write it (nil when the context has no span).
    public static func traceparent(of context: InstrumentationContext, tracer: any Tracer) -> String? {
        var headers: [String: String] = [:]
        tracer.inject(context, into: &headers, using: HeaderInjector())
        return headers[headerName]
    }

    /// The context a `traceparent` names, for starting child spans of a span made elsewhere.
    public static func context(traceparent: String, tracer: any Tracer) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        tracer.extract([headerName: traceparent], into: &context, using: HeaderExtractor())
        return context
    }

    /// Epoch milliseconds as a tracer instant, for spans timed by the store's timestamps.
    public static func instant(millisecondsSinceEpoch milliseconds: Int64) -> DefaultTracerClock.Timestamp {
        DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: UInt64(max(0, milliseconds)) * 1_000_000)
    }
}

struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key.lowercased()] = value
    }
}

struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key.lowercased()]
    }
}
