import Workflow

extension SpecTestSchema {
    /// The JSON Schema (draft-07) of spec test files (`agentspanc schema --tests`), generated from the tables that
    /// drive their validation.
    public static func jsonSchema() -> JSONValue {
        var definitions: [String: JSONValue] = [:]
        SpecSchema.define(testCase, into: &definitions)
        return [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "agentspanc spec tests",
            "description": "A list of test cases for an agent spec: prompt, scripted model turns, tool fixtures, expectations.",
            "type": "array", "items": ["$ref": "#/definitions/testCase"],
            "definitions": .object(definitions),
        ]
    }
}
