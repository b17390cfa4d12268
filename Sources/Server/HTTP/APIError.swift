import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered as JSON: `{"status": 404, "message": "...", "error": "..."}`.
///
/// `message` is Conductor's field, `error` the Agentspan agent API's; both carry the same text.
struct APIError: HTTPResponseError, CustomStringConvertible, Sendable {
    let status: HTTPResponse.Status
    let message: String
    /// Extra response headers (`Allow` of a 405).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// The message alone, so an interpolated error never shows Swift's debug form.
    var description: String { message }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }

    /// The text a client may see for any error: its message when it is an API or a non-internal engine error, a
    /// plain sentence otherwise (the details belong in the log).
    static func publicMessage(of error: any Error) -> String {
        if let error = error as? APIError { return error.message }
        if let error = error as? EngineError, error.code != .internal { return error.message }
        return ErrorMappingMiddleware.internalMessage
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: JSONValueBox] = [
            "status": .int(status.code), "message": .string(message), "error": .string(message),
            "retryable": .bool(status.code >= 500),
        ]
        let data = (try? JSONEncoder.api.encode(body)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
