/// A failed call to a Conductor-compatible server.
///
/// `status` is the HTTP status when the server answered, `nil` when the request never got an answer
/// (connection refused or reset, DNS failure, deadline exceeded).
public struct ConductorClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code, or `nil` for transport failures.
    public var status: Int?
    /// The server's error message (the `message` field of Conductor's `ErrorResponse` when present,
    /// otherwise the raw body), or a description of the transport failure.
    public var message: String
    /// The method and path of the failed request, e.g. `POST /api/tasks`.
    public var request: String

    public init(status: Int?, message: String, request: String) {
        self.status = status
        self.message = message
        self.request = request
    }

    /// Worth trying again later: the server was unreachable, overloaded (429) or failed internally (5xx).
    public var isRetryable: Bool {
        guard let status else { return true }
        return status == 429 || status >= 500
    }

    /// The server does not know the endpoint (404 or 405), e.g. `update-v2` on an older Conductor.
    public var isEndpointMissing: Bool { status == 404 || status == 405 }

    public var description: String {
        if let status {
            return "\(request) failed with HTTP \(status): \(message)"
        }
        return "\(request) failed: \(message)"
    }
}
