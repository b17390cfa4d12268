import AgentRuntime
import AsyncHTTPClient
import Engine
import Foundation
import Logging
import NIOCore
import Server
import ServiceLifecycle
import TestSupport
import Testing
import Tracing

/// A probe agent whose one command tool prints the `TRACEPARENT` it was given, its cassette, and a real server.
enum ObservabilityFixture {
    static let spec = """
        name: probe_agent
        model: openai/gpt-4o
        instructions: You probe the trace context.
        tools:
          - name: show_trace
            description: Print the trace context the tool was given.
            inputSchema: {type: object, properties: {}}
            run:
              command: [/bin/sh, -c, 'printf "%s" "$TRACEPARENT"']
              timeoutSeconds: 20
        """

    static let cassette = """
        conversations:
          - match: {model: openai/gpt-4o, prompt: probe}
            turns:
              - content: Looking at the trace context.
                toolCalls:
                  - name: show_trace
                    arguments: {}
                usage: {promptTokens: 30, completionTokens: 7}
              - content: The tool saw its trace context.
                usage: {promptTokens: 50, completionTokens: 9}
        """

    /// The spec's path, in a fresh directory beside its cassette.
    static func files() throws -> (spec: String, cassette: String) {
        let directory = try makeTemporaryDirectory(prefix: "agentspanc-observability")
        let spec = directory + "/probe_agent.yaml"
        let cassette = directory + "/probe_agent.cassette.yaml"
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        try Self.cassette.write(toFile: cassette, atomically: true, encoding: .utf8)
        return (spec, cassette)
    }

    /// Starts a server on a free loopback port; returns its URL and a way to stop it.
    static func server(
        cassette: String, apiKey: String? = nil, tracer: (any Tracer)? = nil, telemetryServices: [any Service] = []
    ) async throws -> (url: String, stop: @Sendable () async -> Void) {
        var logger = Logger(label: "test.observability")
        logger.logLevel = .critical
        let llm = try CassetteProvider(contentsOf: URL(fileURLWithPath: cassette))
        var configuration = ServerConfiguration(port: 0, apiKey: apiKey, llm: llm, logger: logger)
        configuration.tracer = tracer
        configuration.telemetryServices = telemetryServices
        let server = try AgentspancServer(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run(onListening: { continuation.yield($0); continuation.finish() }) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return ("http://127.0.0.1:\(port)", { task.cancel(); _ = try? await task.value })
    }

    /// GET `url`: the status and body text.
    static func get(_ url: String, apiKey: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}

/// One sample of the Prometheus text format: `name{label="value",…} number`.
struct PrometheusSample: Hashable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// Reads the samples of a text exposition; fails the test on a line that is not a comment, blank or a sample.
func parsePrometheus(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [PrometheusSample] {
    var samples: [PrometheusSample] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            Issue.record("not a sample: \(line)", sourceLocation: sourceLocation)
            continue
        }
        let series = line[..<space]
        var labels: [String: String] = [:]
        var name = String(series)
        if let brace = series.firstIndex(of: "{"), series.hasSuffix("}") {
            name = String(series[..<brace])
            var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
            while let equals = rest.firstIndex(of: "=") {
                let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ","))
                let afterQuote = rest.index(equals, offsetBy: 2)
                guard let close = rest[afterQuote...].firstIndex(of: "\"") else { break }
                labels[key] = String(rest[afterQuote..<close])
                rest = rest[rest.index(after: close)...]
            }
        }
        samples.append(PrometheusSample(name: name, labels: labels, value: value))
    }
    return samples
}

extension [PrometheusSample] {
    /// The value of the sample with this name and (at least) these labels; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }
}
