import Foundation
import Testing
import Workflow

@testable import Engine

/// Cassettes are YAML read from files too: the same bounds as specs apply before they are composed.
@Suite("Cassette limits")
struct CassetteLimitsTests {
    @Test("an alias bomb in a cassette is refused at the alias that crosses the bound")
    func aliasBomb() throws {
        var lines = ["x0: &a0 [" + Array(repeating: "lol", count: 10).joined(separator: ", ") + "]"]
        for level in 1..<10 {
            lines.append("x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let yaml = "conversations:\n  - turns:\n      - content: hi\n        toolCalls:\n          - name: t\n            arguments:\n"
            + lines.map { "              " + $0 }.joined(separator: "\n") + "\n"
        let error = try #require(throws: CassetteError.self) { try Cassette.parse(yaml: yaml, file: "bomb.yaml") }
        #expect(error.line == 11)
        #expect(error.message.hasPrefix("alias '*a3' expands to 11111 nodes, taking the document past 100000 nodes"), "\(error)")
    }

    @Test("bytes that are not UTF-8 and control characters are located")
    func notText() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cassette-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.cassette.yaml")
        try (Data("conversations:\n  - turns:\n      - content: h".utf8) + [0xC3, 0x28] + Data("\n".utf8)).write(to: file)
        let error = try #require(throws: CassetteError.self) { try Cassette.load(contentsOf: file) }
        #expect(error.line == 3 && error.column == 19)
        #expect(error.message.hasPrefix("the file is not UTF-8 text"))
        let control = try #require(throws: CassetteError.self) {
            try Cassette.parse(yaml: "conversations:\n  - turns:\n      - content: \"a\u{1}\"\n", file: "c.yaml")
        }
        #expect(control.line == 3 && control.column == 20)
    }

    @Test("a duplicate key is reported at its second occurrence")
    func duplicateKey() throws {
        let yaml = "conversations:\n  - turns:\n      - content: one\n        content: two\n"
        let error = try #require(throws: CassetteError.self) { try Cassette.parse(yaml: yaml, file: "d.yaml") }
        #expect(error.description == "d.yaml:4:9: error: duplicate key 'content' in mapping ('content' first appears here: line 3, column 9)")
    }
}
