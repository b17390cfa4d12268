import Foundation
import Synchronization

/// Long-poll wake-ups: pollers park here per queue and are resumed as soon as a commit makes a task ready on
/// their queue. A per-queue generation counter closes the race between "found nothing" and "parked".
final class PollWaiters: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var generations: [String: UInt64] = [:]
        var waiters: [String: [Waiter]] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The queue's current generation; read it before looking for tasks.
    func generation(of queue: String) -> UInt64 {
        state.withLock { $0.generations[queue, default: 0] }
    }

    /// Wakes everyone parked on these queues.
    func signal(_ queues: some Sequence<String>) {
        let woken = state.withLock { s -> [Waiter] in
            var all: [Waiter] = []
            for q in queues {
                s.generations[q, default: 0] &+= 1
                all += s.waiters.removeValue(forKey: q) ?? []
            }
            return all
        }
        for w in woken { w.continuation.resume() }
    }

    /// Parks until the queue is signalled after `generation`, or until `deadline`.
    func wait(on queue: String, since generation: UInt64, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID &+= 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { s -> Bool in
                    guard s.generations[queue, default: 0] == generation, !Task.isCancelled else { return false }
                    s.waiters[queue, default: []].append(Waiter(id: id, continuation: continuation))
                    return true
                }
                guard parked else {
                    continuation.resume()
                    return
                }
                Task {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    self.cancel(id, on: queue)
                }
            }
        } onCancel: {
            self.cancel(id, on: queue)
        }
    }

    private func cancel(_ id: UInt64, on queue: String) {
        let waiter = state.withLock { s -> Waiter? in
            guard let i = s.waiters[queue]?.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters[queue]!.remove(at: i)
        }
        waiter?.continuation.resume()
    }
}
