import Foundation
import Synchronization

/// Dedicated threads for scripts evaluated off the write transaction. A script may spin for its whole time limit;
/// on Swift's cooperative pool (one thread per core) a few such scripts would stall every other task of the
/// process, so they run here instead, at most `width` at a time, in arrival order. The width is not tied to the
/// cores: with one thread per core, a handful of runaway scripts of one execution would queue every other
/// execution's slow script behind their whole time limits, while the operating system shares the cores fairly.
final class ScriptThreads: Sendable {
    /// The process-wide pool.
    static let shared = ScriptThreads(width: 8)

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    init(width: Int) {
        for i in 0..<width {
            let thread = Thread { [self] in self.work() }
            thread.name = "agentspanc-script-\(i)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            jobs.withLock { $0.append { continuation.resume(returning: body()) } }
            available.signal()
        }
    }

    private func work() -> Never {
        while true {
            available.wait()
            let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            job?()
        }
    }
}
