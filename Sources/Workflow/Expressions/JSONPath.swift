/// The subset of Jayway JSONPath that Conductor expressions use, without the leading `$.`:
/// dot members, `['quoted']` / `["quoted"]` members, `[n]` and `[-n]` indexes, and `.length()`.
public struct JSONPath: Sendable, Hashable {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        case member(String)
        case index(Int)
        case length
    }

    public var components: [Component]

    /// Parses `path`; returns nil when it is not a path this subset understands.
    public init?(_ path: String) {
        var components: [Component] = []
        let chars = Array(path)
        var i = 0
        var name = ""
        func flushName() {
            if !name.isEmpty { components.append(.member(name)); name = "" }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                flushName()
                i += 1
            } else if c == "[" {
                flushName()
                guard let close = chars[i...].firstIndex(of: "]") else { return nil }
                let inner = String(chars[(i + 1)..<close]).trimmedWhitespace
                if let first = inner.first, first == "'" || first == "\"", inner.count >= 2, inner.last == first {
                    components.append(.member(String(inner.dropFirst().dropLast())))
                } else if let n = Int(inner) {
                    components.append(.index(n))
                } else {
                    return nil
                }
                i = close + 1
            } else if c == "(" {
                guard name == "length", i + 1 < chars.count, chars[i + 1] == ")" else { return nil }
                name = ""
                components.append(.length)
                i += 2
            } else {
                name.append(c)
                i += 1
            }
        }
        flushName()
        guard !components.isEmpty else { return nil }
        self.components = components
    }

    /// Follows the path from `root`; any missing step yields `.null`.
    public func evaluate(in root: JSONValue) -> JSONValue {
        var current = root
        for component in components {
            switch component {
            case .member(let key):
                guard case .object(let o) = current, let next = o[key] else { return .null }
                current = next
            case .index(let n):
                guard case .array(let a) = current else { return .null }
                let index = n < 0 ? a.count + n : n
                guard a.indices.contains(index) else { return .null }
                current = a[index]
            case .length:
                switch current {
                case .array(let a): current = .int(a.count)
                case .object(let o): current = .int(o.count)
                case .string(let s): current = .int(s.count)
                default: return .null
                }
            }
        }
        return current
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmedWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
