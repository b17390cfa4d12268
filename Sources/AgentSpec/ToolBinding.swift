/// How the generic worker executes a tool: the `run:` key of a worker tool in a spec (our addition to the
/// Agentspan agent config; the compiled workflow ignores it except for server-visible settings).
///
/// ```yaml
/// run:
///   command: [./tools/check_service.sh, --, "{service_name}"]   # each {param} fills one whole argv element
///   stdin: json            # optional: the whole argument object on stdin
///   env: {REGION: eu-1, TOKEN: "${env:OPS_TOKEN}"}
///   cwd: ./tools
///   timeoutSeconds: 30
///   idempotent: false      # never retried
///   allowLeadingDash: true # let {param} values before a `--` element start with "-" (default false)
/// ```
/// or `run: {plugin: ./plugins/my-tools}` for a long-lived JSON-lines plugin executable.
public struct ToolBinding: Codable, Sendable, Hashable {
    /// What to feed the process on standard input.
    public enum StdinMode: String, Codable, Sendable, Hashable {
        /// Nothing (stdin is /dev/null).
        case none
        /// The whole argument object as JSON.
        case json
    }

    /// The argv template; `{param}` placeholders fill whole elements. Exclusive with `plugin`.
    public var command: [String]?
    /// Path of a plugin executable speaking the JSON-lines protocol. Exclusive with `command`.
    public var plugin: String?
    /// What to feed on standard input (default none).
    public var stdin: StdinMode?
    /// Extra environment (values may reference `${env:NAME}`); everything else is an allowlist of inherited names.
    public var env: [String: String]?
    /// Names of variables inherited from the worker's environment (besides PATH, HOME, LANG).
    public var inheritEnv: [String]?
    /// Working directory, relative to the spec file's directory.
    public var cwd: String?
    /// Kill every process of the call (its process tree, descendants that left its session included) after this
    /// many seconds.
    public var timeoutSeconds: Double?
    /// `false` marks a tool with side effects: a failure is never retried.
    public var idempotent: Bool?
    /// Run `command` through `/bin/sh -c` (explicit opt-in; never the default).
    public var shell: Bool?
    /// Cap on captured stdout bytes.
    public var maxOutputBytes: Int?
    /// `true` lets a whole-element `{param}` value that starts with `-` reach the program even where it would be
    /// read as an option (before any literal `--` element). Default `false`: such a call fails before it runs.
    public var allowLeadingDash: Bool?

    /// Creates a binding.
    public init(
        command: [String]? = nil, plugin: String? = nil, stdin: StdinMode? = nil, env: [String: String]? = nil,
        inheritEnv: [String]? = nil, cwd: String? = nil, timeoutSeconds: Double? = nil, idempotent: Bool? = nil,
        shell: Bool? = nil, maxOutputBytes: Int? = nil, allowLeadingDash: Bool? = nil
    ) {
        self.command = command
        self.plugin = plugin
        self.stdin = stdin
        self.env = env
        self.inheritEnv = inheritEnv
        self.cwd = cwd
        self.timeoutSeconds = timeoutSeconds
        self.idempotent = idempotent
        self.shell = shell
        self.maxOutputBytes = maxOutputBytes
        self.allowLeadingDash = allowLeadingDash
    }
}

extension ToolBinding {
    /// This binding with each environment value replaced by `…`, for showing to others: values may be credentials.
    public var withoutEnvironmentValues: ToolBinding {
        var copy = self
        copy.env = env?.mapValues { _ in "…" }
        return copy
    }
}
