import AsyncHTTPClient
import Foundation
import NIOCore
import Workflow

extension AgentClient {
    /// The client used for event streams: an idle-read timeout notices a dead connection (the server sends
    /// heartbeats every 15 s), nothing else bounds the stream's length, and a refused connection is reported
    /// at once (the stream's own loop decides whether to try again).
    static let streamingClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(45)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Events of an execution: every event after `lastEventID`, then live ones, until `done` or the execution's
    /// terminal `error`. A dropped connection is resumed with `Last-Event-ID`, so nothing is lost or repeated.
    public func events(executionID: String, after lastEventID: Int = 0) -> AsyncThrowingStream<AgentStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var last = lastEventID
                var failures = 0
                var connected = false
                while !Task.isCancelled {
                    do {
                        let finished = try await streamOnce(executionID: executionID, after: last, onConnect: { connected = true }) { event in
                            last = max(last, event.id)
                            failures = 0
                            continuation.yield(event)
                        }
                        if finished { continuation.finish(); return }
                        // The server closed the stream without a terminal event (it restarted): resume.
                    } catch let error as ConductorClientError where error.status != nil {
                        continuation.finish(throwing: error)
                        return
                    } catch {
                        if Task.isCancelled { break }
                        failures += 1
                        // A server that was never reached fails at once; one that went away gets time to come back.
                        if !connected || failures > 30 {
                            let reason = conductor.transportFailure(error, deadline: .seconds(45))
                            continuation.finish(throwing: ConductorClientError(
                                status: nil, message: connected ? "lost the event stream: \(reason)" : reason,
                                request: "GET /api/agent/stream/\(executionID)"))
                            return
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(min(200 * (failures + 1), 2000)))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// One connection; returns true when the terminal event arrived.
    private func streamOnce(
        executionID: String, after last: Int, onConnect: () -> Void, onEvent: (AgentStreamEvent) -> Void
    ) async throws -> Bool {
        var request = HTTPClientRequest(url: baseURL + "/api/agent/stream/\(escape(executionID))")
        request.headers.add(name: "Accept", value: "text/event-stream")
        conductor.authorize(&request)
        if last > 0 { request.headers.add(name: "Last-Event-ID", value: String(last)) }
        let response = try await Self.streamingClient.execute(request, timeout: .hours(24 * 365))
        guard response.status.code == 200 else {
            let body = try await response.body.collect(upTo: 1024 * 1024)
            throw ConductorClientError(
                status: Int(response.status.code), message: ConductorClient.errorMessage(Data(body.readableBytesView)),
                request: "GET /api/agent/stream/\(executionID)")
        }
        onConnect()
        var parser = SSEParser()
        let decoder = JSONDecoder()
        for try await buffer in response.body {
            for frame in parser.feed(buffer.readableBytesView) {
                guard let event = try? decoder.decode(AgentStreamEvent.self, from: Data(frame.data.utf8)) else { continue }
                if event.id <= last { continue }
                onEvent(event)
                if event.isTerminal && event.executionId == executionID { return true }
            }
        }
        return false
    }
}
