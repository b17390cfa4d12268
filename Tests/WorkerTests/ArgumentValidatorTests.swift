import Testing
import Workflow
@testable import Worker

@Suite struct ArgumentValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "service": ["type": "string", "enum": ["payments", "database"]],
            "lines": ["type": "integer", "minimum": 1, "maximum": 500, "default": 20],
            "verbose": ["type": "boolean"],
            "tags": ["type": "array", "items": ["type": "string"]],
        ],
        "required": ["service"],
        "additionalProperties": false,
    ]

    @Test func internalServerKeysAreRemovedAndDefaultsFilled() throws {
        let validator = ArgumentValidator(toolName: "logs", schema: schema)
        let arguments = try validator.validate([
            "service": "payments", "_agent_state": ["x": 1], "__agentspan_ctx__": ["execution_token": "secret"],
            "method": "logs", "_allowed_commands": ["ls"],
        ])
        #expect(arguments == ["service": "payments", "lines": 20])
    }

    @Test func everyViolationIsReportedInReadableWords() {
        let validator = ArgumentValidator(toolName: "logs", schema: schema)
        let error = #expect(throws: ArgumentValidator.Violation.self) {
            try validator.validate(["lines": "many", "verbose": "perhaps", "extra": 1, "tags": ["a", 2]])
        }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("Invalid arguments for tool 'logs'"))
        #expect(text.contains("missing required argument 'service'"))
        #expect(text.contains("'lines' must be integer"))
        #expect(text.contains("'verbose' must be boolean"))
        #expect(text.contains("unexpected argument 'extra'"))
        #expect(text.contains("'tags[1]' must be string"))
    }

    @Test func enumAndRangeAreChecked() {
        let validator = ArgumentValidator(toolName: "logs", schema: schema)
        #expect(throws: ArgumentValidator.Violation.self) { try validator.validate(["service": "mail"]) }
        #expect(throws: ArgumentValidator.Violation.self) { try validator.validate(["service": "payments", "lines": 0]) }
    }

    @Test func quotedNumbersAndBooleansAreCoercedLosslessly() throws {
        let validator = ArgumentValidator(toolName: "logs", schema: schema)
        let arguments = try validator.validate(["service": "database", "lines": "50", "verbose": "true", "tags": #"["a"]"#])
        #expect(arguments == ["service": "database", "lines": 50, "verbose": true, "tags": ["a"]])
        #expect(try validator.validate(["service": "database", "lines": 7.0])["lines"] == 7)
    }

    @Test func withoutASchemaAnyObjectPasses() throws {
        let validator = ArgumentValidator(toolName: "free", schema: nil)
        #expect(try validator.validate(["a": 1, "method": "x"]) == ["a": 1])
    }

    @Test func aDeclaredParameterNamedLikeAnInternalKeyIsKept() throws {
        let validator = ArgumentValidator(
            toolName: "http", schema: ["type": "object", "properties": ["method": ["type": "string"]]])
        #expect(try validator.validate(["method": "GET"]) == ["method": "GET"])
    }
}
