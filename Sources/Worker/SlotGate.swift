import Synchronization

/// Counts the running tasks of one task name against the worker's concurrency, and lets the poller wait
/// for a free slot.
final class SlotGate: Sendable {
    private struct State {
        var inUse = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Slots not in use.
    var free: Int { state.withLock { capacity - $0.inUse } }

    /// Marks `count` slots as used.
    func acquire(_ count: Int = 1) {
        state.withLock { $0.inUse += count }
    }

    /// Frees one slot and wakes the waiting poller.
    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.inUse -= 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns when a slot is free or the calling task is cancelled. One waiter at a time (the poller).
    func waitForFree() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.inUse < capacity || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
