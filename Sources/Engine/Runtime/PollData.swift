import Foundation
import Synchronization
import Workflow

/// Who polled which task queue last (Conductor's poll data): one entry per queue and worker, kept in memory; a
/// restarted server learns it again from the next polls.
final class PollData: Sendable {
    private let entries = Mutex([String: [String: PollDataEntry]]())
    /// Bounds memory against clients that invent a worker id per poll.
    static let maxWorkersPerQueue = 256

    /// Notes a poll of `taskType` (in `domain`) by `workerID` at `time` (epoch milliseconds).
    func record(taskType: String, domain: String?, workerID: String?, time: Int64) {
        let domain = domain.flatMap { $0.isEmpty ? nil : $0 }
        let queue = domain.map { "\($0):\(taskType)" } ?? taskType
        let worker = workerID.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        entries.withLock { all in
            var queueEntries = all[taskType, default: [:]]
            if queueEntries[worker + "\u{0}" + queue] == nil, queueEntries.count >= Self.maxWorkersPerQueue,
                let oldest = queueEntries.min(by: { $0.value.lastPollTime < $1.value.lastPollTime })?.key
            {
                queueEntries[oldest] = nil
            }
            queueEntries[worker + "\u{0}" + queue] = PollDataEntry(
                queueName: queue, domain: domain, workerId: worker, lastPollTime: time)
            all[taskType] = queueEntries
        }
    }

    /// The entries of one task type, most recent poll first.
    func entries(taskType: String) -> [PollDataEntry] {
        entries.withLock { ($0[taskType] ?? [:]).values.sorted { $0.lastPollTime > $1.lastPollTime } }
    }

    /// Every entry, by task type then most recent poll first.
    func all() -> [PollDataEntry] {
        entries.withLock { all in
            all.keys.sorted().flatMap { (all[$0] ?? [:]).values.sorted { $0.lastPollTime > $1.lastPollTime } }
        }
    }
}
