/// Resolves Conductor `${...}` expressions (conductor.md §7) against a context document.
///
/// The document maps root names to values: `workflow` (input, output, variables, …) and one entry per task
/// reference name (`{input, output, status, …}`). A string that is exactly one expression keeps the JSON type of
/// the result; expressions mixed with literal text are replaced by their Java string form. Missing paths are null.
public struct ExpressionResolver: Sendable {
    /// Root names → values, e.g. `["workflow": …, "fetch": …]`.
    public var document: [String: JSONValue]

    public init(document: [String: JSONValue]) {
        self.document = document
    }

    /// How deep arrays and objects inside parameters may nest (the parameter map itself is level 1).
    public static let maxDepth = 64

    /// Resolves every string inside `value`, recursively through arrays and objects (keys are never evaluated).
    /// Values nested deeper than ``maxDepth`` are returned as they are.
    public func resolve(_ value: JSONValue) -> JSONValue {
        resolve(value, level: 1, strict: false) ?? value
    }

    /// Resolves every value of a parameter map (values nested deeper than ``maxDepth`` are returned as they are).
    public func resolve(_ parameters: [String: JSONValue]) -> [String: JSONValue] {
        parameters.mapValues { resolve($0, level: 2, strict: false) ?? $0 }
    }

    /// Resolves every value of a parameter map, or throws when it nests deeper than ``maxDepth``.
    public func resolveChecked(_ parameters: [String: JSONValue]) throws(ExpressionDepthError) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        out.reserveCapacity(parameters.count)
        for (key, value) in parameters {
            guard let resolved = resolve(value, level: 2, strict: true) else { throw ExpressionDepthError(limit: Self.maxDepth) }
            out[key] = resolved
        }
        return out
    }

    /// One walk over `value`, each node visited once; nil when a strict walk goes past ``maxDepth``.
    private func resolve(_ value: JSONValue, level: Int, strict: Bool) -> JSONValue? {
        switch value {
        case .string(let s): return resolve(string: s)
        case .array, .object:
            if level > Self.maxDepth {
                // (Not `strict ? nil : value`: JSONValue is ExpressibleByNilLiteral, so that nil would be `.null`.)
                if strict { return Optional.none }
                return value
            }
            if case .array(let a) = value {
                var out: [JSONValue] = []
                out.reserveCapacity(a.count)
                for element in a {
                    guard let r = resolve(element, level: level + 1, strict: strict) else { return nil }
                    out.append(r)
                }
                return .array(out)
            }
            guard case .object(let o) = value else { return value }
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(o.count)
            for (key, element) in o {
                guard let r = resolve(element, level: level + 1, strict: strict) else { return nil }
                out[key] = r
            }
            return .object(out)
        default: return value
        }
    }

    /// Resolves one string: a lone expression keeps its type, mixed text becomes a string.
    public func resolve(string: String) -> JSONValue {
        guard string.contains("${") else { return .string(string) }
        let segments = Self.segments(of: string)
        if segments.count == 1, case .expression(let inner) = segments[0] {
            return evaluate(expression: inner)
        }
        var text = ""
        for segment in segments {
            switch segment {
            case .literal(let l): text += l
            case .expression(let inner): text += evaluate(expression: inner).javaString
            }
        }
        return .string(text)
    }

    /// Evaluates the text between `${` and `}` (nested expressions are resolved first).
    public func evaluate(expression inner: String) -> JSONValue {
        var path = inner
        if path.contains("${") { path = resolve(string: path).javaString }
        path = path.trimmedWhitespace
        if path.isEmpty { return .string("") }
        if path.hasPrefix("$.") { path.removeFirst(2) }
        guard let parsed = JSONPath(path), case .member(let root) = parsed.components.first,
            let base = document[root]
        else { return .null }
        return JSONPath.evaluate(Array(parsed.components.dropFirst()), in: base)
    }

    enum Segment: Equatable {
        case literal(String)
        case expression(String)
    }

    /// Splits text into literals and `${…}` expressions with balanced braces; `$${` is a literal `${`.
    static func segments(of text: String) -> [Segment] {
        var result: [Segment] = []
        var literal = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
                literal += "${"
                i += 3
                continue
            }
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" {
                var depth = 1
                var j = i + 2
                while j < chars.count {
                    if chars[j] == "{" { depth += 1 }
                    if chars[j] == "}" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    j += 1
                }
                if depth == 0 {
                    if !literal.isEmpty { result.append(.literal(literal)); literal = "" }
                    result.append(.expression(String(chars[(i + 2)..<j])))
                    i = j + 1
                    continue
                }
            }
            literal.append(chars[i])
            i += 1
        }
        if !literal.isEmpty || result.isEmpty { result.append(.literal(literal)) }
        return result
    }
}

extension JSONPath {
    /// Follows `components` from `root`.
    static func evaluate(_ components: [Component], in root: JSONValue) -> JSONValue {
        guard !components.isEmpty else { return root }
        var path = JSONPath("x")!
        path.components = components
        return path.evaluate(in: root)
    }
}

/// Parameters nest arrays and objects deeper than the resolver walks.
public struct ExpressionDepthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The deepest nesting allowed (``ExpressionResolver/maxDepth``).
    public var limit: Int
    public init(limit: Int) { self.limit = limit }
    public var description: String { "inputParameters nest arrays and objects more than \(limit) levels deep" }
}
