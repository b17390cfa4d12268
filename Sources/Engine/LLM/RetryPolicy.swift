/// How often and how patiently an LLM call is retried after a transient failure (HTTP 429, 5xx, a connection
/// error or a timeout).
///
/// Attempt `n` (1-based) that fails waits `initialDelay * 2^(n-1)`, capped at `maxDelay`, scaled by a random factor
/// in `0.5...1.0` (jitter, so that many executions hitting the same rate limit do not retry in lockstep). A
/// `Retry-After` header from the provider replaces that delay, capped at `maxRetryAfter`.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first one included (1 = never retry).
    public var maxAttempts: Int
    /// Delay before the first retry, before jitter.
    public var initialDelay: Duration
    /// Upper bound of the exponential delay.
    public var maxDelay: Duration
    /// Upper bound of a delay requested by `Retry-After`.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 4, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(20),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Four attempts, 0.5 s → 1 s → 2 s between them (before jitter).
    public static let standard = RetryPolicy()

    /// The wait after failed attempt `attempt` (1-based), honouring a provider's `Retry-After` when given.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter {
            return min(max(retryAfter, .zero), maxRetryAfter)
        }
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let base = min(initialDelay * Double(1 << Int(exponent)), maxDelay)
        return base * Double.random(in: 0.5...1.0)
    }
}
