import Foundation
import Synchronization

/// Fans committed journal entries out to live subscribers.
final class JournalFeed: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<JournalEntry>.Continuation]>([:])

    func subscribe() -> AsyncStream<JournalEntry> {
        let (stream, continuation) = AsyncStream<JournalEntry>.makeStream(bufferingPolicy: .unbounded)
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ entries: [JournalEntry]) {
        guard !entries.isEmpty else { return }
        let all = subscribers.withLock { Array($0.values) }
        for c in all { for e in entries { c.yield(e) } }
    }

    func finish() {
        let all = subscribers.withLock { s in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for c in all { c.finish() }
    }
}
