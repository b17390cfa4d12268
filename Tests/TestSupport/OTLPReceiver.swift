import Foundation
import Hummingbird
import Synchronization
import Workflow

/// A loopback OTLP/HTTP receiver: keeps every span of every `POST /v1/traces` (JSON encoding).
public final class OTLPReceiver: Sendable {
    /// One received span; ids in lowercase hex.
    public struct ReceivedSpan: Sendable, Hashable {
        public var service: String
        public var name: String
        public var traceID: String
        public var spanID: String
        public var parentSpanID: String
        public var attributes: [String: String]
    }

    private final class Received: Sendable {
        let spans = Mutex<[ReceivedSpan]>([])
    }

    private let received: Received
    public let port: Int
    private let task: Task<Void, any Error>

    /// Every span received so far.
    public var spans: [ReceivedSpan] { received.spans.withLock { $0 } }

    /// Starts listening on a free loopback port.
    public init() async throws {
        let router = Router()
        let received = Received()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            let spans = OTLPReceiver.spans(of: try JSONValue.parse(String(buffer: body)))
            received.spans.withLock { $0 += spans }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        (port, task) = try await startLoopbackApplication(router, label: "test.otlp")
        self.received = received
    }

    public func stop() { task.cancel() }

    /// The spans of an `ExportTraceServiceRequest` in OTLP JSON.
    public static func spans(of request: JSONValue) -> [ReceivedSpan] {
        var spans: [ReceivedSpan] = []
        for resource in request["resourceSpans"].arrayValue ?? [] {
            let service = (resource["resource"]["attributes"].arrayValue ?? [])
                .first { $0["key"].stringValue == "service.name" }?["value"]["stringValue"].stringValue ?? ""
            for scope in resource["scopeSpans"].arrayValue ?? [] {
                for span in scope["spans"].arrayValue ?? [] {
                    var attributes: [String: String] = [:]
                    for attribute in span["attributes"].arrayValue ?? [] {
                        guard let key = attribute["key"].stringValue else { continue }
                        let value = attribute["value"]
                        attributes[key] = value["stringValue"].stringValue ?? value["intValue"].stringValue
                            ?? value["intValue"].intValue.map(String.init) ?? value.jsonText()
                    }
                    spans.append(
                        ReceivedSpan(
                            service: service, name: span["name"].stringValue ?? "",
                            traceID: hex(span["traceId"].stringValue ?? "", bytes: 16),
                            spanID: hex(span["spanId"].stringValue ?? "", bytes: 8),
                            parentSpanID: hex(span["parentSpanId"].stringValue ?? "", bytes: 8), attributes: attributes))
                }
            }
        }
        return spans
    }

    /// OTLP JSON writes ids as hex; protobuf's JSON mapping writes bytes as base64. Either way, lowercase hex.
    static func hex(_ text: String, bytes: Int) -> String {
        if text.count == bytes * 2, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let data = Data(base64Encoded: text) else { return text }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}
