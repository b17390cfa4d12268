import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Workflow

/// HTTP: one request from `http_request` (or the top-level input): `uri`, `method`, `headers`, `body`,
/// `accept`, `contentType`, `readTimeOut` (ms). 2xx → COMPLETED, else FAILED with the body as reason; output
/// `{response: {body, headers, statusCode, reasonPhrase}}`. `#{NAME}` in header values is a configured secret.
enum HTTPTask {
    static func run(
        _ input: [String: JSONValue], client: HTTPClient, credentials: CredentialReferences = .init(values: [:])
    ) async -> EngineTaskOutcome {
        let spec = input[value: "http_request"].objectValue ?? input
        guard let uri = spec["uri"]?.stringValue, !uri.isEmpty else {
            return EngineTaskOutcome(status: .failed, output: [:], reason: "Missing HTTP URI")
        }
        let method = spec["method"]?.stringValue ?? "GET"
        var request = HTTPClientRequest(url: uri)
        request.method = HTTPMethod(rawValue: method.uppercased())
        for (name, value) in spec["headers"]?.objectValue ?? [:] {
            do {
                request.headers.add(name: name, value: try credentials.resolve(value.javaString))
            } catch {
                return EngineTaskOutcome(status: .failedWithTerminalError, output: [:], reason: error.description)
            }
        }
        let accept = spec["accept"].flatMap { $0.stringValue ?? $0.arrayValue?.first?.stringValue } ?? "application/json"
        if !request.headers.contains(name: "Accept") { request.headers.add(name: "Accept", value: accept) }
        if let body = spec["body"], body != .null {
            let text = body.stringValue ?? body.jsonText()
            request.body = .bytes(ByteBuffer(string: text))
            if !request.headers.contains(name: "Content-Type") {
                request.headers.add(name: "Content-Type", value: spec["contentType"]?.stringValue ?? "application/json")
            }
        }
        let timeout = spec["readTimeOut"]?.intValue ?? spec["connectionTimeOut"]?.intValue ?? 3000
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(max(timeout, 1))))
            let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
            let text = String(buffer: buffer)
            let body = (try? JSONValue.parse(text)) ?? .string(text)
            var headers: [String: JSONValue] = [:]
            for (name, value) in response.headers {
                headers[name] = .array((headers[name]?.arrayValue ?? []) + [.string(value)])
            }
            let output: [String: JSONValue] = [
                "response": [
                    "body": body, "headers": .object(headers), "statusCode": .int(Int(response.status.code)),
                    "reasonPhrase": .string(response.status.reasonPhrase),
                ]
            ]
            let ok = (200..<300).contains(response.status.code)
            return EngineTaskOutcome(status: ok ? .completed : .failed, output: output, reason: ok ? nil : text)
        } catch {
            return EngineTaskOutcome(status: .failed, output: [:], reason: "HTTP request failed: \(error)")
        }
    }
}
