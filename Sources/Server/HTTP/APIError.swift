import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered as JSON: `{"status": 404, "message": "...", "error": "..."}`.
///
/// `message` is Conductor's field, `error` the Agentspan agent API's; both carry the same text.
struct APIError: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: JSONValueBox] = [
            "status": .int(status.code), "message": .string(message), "error": .string(message),
            "retryable": .bool(status.code >= 500),
        ]
        let data = (try? JSONEncoder.api.encode(body)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The few scalar shapes an error body needs, without pulling the Workflow model into this file.
enum JSONValueBox: Encodable, Sendable {
    case int(Int), string(String), bool(Bool)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}

extension JSONEncoder {
    /// The encoder of every API response: sorted keys, unescaped slashes.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
