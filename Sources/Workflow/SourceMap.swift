import Foundation

/// Where in a spec file something the compiler built came from: `file:line:column`, and what it is there (a test
/// file's places are `AgentSpec.SourceLocation`).
///
/// `file` is relative to the spec's directory (as `agentspanc compile` writes it) or absolute (once a client that
/// knows the directory deployed the spec); ``resolved(directory:)`` and ``displayPath(relativeTo:)`` turn it into what
/// a person reads.
public struct SpecLocation: Codable, Sendable, Hashable {
    /// What in the spec caused the task.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case tool, guardrail, gate, agent, handoff, llm
    }

    /// The spec file, relative to the spec's directory or absolute.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column in Unicode scalars.
    public var column: Int
    /// What is there (absent in a spec's own map, where the entry's key says it).
    public var kind: Kind?

    /// Creates a location.
    public init(file: String, line: Int, column: Int, kind: Kind? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
    }

    /// The location as JSON, as `JSONEncoder` writes it (no `kind` key when it is nil), without a round trip
    /// through text: the spec loader writes one per agent, tool and guardrail.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = ["file": .string(file), "line": .int(line), "column": .int(column)]
        if let kind { object["kind"] = .string(kind.rawValue) }
        return .object(object)
    }

    /// This location with `kind` set.
    public func with(kind: Kind) -> SpecLocation {
        var copy = self
        copy.kind = kind
        return copy
    }

    /// The location with a relative `file` anchored at `directory` (when given).
    public func resolved(directory: String?) -> SpecLocation {
        guard let directory, !file.hasPrefix("/") else { return self }
        var copy = self
        copy.file = URL(fileURLWithPath: directory).appendingPathComponent(file).standardizedFileURL.path
        return copy
    }

    /// `file` as a person in `directory` would type it: relative (with `..` where needed) when it is absolute,
    /// unchanged otherwise.
    public func displayPath(relativeTo directory: String = FileManager.default.currentDirectoryPath) -> String {
        guard file.hasPrefix("/") else { return file }
        let target = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        // Sharing only `/`: the absolute path reads better than a climb to the root.
        guard common > 1 || base.count == 1 else { return file }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The location with `file` as ``displayPath(relativeTo:)`` shows it from the current directory.
    public var shownFromHere: SpecLocation {
        var copy = self
        copy.file = displayPath()
        return copy
    }

    /// `file:line:column: error: message`, with the file shown relative to `directory`.
    public func diagnostic(_ message: String, relativeTo directory: String = FileManager.default.currentDirectoryPath) -> String {
        "\(displayPath(relativeTo: directory)):\(line):\(column): error: \(message)"
    }
}

/// The source map the compiler stamps into a workflow definition's `metadata.sourceMap`: for every task the spec
/// caused, where in the spec it came from. Conductor ignores it; agentspanc locates runtime failures with it.
///
/// ```json
/// {"directory": "/home/me/project/specs",
///  "tasks": {"ops_agent_llm": {"file": "ops_agent.yaml", "line": 6, "column": 8, "kind": "llm"}},
///  "tools": {"check_service": {"file": "ops_agent.yaml", "line": 11, "column": 5, "kind": "tool"}}}
/// ```
public struct WorkflowSourceMap: Codable, Sendable, Hashable {
    /// The key in `WorkflowDef.metadata`.
    public static let metadataKey = "sourceMap"

    /// Absolute directory that relative files are anchored at, when the client that deployed the spec knew it.
    public var directory: String?
    /// Task reference name (without loop suffixes) → location.
    public var tasks: [String: SpecLocation]
    /// Tool name → location, for the tool tasks the agent loop creates at run time (their reference names are not
    /// in the definition).
    public var tools: [String: SpecLocation]

    /// Creates a map.
    public init(directory: String? = nil, tasks: [String: SpecLocation] = [:], tools: [String: SpecLocation] = [:]) {
        self.directory = directory
        self.tasks = tasks
        self.tools = tools
    }

    /// The map as JSON, as `JSONEncoder` writes it (no `directory` key when it is nil), without an encoder: the
    /// compiler writes one into every workflow it emits.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "tasks": .object(tasks.mapValues(\.jsonValue)), "tools": .object(tools.mapValues(\.jsonValue)),
        ]
        if let directory { object["directory"] = .string(directory) }
        return .object(object)
    }

    /// The map in a definition's metadata, if it has one.
    public init?(metadata: [String: JSONValue]?) {
        guard let value = metadata?[Self.metadataKey], let map = try? value.decode(WorkflowSourceMap.self) else { return nil }
        self = map
    }

    /// Where a task of an execution of this definition came from: by its reference name (loop suffixes `__N`
    /// dropped), else by its tool name; with a relative file anchored at ``directory``.
    public func location(referenceName: String, toolName: String?) -> SpecLocation? {
        let found = tasks[Self.stripIteration(referenceName)] ?? toolName.flatMap { tools[$0] }
        return found?.resolved(directory: directory)
    }

    /// `ref__3` → `ref`, `work__2__1` → `work` (nested loops add one suffix per level).
    public static func stripIteration(_ ref: String) -> String {
        var name = Substring(ref)
        while let range = name.range(of: "__", options: .backwards), !name[range.upperBound...].isEmpty,
            name[range.upperBound...].allSatisfy(\.isNumber)
        {
            name = name[..<range.lowerBound]
        }
        return String(name)
    }
}
