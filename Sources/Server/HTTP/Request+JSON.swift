import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Workflow

extension Request {
    /// Reads and decodes a JSON body, answering 400 with the decoder's complaint and 413 when it is too large.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, context: ServerRequestContext) async throws -> T {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("request body is empty; expected JSON") }
        try Self.checkNesting(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest("malformed JSON body: \(error.humanReadable)")
        } catch {
            throw APIError.badRequest("malformed JSON body: \(error)")
        }
    }

    /// Reads a JSON body that may be empty (clients send `{}` or nothing on control endpoints).
    mutating func decodeOptionalJSON<T: Decodable>(_ type: T.Type, context: ServerRequestContext) async throws -> T? {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        let text = String(buffer: buffer).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        try Self.checkNesting(text.utf8)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw APIError.badRequest("malformed JSON body: \(error.humanReadable)")
        }
    }

    /// Refuses a body nested deeper than ``JSONNesting/maxDepth`` before it is decoded.
    private static func checkNesting(_ bytes: some Sequence<UInt8>) throws {
        if let offset = JSONNesting.firstOffset(deeperThan: JSONNesting.maxDepth, in: bytes) {
            throw APIError.badRequest(
                "malformed JSON body: nested deeper than \(JSONNesting.maxDepth) levels (at byte \(offset))")
        }
    }

    /// A query parameter, decoded as a form value: `+` is a space, then percent-escapes, as Conductor's servlet
    /// container reads them (conductor-python sends `?reason=done+testing`).
    func query(_ name: String) -> String? {
        guard let raw = uri.query else { return nil }
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if Self.formDecode(parts[0]) == name { return parts.count > 1 ? Self.formDecode(parts[1]) : "" }
        }
        return nil
    }

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A path parameter that the route guarantees, percent-decoded (`my%20flow` is `my flow`).
    func parameter(_ name: String, _ context: ServerRequestContext) throws -> String {
        guard let raw = context.parameters.get(name) else { throw APIError.badRequest("missing path parameter \(name)") }
        guard let value = raw.removingPercentEncoding else {
            throw APIError.badRequest("path parameter \(name): '\(raw)' has an invalid percent-escape")
        }
        return value
    }
}

extension DecodingError {
    /// "at tasks[0].name: expected String" style text.
    var humanReadable: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "<root>" : text)
        }
        switch self {
        case .typeMismatch(let type, let context): return "at \(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "at \(path(context.codingPath)): missing \(type) value"
        case .keyNotFound(let key, let context):
            return "at \(path(context.codingPath + [key])): required key '\(key.stringValue)' is missing"
        case .dataCorrupted(let context):
            return "at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}

/// Response builders.
enum Reply {
    /// A JSON body with sorted keys.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.api.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A `text/plain` body (Conductor answers ids this way).
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An empty 200.
    static var ok: Response { Response(status: .ok) }
    /// An empty 204.
    static var noContent: Response { Response(status: .noContent) }
}
