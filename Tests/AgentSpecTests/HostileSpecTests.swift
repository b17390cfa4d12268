import AgentSpec
import Foundation
import Testing

/// The hostile-spec corpus (`HostileSpecs/`): every file must be refused with a located error — no crash, no
/// runaway memory or time — and the diagnostic must say what is wrong where.
@Suite("Hostile specs")
struct HostileSpecTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("HostileSpecs")

    /// One corpus file and the diagnostic it must produce: a message fragment at `line:column` of `file` (the
    /// spec itself unless a referenced file is at fault).
    struct Case: CustomTestStringConvertible, Sendable {
        var spec: String
        var fragment: String
        var line: Int
        var column: Int
        var file: String?
        var testDescription: String { spec }
    }

    static let cases: [Case] = [
        Case(spec: "alias-bomb.yaml", fragment: "alias '*a3' expands to 11111 nodes, taking the document past 100000 nodes", line: 8, column: 47),
        Case(spec: "billion-laughs-block.yaml", fragment: "alias '*l4' expands to 11111 nodes, taking the document past 100000 nodes", line: 56, column: 5),
        Case(spec: "merge-key-bomb.yaml", fragment: "alias '*m3' expands to 22221 nodes", line: 7, column: 0),
        Case(spec: "alias-flood.yaml", fragment: "alias '*one' is alias use number 1001; a document may use at most 1000 aliases", line: 4, column: 6010),
        // libyaml's scanner trips over its own nesting limit first here; it is reported the same way.
        Case(spec: "deep-flow-nesting.yaml", fragment: "lists and mappings nest deeper than 128 levels", line: 3, column: 0),
        Case(spec: "deep-block-nesting.yaml", fragment: "lists and mappings nest deeper than 128 levels", line: 131, column: 0),
        Case(spec: "deep-json.json", fragment: "lists and mappings nest deeper than 128 levels", line: 1, column: 0),
        Case(spec: "complex-key-bomb.yaml", fragment: "alias '*k3' expands to 11111 nodes", line: 7, column: 0),
        Case(spec: "unknown-keys.yaml", fragment: "unknown key 'nmae' in tool; did you mean 'name'?", line: 5, column: 5),
        Case(spec: "wrong-types.yaml", fragment: "'maxTurns' must be an integer, found string 'ten'", line: 3, column: 11),
        Case(spec: "binary-garbage.yaml", fragment: "the file is not UTF-8 text", line: 3, column: 15),
        Case(spec: "nul-byte.yaml", fragment: "control character U+0000 (NUL) is not allowed in YAML", line: 3, column: 17),
        Case(spec: "control-character.yaml", fragment: "control character U+0007 is not allowed in YAML", line: 3, column: 20),
        Case(spec: "ref-absolute.yaml", fragment: "'/etc/shadow' is outside the spec's directory", line: 4, column: 10),
        Case(spec: "ref-dotdot.yaml", fragment: "is outside the spec's directory", line: 4, column: 10),
        Case(spec: "ref-cycle-a.yaml", fragment: "'ref-cycle-a.yaml' includes itself", line: 4, column: 10, file: "ref-cycle-b.yaml"),
        Case(spec: "ref-cycle-b.yaml", fragment: "'ref-cycle-b.yaml' includes itself", line: 4, column: 10, file: "ref-cycle-a.yaml"),
        Case(spec: "ref-to-binary.yaml", fragment: "the file is not UTF-8 text", line: 3, column: 15, file: "binary-garbage.yaml"),
        Case(spec: "duplicate-keys.yaml", fragment: "duplicate key 'model' in mapping", line: 4, column: 1),
        Case(spec: "duplicate-nested-keys.yaml", fragment: "duplicate key 'type' in mapping", line: 7, column: 7),
        Case(spec: "out-of-range.yaml", fragment: "'temperature' must be between 0 and 2, found 3", line: 3, column: 14),
        Case(spec: "empty-command.yaml", fragment: "run.command must not be empty", line: 6, column: 16),
        Case(spec: "placeholder-typo.yaml", fragment: "run.command uses {service_nmae}, which is not a property of the tool's inputSchema; did you mean 'service_name'?", line: 6, column: 33),
        Case(spec: "undefined-alias.yaml", fragment: "invalid YAML: found undefined alias", line: 3, column: 15),
        Case(spec: "recursive-anchor.yaml", fragment: "invalid YAML: found undefined alias", line: 3, column: 22),
        Case(spec: "syntax-error.yaml", fragment: "invalid YAML:", line: 0, column: 0),
        Case(spec: "two-documents.yaml", fragment: "invalid YAML:", line: 0, column: 0),
        Case(spec: "not-a-mapping.yaml", fragment: "not an agent spec: none of its 2 top-level keys is an agent key", line: 1, column: 1),
    ]

    @Test("the corpus table covers every file")
    func everyFileHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(files == Self.cases.map(\.spec).sorted())
    }

    @Test("each hostile file is refused with a located error", arguments: cases)
    func refused(_ hostile: Case) throws {
        let path = Self.corpus.appendingPathComponent(hostile.spec).path
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: path) }
        let file = Self.corpus.appendingPathComponent(hostile.file ?? hostile.spec).path
        let match = error.errors.first { $0.message.contains(hostile.fragment) }
        let found = try #require(match, "\(hostile.spec): \(error.description)")
        #expect(URL(fileURLWithPath: found.file).standardizedFileURL.path == URL(fileURLWithPath: file).standardizedFileURL.path)
        // Line 0 in the table: the line is libyaml's to choose, but there must be one.
        if hostile.line > 0 { #expect(found.line == hostile.line, "\(found.rendered)") } else { #expect(found.line > 0, "\(found.rendered)") }
        if hostile.column > 0 { #expect(found.column == hostile.column, "\(found.rendered)") } else { #expect(found.column > 0, "\(found.rendered)") }
    }

    @Test("files past the size limit are refused before they are parsed")
    func oversizedFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.yaml").path
        var text = "name: huge\nmodel: openai/gpt-4o\ninstructions: "
        text += String(repeating: "x", count: 10 << 20) + "\n"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: path) }
        #expect(error.errors.map(\.message) == ["the file is larger than 4194304 bytes, the limit for YAML files"])
        #expect(error.errors.first?.line == 1)
    }

    @Test("a huge scalar in the wrong place is reported without repeating it")
    func hugeScalarIsClipped() throws {
        let value = String(repeating: "y", count: 1 << 20)
        let error = try #require(throws: SpecError.self) {
            try SpecLoader.load(source: "name: big\nmodel: openai/gpt-4o\nmaxTurns: \(value)\n", path: "big.yaml")
        }
        let rendered = error.description
        #expect(error.errors.first?.message.hasPrefix("'maxTurns' must be an integer, found string 'yyy") == true)
        #expect(error.errors.first.map { $0.line == 3 && $0.column == 11 } == true)
        #expect(rendered.utf8.count < 1_000, "\(rendered.prefix(300))")
    }

    @Test("an unknown key at the end of a very long line shows a window of the line around it")
    func longLineIsWindowed() throws {
        let text = "{name: wide, model: openai/gpt-4o, metadata: {pad: \"\(String(repeating: "p", count: 50_000))\"}, nmae: x}\n"
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(source: text, path: "wide.yaml") }
        let unknown = try #require(error.errors.first { $0.message.hasPrefix("unknown key 'nmae'") })
        let lines = unknown.rendered.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[1].count < 200 && lines[1].hasSuffix("nmae: x}"), "\(lines[1])")
        // The caret still points at the key.
        let caret = lines[2].count - 1
        #expect(Array(lines[1])[caret...].starts(with: "nmae"), "\(unknown.rendered)")
    }
}
