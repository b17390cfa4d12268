import Workflow

/// Structured output (§14): the Python-like type text of a JSON Schema that the prompt quotes.
enum StructuredOutput {
    /// `{'name': str, 'tags': [str], 'score': float | None}` for an object schema; `$defs` references inlined.
    static func describe(_ schema: JSONValue) -> String {
        let defs = schema["$defs"].objectValue ?? [:]
        return text(inline(schema, defs: defs, depth: 0))
    }

    private static func inline(_ node: JSONValue, defs: [String: JSONValue], depth: Int) -> JSONValue {
        guard depth < 32 else { return node }
        switch node {
        case .object(var object):
            if let ref = object["$ref"]?.stringValue, ref.hasPrefix("#/$defs/"), let target = defs[String(ref.dropFirst(8))] {
                return inline(target, defs: defs, depth: depth + 1)
            }
            object["$defs"] = nil
            return .object(object.mapValues { inline($0, defs: defs, depth: depth + 1) })
        case .array(let items):
            return .array(items.map { inline($0, defs: defs, depth: depth + 1) })
        default:
            return node
        }
    }

    /// Property order follows the schema's source order where known; JSON objects here are unordered, so keys
    /// are sorted for a deterministic text.
    private static func text(_ node: JSONValue) -> String {
        guard case .object(let object) = node else { return "any" }
        if let variants = object["anyOf"]?.arrayValue {
            var seen: [String] = []
            for variant in variants.map(text) where !seen.contains(variant) { seen.append(variant) }
            let nonNull = seen.filter { $0 != "None" }
            return (nonNull + (seen.contains("None") ? ["None"] : [])).joined(separator: " | ")
        }
        if let values = object["enum"]?.arrayValue {
            return "[" + values.map { $0.stringValue ?? CompiledJSON.compactText($0) }.joined(separator: ", ") + "]"
        }
        let type = object["type"]?.stringValue
        if let properties = object["properties"]?.objectValue {
            let fields = properties.keys.sorted().map { "'\($0)': \(text(properties[$0]!))" }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        switch type {
        case "array": return object["items"].map { "[" + text($0) + "]" } ?? "list"
        case "object": return "object"
        case "string": return "str"
        case "integer": return "int"
        case "number": return "float"
        case "boolean": return "bool"
        case "null": return "None"
        case let other?: return other
        case nil: return "any"
        }
    }
}
