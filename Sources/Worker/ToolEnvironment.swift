import Foundation

/// Builds the clean environment a command tool runs in.
///
/// Only `PATH`, `HOME` and `LANG` are inherited by default, plus the names listed in `inheritEnv`; `env`
/// adds values, where `${env:NAME}` is replaced by the worker's own `NAME` (the way to pass a secret without
/// writing it into the spec).
public struct ToolEnvironment: Sendable, Hashable {
    /// Always inherited when the worker has them.
    public static let baseNames = ["PATH", "HOME", "LANG"]
    /// Used when the worker itself has no `PATH`.
    public static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    public var inheritNames: [String]
    public var values: [String: String]

    public init(inheritNames: [String] = [], values: [String: String] = [:]) {
        self.inheritNames = inheritNames
        self.values = values
    }

    /// A `${env:NAME}` reference whose variable is not set in the worker.
    public struct MissingVariable: Error, Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var key: String
        public var description: String {
            "environment variable \(name) (referenced by env.\(key)) is not set in the worker's environment"
        }
    }

    /// Names of the worker variables the `env:` values reference.
    public var referencedNames: [String] {
        values.values.flatMap { Self.references(in: $0) }
    }

    /// The environment for one run. `extra` (task ids and such) is added last and wins.
    public func resolve(
        from worker: [String: String] = ProcessInfo.processInfo.environment, extra: [String: String] = [:]
    ) throws(MissingVariable) -> [String: String] {
        var result: [String: String] = [:]
        for name in Self.baseNames + inheritNames {
            if let value = worker[name] { result[name] = value }
        }
        if result["PATH"] == nil { result["PATH"] = Self.defaultPath }
        for (key, template) in values {
            result[key] = try Self.substitute(template, key: key, worker: worker)
        }
        for (key, value) in extra { result[key] = value }
        return result
    }

    private static let referencePattern = try! NSRegularExpression(pattern: #"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}"#)

    static func references(in template: String) -> [String] {
        let range = NSRange(template.startIndex..., in: template)
        return referencePattern.matches(in: template, range: range).compactMap {
            Range($0.range(at: 1), in: template).map { String(template[$0]) }
        }
    }

    static func substitute(_ template: String, key: String, worker: [String: String]) throws(MissingVariable) -> String {
        guard template.contains("${env:") else { return template }
        var output = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${env:") {
            output += rest[..<start.lowerBound]
            let afterPrefix = rest[start.upperBound...]
            guard let close = afterPrefix.firstIndex(of: "}") else {
                output += rest[start.lowerBound...]
                return output
            }
            let name = String(afterPrefix[..<close])
            guard let value = worker[name] else { throw MissingVariable(name: name, key: key) }
            output += value
            rest = afterPrefix[afterPrefix.index(after: close)...]
        }
        output += rest
        return output
    }
}
