import Workflow

extension SpecSchema {
    /// The JSON Schema (draft-07) of the spec language, for editors and yaml-language-server
    /// (`# yaml-language-server: $schema=…/agentspec.schema.json`). Generated from the same tables that drive
    /// validation.
    public static func jsonSchema() -> JSONValue {
        var definitions: [String: JSONValue] = [:]
        definitions["agentRef"] = [
            "type": "object", "description": "A sub-agent defined in another spec file, relative to this one.",
            "properties": ["ref": ["type": "string", "description": "Path of the sub-agent's spec file"]],
            "required": ["ref"], "additionalProperties": false,
        ]
        define(agent, into: &definitions)
        return [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "agentspanc agent spec",
            "description": "An Agentspan agent configuration (camelCase keys) plus the run: bindings of worker tools.",
            "$ref": "#/definitions/agent",
            "definitions": .object(definitions),
        ]
    }

    /// The definition key of an object kind (`run binding` → `runBinding`).
    static func definitionName(_ kind: String) -> String {
        let words = kind.split(separator: " ")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
    }

    static func define(_ object: ObjectSchema, into definitions: inout [String: JSONValue]) {
        let name = definitionName(object.kind)
        guard definitions[name] == nil else { return }
        definitions[name] = [:]
        var properties: [String: JSONValue] = [:]
        for field in object.fields {
            var property = schema(field.type, into: &definitions)
            if case .object(var map) = property, map["$ref"] == nil {
                map["description"] = .string(field.doc)
                if let range = field.range {
                    map[range.excludesMinimum ? "exclusiveMinimum" : "minimum"] = number(range.minimum)
                    if let maximum = range.maximum { map["maximum"] = number(maximum) }
                }
                property = .object(map)
            } else {
                property = ["allOf": [property], "description": .string(field.doc)]
            }
            properties[field.name] = property
        }
        var definition: [String: JSONValue] = [
            "type": "object", "properties": .object(properties), "additionalProperties": false,
            "patternProperties": ["^x-": [:]],
        ]
        let required = object.fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { definition["required"] = .array(required) }
        definitions[name] = .object(definition)
    }

    private static func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .double(value)
    }

    private static func schema(_ type: SchemaType, into definitions: inout [String: JSONValue]) -> JSONValue {
        switch type {
        case .string: return ["type": "string"]
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case .enumeration(let values): return ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .array(let element): return ["type": "array", "items": schema(element, into: &definitions)]
        case .map(let value):
            if case .any = value { return ["type": "object"] }
            return ["type": "object", "additionalProperties": schema(value, into: &definitions)]
        case .object(let object):
            define(object, into: &definitions)
            return ["$ref": .string("#/definitions/\(definitionName(object.kind))")]
        case .any: return [:]
        case .stringOrMap: return ["type": ["string", "object"]]
        case .agent: return ["anyOf": [["$ref": "#/definitions/agent"], ["$ref": "#/definitions/agentRef"]]]
        case .jsonSchema: return ["type": ["object", "boolean"]]
        case .router:
            define(workerRef, into: &definitions)
            return ["anyOf": [["$ref": "#/definitions/workerReference"], ["$ref": "#/definitions/agent"]]]
        }
    }
}
