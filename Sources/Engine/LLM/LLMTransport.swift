import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Workflow

/// The HTTP leg shared by every provider: POST a JSON body, bound each attempt by a timeout, retry transient
/// failures (408, 429, 5xx, connection errors, timeouts) per ``RetryPolicy`` and turn everything else into an
/// ``LLMError``.
public struct LLMTransport: Sendable {
    /// The client requests go through (``sharedHTTPClient`` unless the caller passes its own).
    public var httpClient: HTTPClient
    /// Upper bound of one attempt, from connecting to the last byte of the response body.
    public var timeout: Duration
    /// Retries of 429, 5xx, connection errors and timeouts.
    public var retry: RetryPolicy
    /// Larger response bodies are an error (protects the engine from a runaway server).
    public var maxResponseBytes: Int

    public init(
        httpClient: HTTPClient = LLMTransport.sharedHTTPClient, timeout: Duration = .seconds(300),
        retry: RetryPolicy = .standard,
        maxResponseBytes: Int = 32 << 20
    ) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.retry = retry
        self.maxResponseBytes = maxResponseBytes
    }

    /// What one attempt came back with.
    private enum Attempt: Sendable {
        case success(Data, contentType: String?)
        case httpError(status: Int, message: String, retryAfter: Duration?)
        case transportError(String)
    }

    /// A successful answer's bytes and media type.
    struct Payload: Sendable {
        var data: Data
        var contentType: String?
    }

    /// Posts `body` as JSON to `url` and returns the parsed JSON answer.
    ///
    /// - Parameters:
    ///   - label: names the call in error messages (`openai/gpt-4o`).
    ///   - keyVariable: the environment variable the credential came from; a 401 or 403 names it.
    /// - Throws: ``LLMError``: retryable when the attempts ran out on 408/429/5xx/connection errors/timeouts,
    ///   non-retryable for other 4xx (with the provider's own error message) and for an unreadable answer.
    func postJSON(
        url: String, headers: [(String, String)], body: JSONValue, label: String, keyVariable: String? = nil
    ) async throws -> JSONValue {
        let payload = try await request(
            method: .POST, url: url, headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + headers,
            body: Data(body.jsonText().utf8), label: label, keyVariable: keyVariable)
        return try Self.json(payload.data, label: label)
    }

    /// Parses an answer as JSON, or fails naming the call and showing the start of what came back.
    static func json(_ data: Data, label: String) throws -> JSONValue {
        guard let json = try? JSONValue.parse(data) else {
            let preview = String(decoding: data.prefix(300), as: UTF8.self)
            throw LLMError(message: "\(label): the provider answered with invalid JSON: \(preview)")
        }
        return json
    }

    /// Sends one request with the retry policy and returns the answer's bytes (JSON, an image, audio, …).
    ///
    /// - Parameter headers: every header, `Content-Type` and `Accept` included.
    /// - Throws: ``LLMError`` as ``postJSON(url:headers:body:label:keyVariable:)`` does.
    func request(
        method: HTTPMethod, url: String, headers: [(String, String)], body: Data?, label: String,
        keyVariable: String? = nil
    ) async throws -> Payload {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }

        var attempt = 0
        while true {
            attempt += 1
            let outcome = try await send(request)
            let retryAfter: Duration?
            switch outcome {
            case .success(let data, let contentType):
                return Payload(data: data, contentType: contentType)
            case .httpError(let status, let message, let after) where status == 408 || status == 429 || status >= 500:
                if attempt >= retry.maxAttempts {
                    throw LLMError(
                        message: "\(label): HTTP \(status) after \(attempt) attempts: \(message)", retryable: true,
                        status: status)
                }
                retryAfter = after
            case .httpError(let status, let message, _):
                var text = "\(label): HTTP \(status): \(message)"
                if let keyVariable, status == 401 || status == 403 || Self.isKeyRejection(message) {
                    text += " (the provider refused the credentials in \(keyVariable))"
                }
                throw LLMError(message: text, retryable: false, status: status)
            case .transportError(let message):
                if attempt >= retry.maxAttempts {
                    throw LLMError(message: "\(label): \(message) (after \(attempt) attempts)", retryable: true)
                }
                retryAfter = nil
            }
            try await Task.sleep(for: retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
        }
    }

    /// Providers that answer a bad key with 400 instead of 401 (Gemini: "API key not valid").
    static func isKeyRejection(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("api key not valid") || lower.contains("invalid api key") || lower.contains("api_key_invalid")
    }

    /// One attempt, raced against the timeout (the client's own deadline does not cover reading the body).
    private func send(_ request: HTTPClientRequest) async throws -> Attempt {
        let client = httpClient
        let limit = maxResponseBytes
        let timeout = timeout
        return try await withThrowingTaskGroup(of: Attempt?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(request, deadline: .distantFuture)
                    let bytes = try await response.body.collect(upTo: limit)
                    let data = Data(bytes.readableBytesView)
                    let status = Int(response.status.code)
                    if (200..<300).contains(status) {
                        return .success(data, contentType: response.headers.first(name: "Content-Type"))
                    }
                    return .httpError(
                        status: status,
                        message: Self.errorMessage(in: data, reason: response.status.reasonPhrase),
                        retryAfter: response.headers.first(name: "Retry-After").flatMap(Self.parseRetryAfter))
                } catch is CancellationError {
                    return nil
                } catch {
                    if Task.isCancelled { return nil }
                    return .transportError("request to \(request.url) failed: \(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            try Task.checkCancellation()
            return first ?? .transportError("request to \(request.url) timed out after \(timeout)")
        }
    }

    /// The provider's own error text: `error.message` (OpenAI, Anthropic, Gemini), `error` (Ollama), `message`
    /// (Bedrock, Cohere), `detail`, `errors` (Stability), or the body.
    static func errorMessage(in data: Data, reason: String) -> String {
        if let json = try? JSONValue.parse(data) {
            if let message = json["error"]["message"].stringValue ?? json["error"].stringValue
                ?? json["message"].stringValue ?? json["Message"].stringValue ?? json["detail"].stringValue
            {
                return message
            }
            if let errors = json["errors"].arrayValue?.compactMap(\.stringValue), !errors.isEmpty {
                return errors.joined(separator: "; ")
            }
        }
        let text = String(decoding: data.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? reason : text
    }

    /// `Retry-After` as delta-seconds (possibly fractional) or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64(saturating: seconds * 1000))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let seconds = max(0, date.timeIntervalSinceNow)
        return .milliseconds(Int64(saturating: seconds * 1000))
    }
}

extension LLMTransport {
    /// The process-wide client for LLM calls. Unlike `HTTPClient.shared` it has no read timeout (a completion may
    /// take minutes before its first byte; ``timeout`` bounds each attempt instead), fails a refused connection at
    /// once instead of retrying it internally until the connect timeout (``RetryPolicy`` does the retrying), and
    /// keeps up to 64 connections per host because every running agent holds one for the length of a completion.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// `base` + `path` with exactly one slash between them.
    static func join(_ base: String, _ path: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }
}
