/// Conductor's poll data (`GET /api/tasks/queue/polldata?taskType=`): the last poll of one queue by one worker.
public struct PollDataEntry: Codable, Sendable, Hashable {
    /// The queue polled: the task type, or `domain:taskType`.
    public var queueName: String
    public var domain: String?
    /// The `workerid` the worker sent (`unknown` when it sent none).
    public var workerId: String
    /// Epoch milliseconds.
    public var lastPollTime: Int64

    public init(queueName: String, domain: String?, workerId: String, lastPollTime: Int64) {
        self.queueName = queueName
        self.domain = domain
        self.workerId = workerId
        self.lastPollTime = lastPollTime
    }
}
