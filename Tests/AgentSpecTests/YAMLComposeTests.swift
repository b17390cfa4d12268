import Foundation
import Testing
@testable import YAMLGuard
import Yams

/// `YAMLGuard.compose` parses once and must give exactly the nodes `Yams.compose(yaml:)` gives: the spec reader
/// relies on their text, resolved tags, styles, marks and anchors.
@Suite("YAMLGuard.compose")
struct YAMLComposeTests {
    /// The shape of a node as the spec reader sees it, written out.
    private func describe(_ node: Node) -> String {
        let mark = node.mark.map { "@\($0.line):\($0.column)" } ?? "@-"
        switch node {
        case .scalar(let scalar):
            return "scalar(\(scalar.string.debugDescription) \(node.tag.description) \(scalar.style) \(mark) \(scalar.anchor?.rawValue ?? "-"))"
        case .sequence(let sequence):
            return "seq(\(node.tag.description) \(mark) [" + sequence.map(describe).joined(separator: ", ") + "])"
        case .mapping(let mapping):
            return "map(\(node.tag.description) \(mark) {" + mapping.map { describe($0.key) + ": " + describe($0.value) }.joined(separator: ", ") + "})"
        case .alias(let alias):
            return "alias(\(alias.anchor.rawValue))"
        }
    }

    private func expectSame(_ text: String, _ label: String) throws {
        let ours = try YAMLGuard.compose(text).root.get()
        let theirs = try Yams.compose(yaml: text)
        #expect(ours.map(describe) == theirs.map(describe), "\(label)")
    }

    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func everySpecUnderSpecsComposesAsYamsComposesIt() throws {
        let specs = Self.repository.appendingPathComponent("specs")
        let files = (FileManager.default.enumerator(atPath: specs.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 20)
        for file in files {
            try expectSame(try String(contentsOf: specs.appendingPathComponent(file), encoding: .utf8), file)
        }
    }

    @Test func scalarTagsAnchorsAliasesAndStylesMatchYams() throws {
        let text = """
            plain: text
            quoted: 'yes'
            double: "1"
            words: [yes, No, on, OFF, true, False, null, Null, ~, '']
            numbers: [1, -2, +3, 0x1F, 0o17, 017, 1_000, 1.5, .5, -.inf, .NaN, 1e3, 190:20:30]
            dates: [2001-12-14, 2001-12-14t21:59:43.10-05:00]
            special: [<<, =, -, ., +, _x, $y, yesno, nope, Onward, nullable]
            empty:
            tagged: !!str 12
            nonspecific: ! 12
            custom: !thing value
            anchored: &a {k: v, n: 3}
            again: *a
            list: &l
              - one
              - two: 2
            alsoList: *l
            block: |
              line one
              line two
            folded: >
              folded
              text
            ? complex
            : key
            "quoted key": 1
            """
        try expectSame(text, "mixed document")
    }

    @Test func emptyStreamsAndDocumentMarkersMatchYams() throws {
        for text in ["", "# only a comment\n", "---\n", "--- 42\n...\n", "just a scalar", "- a\n- b\n"] {
            try expectSame(text, text.debugDescription)
        }
    }

    @Test func errorsTheComposerReportsAreYamsOwn() throws {
        for text in ["key: *missing\n", "a: 1\n---\nb: 2\n", "key: [unclosed\n", "a: b: c\n"] {
            let ours = try YAMLGuard.compose(text).root
            let theirs = Result { try Yams.compose(yaml: text) }
            guard case .failure(let ourError) = ours, case .failure(let theirError) = theirs else {
                Issue.record("\(text.debugDescription): expected both to fail, got \(ours) and \(theirs)")
                continue
            }
            #expect("\(ourError)" == "\(theirError)")
        }
    }

    @Test func duplicateKeysAreComparedByTextAndResolvedTag() throws {
        // `1` (an int) and `'1'` (a string) are different keys; `name` and `'name'` are the same key.
        #expect(throws: Never.self) { _ = try YAMLGuard.compose("1: a\n'1': b\n") }
        let problem = try #require(throws: YAMLGuardProblem.self) { _ = try YAMLGuard.compose("name: a\n'name': b\n") }
        #expect(problem.kind == .duplicateKey && problem.line == 2)
        let tagged = try #require(throws: YAMLGuardProblem.self) { _ = try YAMLGuard.compose("! key: a\nkey: b\n") }
        #expect(tagged.kind == .duplicateKey)
    }

    @Test func plainScalarsResolvedAtOnceAreExactlyThoseYamsResolvesToStrings() {
        for value in ["name", "yesno", "Onward", "nullable", "_x", "$y", "/path", "a b", "é", "NO2", "ofF"] {
            #expect(NodeBuilder.resolvesToString(value), "\(value)")
            #expect(Node(value, Tag(.implicit), .plain).tag.description == Tag.Name.str.rawValue, "\(value)")
        }
        for value in ["", "yes", "Off", "NULL", "1", "-x", "+", ".inf", "~", "<<", "="] {
            #expect(!NodeBuilder.resolvesToString(value), "\(value)")
        }
    }
}
