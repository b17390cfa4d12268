import Foundation
import Yams

/// Checks YAML text against ``YAMLLimits`` before anything composes it, so a hostile file is refused with a
/// located message instead of exhausting memory, time or the stack.
///
/// Used wherever YAML from a file is loaded (spec files, `ref:` sub-agents, cassettes). The checks:
/// - the text is UTF-8 without control characters YAML forbids (``decode(_:limits:)``, ``check(_:limits:)``);
/// - the file size, nesting depth, number of alias uses and the node count with every alias expanded stay within
///   the limits (counted on libyaml's event stream, so an alias costs the size of its anchor without being
///   expanded);
/// - no mapping repeats a scalar key (reported at the second occurrence, with a note at the first).
///
/// Syntax errors are left to the composer, which reports them with their own location.
public enum YAMLGuard {
    /// The bytes of a file as text, refusing an oversized file and locating the first byte that is not UTF-8.
    public static func decode(_ data: Data, limits: YAMLLimits = .standard) throws(YAMLGuardProblem) -> String {
        try checkSize(data.count, limits: limits)
        if let text = String(validating: data, as: UTF8.self) { return text }
        var line = 1
        var column = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return String(decoding: data, as: UTF8.self)  // unreachable: validation failed above
            case .error:
                throw YAMLGuardProblem(
                    kind: .notText, line: line, column: column,
                    message: "the file is not UTF-8 text (invalid byte sequence at byte offset \(offset))")
            }
        }
    }

    /// Checks decoded text: size, characters, nesting, aliases, expanded size and duplicate keys.
    /// - Returns: the document's node count with aliases expanded (for budgets spanning several files).
    @discardableResult
    public static func check(_ text: String, limits: YAMLLimits = .standard) throws(YAMLGuardProblem) -> Int {
        try checkSize(text.utf8.count, limits: limits)
        try checkCharacters(text)
        var walk = EventWalk(limits: limits)
        if let problem = walk.run(text) { throw problem }
        return walk.nodes
    }

    /// A checked document: its node count (aliases expanded) and its root node.
    public struct Document {
        /// The document's node count with aliases expanded.
        public var nodes: Int
        /// The root node (nil for an empty stream), or the syntax error Yams' composer reports for the text.
        public var root: Result<Node?, any Error>
    }

    /// Checks decoded text like ``check(_:limits:)`` and composes it in the same pass over libyaml's events, with
    /// the nodes, tags and marks `Yams.compose(yaml:)` gives; syntax errors are Yams' own.
    public static func compose(_ text: String, limits: YAMLLimits = .standard) throws(YAMLGuardProblem) -> Document {
        try checkSize(text.utf8.count, limits: limits)
        try checkCharacters(text)
        var walk = EventWalk(limits: limits)
        var builder = NodeBuilder()
        if let problem = walk.run(text, building: &builder) { throw problem }
        if builder.needsComposer {
            return Document(nodes: walk.nodes, root: Result { try Yams.compose(yaml: text) })
        }
        return Document(nodes: walk.nodes, root: .success(builder.root))
    }

    private static func checkSize(_ count: Int, limits: YAMLLimits) throws(YAMLGuardProblem) {
        if count > limits.maxBytes {
            throw YAMLGuardProblem(
                kind: .tooLarge, line: 1, column: 1,
                message: "the file is larger than \(limits.maxBytes) bytes, the limit for YAML files")
        }
    }

    /// The characters libyaml refuses (C0 and C1 controls other than tab, line feed, carriage return and NEL;
    /// U+FFFE and U+FFFF), located; libyaml itself reports them without a line.
    private static func checkCharacters(_ text: String) throws(YAMLGuardProblem) {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                line += 1
                column = 1
                continue
            }
            if !isPrintable(scalar) {
                let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
                let name = scalar.value == 0 ? " (NUL)" : ""
                throw YAMLGuardProblem(
                    kind: .notText, line: line, column: column,
                    message: "control character \(code)\(name) is not allowed in YAML (binary data is not a spec)")
            }
            column += 1
        }
    }

    /// libyaml's `IS_PRINTABLE` plus the line breaks it accepts.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
