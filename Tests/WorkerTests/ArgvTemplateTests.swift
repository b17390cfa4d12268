import Testing
import Workflow
@testable import Worker

@Suite struct ArgvTemplateTests {
    @Test func wholeElementPlaceholdersRenderOneElementEach() throws {
        let template = try ArgvTemplate(
            ["tool", "--name", "{name}", "--count={count}", "{flag}", "{object}", "{list}", "{ratio}"],
            tool: "t", parameters: ["name", "count", "flag", "object", "list", "ratio"])
        let argv = try template.renderArguments([
            "name": "two words; rm -rf /", "count": 5, "flag": true, "object": ["b": 1, "a": "x"],
            "list": [1, "two"], "ratio": 0.5,
        ])
        #expect(argv == ["--name", "two words; rm -rf /", "--count=5", "true", #"{"a":"x","b":1}"#, #"[1,"two"]"#, "0.5"])
    }

    @Test func missingOrNullOptionalParametersDropTheirElement() throws {
        let template = try ArgvTemplate(["tool", "a", "{x}", "--y={y}", "b"], tool: "t", parameters: ["x", "y"])
        #expect(try template.renderArguments([:]) == ["a", "b"])
        #expect(try template.renderArguments(["x": nil, "y": "1"]) == ["a", "--y=1", "b"])
    }

    @Test func embeddedPlaceholderIsALoadError() {
        #expect(throws: WorkerConfigurationError.self) {
            try ArgvTemplate(["tool", "prefix-{name}"], tool: "t", parameters: ["name"])
        }
        #expect(throws: WorkerConfigurationError.self) {
            try ArgvTemplate(["tool", "{a}{b}"], tool: "t", parameters: nil)
        }
    }

    @Test func placeholderAsProgramIsALoadError() {
        #expect(throws: WorkerConfigurationError.self) {
            try ArgvTemplate(["{program}", "x"], tool: "t", parameters: ["program"])
        }
    }

    @Test func unknownParameterIsALoadError() {
        let error = #expect(throws: WorkerConfigurationError.self) {
            try ArgvTemplate(["tool", "{servce}"], tool: "t", parameters: ["service"])
        }
        #expect(error?.message.contains("servce") == true)
    }

    @Test func bracesThatAreNotParametersStayLiteral() throws {
        let template = try ArgvTemplate(["jq", "{a: .b}", "${HOME}", "{other}x"], tool: "t", parameters: ["name"])
        #expect(try template.renderArguments(["name": "n"]) == ["{a: .b}", "${HOME}", "{other}x"])
    }

    @Test func nulAndOversizedValuesCannotBecomeArguments() throws {
        let template = try ArgvTemplate(["tool", "{s}"], tool: "t", parameters: ["s"])
        #expect(throws: ArgvTemplate.RenderError.self) { try template.renderArguments(["s": "a\u{0}b"]) }
        let big = String(repeating: "x", count: 200_000)
        #expect(throws: ArgvTemplate.RenderError.self) { try template.renderArguments(["s": .string(big)]) }
    }

    @Test func aValueStartingWithADashIsRefusedWhereItWouldBeReadAsAnOption() throws {
        let template = try ArgvTemplate(
            ["tool", "{a}", "--out={o}", "--", "{b}"], tool: "t", parameters: ["a", "o", "b"])
        for value: JSONValue in ["-rf", "--output=/etc/passwd", "-", .int(-5)] {
            let error = #expect(throws: ArgvTemplate.RenderError.self) { try template.renderArguments(["a": value]) }
            #expect(error?.description.contains("argument 'a'") == true, "\(error?.description ?? "")")
            #expect(error?.description.contains("allowLeadingDash") == true)
        }
        // After the literal `--` and after a fixed `--flag=` prefix the value is an operand.
        #expect(try template.renderArguments(["a": "x", "o": "-y", "b": "-rf"]) == ["x", "--out=-y", "--", "-rf"])
        #expect(try template.renderArguments(["a": "-rf"], allowLeadingDash: true) == ["-rf", "--"])
        // Only a whole literal `--` ends the options; `--x` is just another flag.
        let flagged = try ArgvTemplate(["tool", "--x", "{a}"], tool: "t", parameters: ["a"])
        #expect(throws: ArgvTemplate.RenderError.self) { try flagged.renderArguments(["a": "-v"]) }
        #expect(try flagged.renderArguments(["a": " -v"]) == ["--x", " -v"])
    }
}
