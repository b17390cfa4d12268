import Foundation
import Testing
import Workflow

@testable import Engine

@Suite("Cassette format")
struct CassetteFormatTests {
    func loadError(_ yaml: String) -> CassetteError? {
        #expect(throws: CassetteError.self) { try Cassette.parse(yaml: yaml, file: "bad.yaml") }
    }

    @Test("an unknown key is reported with file:line:column")
    func unknownKey() {
        let error = loadError(
            """
            conversations:
              - match:
                  modle: openai/gpt-4o
                turns:
                  - content: hi
            """)
        #expect(error?.line == 3)
        #expect(error?.column == 7)
        #expect(
            error?.description
                == "bad.yaml:3:7: error: unknown key 'modle' in conversations[0].match (expected one of: model, prompt, system)"
        )
    }

    @Test("a YAML syntax error carries its position")
    func syntaxError() {
        let error = loadError("conversations:\n  - turns: [unclosed\n")
        #expect(error?.file == "bad.yaml")
        #expect(error?.line != nil)
        #expect(error?.message.hasPrefix("invalid YAML") == true)
    }

    @Test("wrong types and missing keys are located")
    func typeErrors() {
        let usage = loadError(
            """
            conversations:
              - turns:
                  - content: x
                    usage: {promptTokens: ten, completionTokens: 1}
            """)
        #expect(usage?.line == 4)
        #expect(usage?.message == "conversations[0].turns[0].usage.promptTokens must be an integer")

        let noName = loadError(
            """
            conversations:
              - turns:
                  - toolCalls:
                      - arguments: {a: 1}
            """)
        #expect(noName?.line == 4)
        #expect(noName?.message == "conversations[0].turns[0].toolCalls[0]: missing key 'name'")

        let noTurns = loadError("conversations:\n  - match: {model: openai/gpt-4o}\n")
        #expect(noTurns?.message == "conversations[0]: missing key 'turns'")
    }

    @Test("an empty file and a missing file are errors")
    func emptyAndMissing() {
        #expect(loadError("")?.message.contains("empty") == true)
        let missing = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("no-such-\(UUID()).yaml")
        #expect(throws: CassetteError.self) { try Cassette.load(contentsOf: missing) }
    }

    @Test("YAML written by the cassette reads back identically, awkward strings included")
    func writeReadRoundTrip() throws {
        let cassette = Cassette(conversations: [
            Cassette.Conversation(
                match: Cassette.Match(model: "openai/gpt-4o", prompt: "yes", system: "line one\nline two"),
                turns: [
                    Cassette.Turn(
                        content: "123",
                        toolCalls: [
                            Cassette.ScriptedToolCall(
                                name: "lookup",
                                arguments: [
                                    "query": "key: value # not a comment", "n": 3, "ratio": 0.25, "flag": false,
                                    "none": nil, "list": ["a", 1, ["nested": "null"]], "empty": "", "dash": "- item",
                                ])
                        ]),
                    Cassette.Turn(
                        content: "Final answer:\n  indented\nend",
                        usage: Cassette.Usage(promptTokens: 5, completionTokens: 7),
                        reasoning: "true", finishReason: "LENGTH"),
                ])
        ])
        let text = try cassette.yamlText()
        #expect(try Cassette.parse(yaml: text, file: "round.yaml") == cassette)
    }
}
