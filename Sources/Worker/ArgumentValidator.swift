import Foundation
import TracePropagation
import Workflow

/// Checks a tool call's arguments against the tool's JSON Schema before anything runs, and normalises them.
///
/// Supported keywords: `type` (one or a list), `properties`, `required`, `additionalProperties` (boolean or
/// schema), `enum`, `const`, `default` (filled in for absent properties), `items`, `minimum`, `maximum`,
/// `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`. Unknown keywords are ignored.
///
/// Lossless coercions follow Agentspan's SDKs, because LLMs often quote numbers: a string holding a number or
/// boolean (`"5"`, `"true"`/`"yes"`/`"1"`) becomes one when the schema asks for it, an integral double becomes
/// an integer, and a string holding JSON becomes an object or array.
public struct ArgumentValidator: Sendable {
    /// Keys the Agentspan server adds to every worker task's input (and those agentspanc's server adds: the trace
    /// context, `_traceparent`, and the tool's declared effect); they are never tool arguments (unless a tool's
    /// schema declares one of them explicitly).
    public static let internalKeys: Set<String> = [
        "_agent_state", "__agentspan_ctx__", "method", "_allowed_commands", "_tool_effect", TracePropagation.inputKey,
    ]

    public let toolName: String
    public let schema: JSONValue?

    public init(toolName: String, schema: JSONValue?) {
        self.toolName = toolName
        self.schema = schema
    }

    /// A call that violates the schema; `description` is written for the LLM that made the call.
    public struct Violation: Error, Sendable, Hashable, CustomStringConvertible {
        public var problems: [String]
        public var toolName: String
        public var description: String {
            "Invalid arguments for tool '\(toolName)': " + problems.joined(separator: "; ")
        }
    }

    /// Removes internal keys, checks the rest, fills defaults. Throws a ``Violation`` listing every problem.
    public func validate(_ input: [String: JSONValue]) throws(Violation) -> [String: JSONValue] {
        let declared = Set(schema?["properties"].objectValue?.keys.map { $0 } ?? [])
        var arguments = input
        for key in Self.internalKeys where !declared.contains(key) {
            arguments.removeValue(forKey: key)
        }
        guard let schema, schema.objectValue != nil else { return arguments }
        var problems: [String] = []
        let checked = check(.object(arguments), against: schema, path: "", problems: &problems)
        guard problems.isEmpty else { throw Violation(problems: problems, toolName: toolName) }
        return checked.objectValue ?? arguments
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, problems: inout [String]) -> JSONValue {
        guard schema.objectValue != nil else { return value }
        let name = path.isEmpty ? "arguments" : "'\(path)'"
        var value = value
        let types = Self.types(of: schema)
        if !types.isEmpty {
            if let coerced = Self.coerce(value, to: types) {
                value = coerced
            } else {
                problems.append("\(name) must be \(types.joined(separator: " or ")) (got \(Self.describe(value)))")
                return value
            }
        }
        if let allowed = schema["enum"].arrayValue, !allowed.contains(where: { Self.equal($0, value) }) {
            let list = allowed.map { $0.jsonText() }.joined(separator: ", ")
            problems.append("\(name) must be one of [\(list)] (got \(Self.describe(value)))")
        }
        if schema.objectValue?["const"] != nil, !Self.equal(schema["const"], value) {
            problems.append("\(name) must be \(schema["const"].jsonText())")
        }
        switch value {
        case .object(var object):
            let properties = schema["properties"].objectValue ?? [:]
            for required in schema["required"].arrayValue ?? [] {
                guard let key = required.stringValue else { continue }
                let hasDefault = properties[key]?.objectValue?["default"] != nil
                if object[key] == nil && !hasDefault {
                    problems.append("missing required argument '\(Self.join(path, key))'")
                }
            }
            for (key, propertySchema) in properties {
                if let present = object[key] {
                    object[key] = check(present, against: propertySchema, path: Self.join(path, key), problems: &problems)
                } else if let fallback = propertySchema.objectValue?["default"] {
                    object[key] = fallback
                }
            }
            let extras = object.keys.filter { properties[$0] == nil }.sorted()
            switch schema.objectValue?["additionalProperties"] {
            case .bool(false):
                for key in extras {
                    problems.append("unexpected argument '\(Self.join(path, key))'")
                }
            case .some(let extraSchema) where extraSchema.objectValue != nil:
                for key in extras {
                    object[key] = check(object[key]!, against: extraSchema, path: Self.join(path, key), problems: &problems)
                }
            default:
                break
            }
            return .object(object)
        case .array(var items):
            if let minItems = schema["minItems"].intValue, items.count < minItems {
                problems.append("\(name) must have at least \(minItems) items")
            }
            if let maxItems = schema["maxItems"].intValue, items.count > maxItems {
                problems.append("\(name) must have at most \(maxItems) items")
            }
            if schema["items"].objectValue != nil {
                for index in items.indices {
                    items[index] = check(items[index], against: schema["items"], path: "\(path)[\(index)]", problems: &problems)
                }
            }
            return .array(items)
        case .string(let text):
            let length = text.count
            if let minLength = schema["minLength"].intValue, length < minLength {
                problems.append("\(name) must be at least \(minLength) characters long")
            }
            if let maxLength = schema["maxLength"].intValue, length > maxLength {
                problems.append("\(name) must be at most \(maxLength) characters long")
            }
            if let pattern = schema["pattern"].stringValue {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    let range = NSRange(text.startIndex..., in: text)
                    if regex.firstMatch(in: text, range: range) == nil {
                        problems.append("\(name) must match the pattern \(pattern)")
                    }
                }
            }
            return value
        case .int, .double:
            let number = value.doubleValue ?? 0
            if let minimum = schema["minimum"].doubleValue, number < minimum {
                problems.append("\(name) must be ≥ \(schema["minimum"].jsonText())")
            }
            if let maximum = schema["maximum"].doubleValue, number > maximum {
                problems.append("\(name) must be ≤ \(schema["maximum"].jsonText())")
            }
            return value
        case .bool, .null:
            return value
        }
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private static func types(of schema: JSONValue) -> [String] {
        switch schema["type"] {
        case .string(let single): return [single]
        case .array(let list): return list.compactMap(\.stringValue)
        default: return []
        }
    }

    /// The value as one of the allowed types, converting losslessly where the rules allow; `nil` if impossible.
    static func coerce(_ value: JSONValue, to types: [String]) -> JSONValue? {
        for type in types where matches(value, type) {
            if type == "integer", case .double = value, let int = value.intValue { return .int(int) }
            return value
        }
        guard case .string(let text) = value else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for type in types {
            switch type {
            case "integer":
                if let int = Int(trimmed) { return .int(int) }
            case "number":
                if let int = Int(trimmed) { return .int(int) }
                if let double = Double(trimmed), double.isFinite { return .double(double) }
            case "boolean":
                switch trimmed.lowercased() {
                case "true", "yes", "1": return .bool(true)
                case "false", "no", "0": return .bool(false)
                default: break
                }
            case "object", "array":
                if let parsed = try? JSONValue.parse(trimmed), matches(parsed, type) { return parsed }
            default:
                break
            }
        }
        return nil
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("null", .null):
            return true
        case ("number", .int), ("number", .double):
            return true
        case ("integer", .int):
            return true
        case ("integer", .double):
            return value.intValue != nil
        default:
            return false
        }
    }

    /// Numbers compare by value (`1` equals `1.0`), everything else structurally.
    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    private static func describe(_ value: JSONValue) -> String {
        let kind: String
        switch value {
        case .null: return "null"
        case .bool: kind = "boolean"
        case .int, .double: kind = "number"
        case .string: kind = "string"
        case .array: return "an array"
        case .object: return "an object"
        }
        var text = value.jsonText()
        if text.count > 60 { text = String(text.prefix(57)) + "…" }
        return "\(kind) \(text)"
    }
}
