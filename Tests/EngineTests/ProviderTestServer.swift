import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Workflow

/// A real HTTP server on 127.0.0.1 (port chosen by the kernel) that plays a provider: it records every request and
/// answers with the scripted replies in order (the last one repeats).
actor ProviderTestServer {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
        /// How long the server waits before answering.
        var delay: Duration = .zero
        /// Raw bytes answered instead of `body` (images, audio).
        var bytes: Data?
        var contentType = "application/json"

        static func json(_ value: JSONValue, status: Int = 200, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, headers: headers, body: value.jsonText())
        }

        static func binary(_ data: Data, contentType: String) -> Reply {
            Reply(status: 200, headers: [:], body: "", bytes: data, contentType: contentType)
        }
    }

    struct Received: Sendable {
        var method = "POST"
        var path: String
        /// The query string, without `?`.
        var query = ""
        var rawBody = Data()
        /// Keyed by lower-cased header name.
        var headers: [String: String]
        var body: JSONValue
    }

    private var replies: [Reply]
    private(set) var received: [Received] = []

    private init(replies: [Reply]) {
        self.replies = replies
    }

    private func take(_ request: Received) -> Reply {
        received.append(request)
        return replies.count > 1 ? replies.removeFirst() : replies[0]
    }

    /// Runs `body` with the base URL (`http://127.0.0.1:PORT`) of a server answering `replies`, then stops it.
    static func with<T: Sendable>(
        _ replies: [Reply], _ body: @Sendable (ProviderTestServer, String) async throws -> T
    ) async throws -> T {
        let server = ProviderTestServer(replies: replies)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 22)
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName] = field.value
            }
            // HTTP/1 `Host` arrives as the request's authority.
            if let authority = request.head.authority { headers["host"] = authority }
            let parsed = (try? JSONValue.parse(String(buffer: bytes))) ?? .string(String(buffer: bytes))
            let reply = await server.take(
                Received(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                    rawBody: Data(bytes.readableBytesView), headers: headers, body: parsed))
            if reply.delay > .zero {
                try await Task.sleep(for: reply.delay)
            }
            var fields = HTTPFields()
            fields[.contentType] = reply.contentType
            for (name, value) in reply.headers {
                fields[HTTPField.Name(name)!] = value
            }
            let buffer = reply.bytes.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: reply.body)
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: buffer))
        }
        router.post("**", use: handler)
        router.get("**", use: handler)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "provider-test-server")
        // Stopping the server by cancellation logs errors that are expected here.
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let result = try await body(server, "http://127.0.0.1:\(port)")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
