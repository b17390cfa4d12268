import Workflow

/// The JSON-lines protocol between the worker and a plugin executable (`run: {plugin: PATH}`), version 1.
///
/// The worker starts the plugin once and keeps it running (restarting it if it exits). One JSON object per
/// line in each direction, UTF-8, `\n`-terminated; stderr is free-form log text.
///
/// 1. On start the plugin writes a ``Hello`` line: `{"protocol":"agentspanc-plugin","version":1,"tools":[…]}`.
/// 2. The worker writes one ``Request`` per call:
///    `{"id":"7","tool":"word_count","arguments":{…},"taskId":"…","executionId":"…","idempotencyKey":"…","attempt":0}`
///    (plus `"traceparent":"00-…"`, the W3C trace context of the call, when the worker traces).
///    Requests may overlap; the plugin may answer them in any order.
/// 3. The plugin writes one ``Response`` per request with the same `id`: `{"id":"7","output":{…}}` on success
///    (an object becomes the task output, anything else `{"result": value}`), or
///    `{"id":"7","error":"message","terminal":true}` on failure (`terminal` defaults to `false`, retryable).
/// 4. End of stdin means "shut down": finish in-flight requests and exit.
public enum PluginProtocol {
    /// The protocol name in ``Hello``.
    public static let name = "agentspanc-plugin"
    /// The version this worker speaks.
    public static let version = 1

    /// First line a plugin writes.
    public struct Hello: Codable, Sendable, Hashable {
        public var `protocol`: String
        public var version: Int
        public var tools: [ToolInfo]

        public init(tools: [ToolInfo]) {
            self.protocol = PluginProtocol.name
            self.version = PluginProtocol.version
            self.tools = tools
        }
    }

    /// A tool a plugin serves.
    public struct ToolInfo: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        public var inputSchema: JSONValue?
        public var idempotent: Bool?

        public init(name: String, description: String? = nil, inputSchema: JSONValue? = nil, idempotent: Bool? = nil) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
            self.idempotent = idempotent
        }
    }

    /// One call, worker → plugin.
    public struct Request: Codable, Sendable, Hashable {
        public var id: String
        public var tool: String
        public var arguments: [String: JSONValue]
        public var taskId: String
        public var executionId: String
        public var idempotencyKey: String?
        public var attempt: Int?
        /// The W3C `traceparent` of the call's span when the worker traces, for the plugin's own spans.
        public var traceparent: String?

        public init(
            id: String, tool: String, arguments: [String: JSONValue], taskId: String, executionId: String,
            idempotencyKey: String? = nil, attempt: Int? = nil, traceparent: String? = nil
        ) {
            self.id = id
            self.tool = tool
            self.arguments = arguments
            self.taskId = taskId
            self.executionId = executionId
            self.idempotencyKey = idempotencyKey
            self.attempt = attempt
            self.traceparent = traceparent
        }
    }

    /// One answer, plugin → worker.
    public struct Response: Codable, Sendable, Hashable {
        public var id: String
        public var output: JSONValue?
        public var error: String?
        public var terminal: Bool?

        public init(id: String, output: JSONValue? = nil, error: String? = nil, terminal: Bool? = nil) {
            self.id = id
            self.output = output
            self.error = error
            self.terminal = terminal
        }
    }
}
