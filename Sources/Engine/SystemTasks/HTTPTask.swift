import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Workflow

/// HTTP: one request from `http_request` (or the top-level input): `uri`, `method`, `headers`, `body`,
/// `accept`, `contentType`, `readTimeOut` (ms). 2xx → COMPLETED, else FAILED with the body as reason; output
/// `{response: {body, headers, statusCode, reasonPhrase}}`. `#{NAME}` in header values is a configured secret, sent
/// only to the hosts it is bound to; redirects are followed here (up to five), so every hop is checked again.
enum HTTPTask {
    /// Redirects followed before the task fails; each hop is checked against the secrets' hosts again.
    static let maxRedirects = 5

    static func run(
        _ input: [String: JSONValue], client: HTTPClient, credentials: CredentialReferences = .init(values: [:])
    ) async -> EngineTaskOutcome {
        let spec = input[value: "http_request"].objectValue ?? input
        guard var uri = spec["uri"]?.stringValue, !uri.isEmpty else {
            return EngineTaskOutcome(status: .failed, output: [:], reason: "Missing HTTP URI")
        }
        var method = HTTPMethod(rawValue: (spec["method"]?.stringValue ?? "GET").uppercased())
        var body: String?
        if let value = spec["body"], value != .null { body = value.stringValue ?? value.jsonText() }
        let accept = spec["accept"].flatMap { $0.stringValue ?? $0.arrayValue?.first?.stringValue } ?? "application/json"
        let timeout = spec["readTimeOut"]?.intValue ?? spec["connectionTimeOut"]?.intValue ?? 3000
        let templates = spec["headers"]?.objectValue ?? [:]
        var dropped: Set<String> = []
        do {
            for hop in 0...maxRedirects {
                let destination = CredentialReferences.Destination(url: uri)
                var request = HTTPClientRequest(url: uri)
                request.method = method
                // A header with a secret is never dropped: it is resolved for the new host again, and refused there
                // unless the secret may go to it.
                for (name, value) in templates where !dropped.contains(name.lowercased()) || value.javaString.contains("#{") {
                    do {
                        request.headers.add(name: name, value: try credentials.resolve(value.javaString, for: destination))
                    } catch {
                        return EngineTaskOutcome(status: .failedWithTerminalError, output: [:], reason: error.description)
                    }
                }
                if !request.headers.contains(name: "Accept") { request.headers.add(name: "Accept", value: accept) }
                if let body {
                    request.body = .bytes(ByteBuffer(string: body))
                    if !request.headers.contains(name: "Content-Type") {
                        request.headers.add(name: "Content-Type", value: spec["contentType"]?.stringValue ?? "application/json")
                    }
                }
                let response = try await client.execute(request, timeout: .milliseconds(Int64(max(timeout, 1))))
                let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
                if hop < maxRedirects, [301, 302, 303, 307, 308].contains(response.status.code),
                   let location = response.headers.first(name: "Location"),
                   let next = URL(string: location, relativeTo: URL(string: uri))?.absoluteURL.absoluteString {
                    // As browsers do: 303 (and 301/302 after a POST) repeat as a GET without the body; credentials
                    // written without a secret reference are not carried to another host.
                    if response.status.code == 303 || (method == .POST && response.status.code < 303) {
                        method = .GET
                        body = nil
                    }
                    if CredentialReferences.Destination(url: next) != destination {
                        dropped.formUnion(["authorization", "cookie", "proxy-authorization"])
                    }
                    uri = next
                    continue
                }
                return outcome(response, body: String(buffer: buffer))
            }
            return EngineTaskOutcome(status: .failed, output: [:], reason: "HTTP request failed: more than \(maxRedirects) redirects")
        } catch {
            return EngineTaskOutcome(status: .failed, output: [:], reason: "HTTP request failed: \(error)")
        }
    }

    private static func outcome(_ response: HTTPClientResponse, body text: String) -> EngineTaskOutcome {
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
    }
}
