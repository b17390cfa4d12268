import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// A tracer and the OTLP exporter it feeds.
public struct TracingBackend: Sendable {
    /// Makes the spans.
    public let tracer: any Tracer
    /// Exports finished spans in batches. Run it in the process's `ServiceGroup`, before the services whose spans
    /// it exports: it stops after them and flushes what is left as it stops.
    public let service: any Service
}

/// An `OTEL_*` setting agentspanc cannot honour, said in one sentence naming the variable.
public struct TelemetryError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// OpenTelemetry traces over OTLP/HTTP, configured by the standard `OTEL_*` environment variables (docs/metrics.md).
///
/// Tracing is off unless the environment asks for it: `OTEL_TRACES_EXPORTER=otlp` (or `console`), or an
/// `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. `OTEL_SDK_DISABLED=true` or
/// `OTEL_TRACES_EXPORTER=none` turn it off. The rest (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_*_PROTOCOL`
/// `http/protobuf` or `http/json`, headers, timeouts, `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`) is read by swift-otel.
/// gRPC is not built in.
public enum Telemetry {
    /// The wire format of an OTLP/HTTP export.
    public enum OTLPEncoding: Sendable {
        case protobuf, json
    }

    /// Whether `environment` asks for traces; throws for a setting that cannot be honoured.
    public static func tracesRequested(in environment: [String: String]) throws(TelemetryError) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            if let value = environment[name], !value.isEmpty, !["http/protobuf", "http/json"].contains(value) {
                throw TelemetryError(
                    description: "\(name)=\(value): agentspanc exports traces over OTLP/HTTP only; use http/protobuf or http/json")
            }
        }
        if let exporter = environment["OTEL_TRACES_EXPORTER"], !exporter.isEmpty {
            switch exporter.lowercased() {
            case "none": return false
            case "otlp", "console": return true
            default:
                throw TelemetryError(description: "OTEL_TRACES_EXPORTER=\(exporter): supported exporters are otlp, console and none")
            }
        }
        return ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains {
            !(environment[$0] ?? "").isEmpty
        }
    }

    /// The tracing the process environment configures, or nil when it asks for none.
    /// - Parameter serviceName: `service.name` unless `OTEL_SERVICE_NAME` sets one.
    public static func tracingFromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, serviceName: String
    ) throws(TelemetryError) -> TracingBackend? {
        guard try tracesRequested(in: environment) else { return nil }
        return try backend(configuration(serviceName: serviceName))
    }

    /// Tracing that exports to `endpoint` (the collector's base URL; spans go to `/v1/traces`) whatever the
    /// environment's endpoint, checking for finished spans every `scheduleDelay`.
    public static func tracing(
        endpoint: String, encoding: OTLPEncoding = .protobuf, serviceName: String, scheduleDelay: Duration = .seconds(5)
    ) throws(TelemetryError) -> TracingBackend {
        var configuration = configuration(serviceName: serviceName)
        configuration.traces.exporter = .otlp
        // Set in code, the endpoint is used as it is: the signal's path is added here.
        configuration.traces.otlpExporter.endpoint = (endpoint.hasSuffix("/") ? endpoint : endpoint + "/") + "v1/traces"
        configuration.traces.otlpExporter.protocol = encoding == .json ? .httpJSON : .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = scheduleDelay
        return try backend(configuration)
    }

    private static func configuration(serviceName: String) -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(Logger(label: "agentspanc.otel"))
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        return configuration
    }

    private static func backend(_ configuration: OTel.Configuration) throws(TelemetryError) -> TracingBackend {
        do {
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            return TracingBackend(tracer: backend.factory, service: backend.service)
        } catch {
            throw TelemetryError(description: "cannot set up the OTLP trace exporter: \(error)")
        }
    }
}
