import Foundation

extension JSONValue {
    /// The text Conductor (Java) produces when an expression result is concatenated into a string:
    /// `null`, `1`, `1.5`, `{a=1, b=2}`, `[1, 2]`; strings are inserted verbatim.
    public var javaString: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.rounded() == d && abs(d) < 1e7 { return String(format: "%.1f", d) }
            return String(d)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(\.javaString).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\($0)=\(o[$0]!.javaString)" }.joined(separator: ", ") + "}"
        }
    }
}
