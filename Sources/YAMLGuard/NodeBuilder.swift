internal import CYaml
import Yams

/// Builds Yams nodes from the libyaml events ``EventWalk`` checks, as Yams' own composer builds them (same tags,
/// styles, marks and anchors), so a checked file is parsed once instead of twice.
///
/// Plain scalars that cannot match any implicit rule of Yams' default resolver (they start with a letter and are
/// not one of its boolean or null words) get the `str` tag at once; the rest keep the implicit tag Yams resolves
/// with its regular expressions when asked. Anything unusual (an undefined alias, a second document) is left to
/// Yams' composer, which reports it in its own words.
struct NodeBuilder {
    private struct Open {
        var isMapping: Bool
        var items: [Node] = []
        var tag: String?
        var anchor: String?
        var mark: Mark
    }

    private var open: [Open] = []
    /// One constructor for every tag of the document, as Yams' composer shares its parser's: `Constructor.default`
    /// builds three new tables each time it is read, which cost more than the rest of building a node.
    private let constructor = Constructor.default
    private var anchors: [String: Node] = [:]
    private var documents = 0
    private(set) var root: Node?
    /// The stream needs Yams' composer (for an error message of its own).
    private(set) var needsComposer = false

    mutating func consume(_ event: yaml_event_t) {
        guard Self.marksAreBuildable else {
            needsComposer = true
            return
        }
        let mark = Self.mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 { needsComposer = true }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let tagName: String? = scalar.quoted_implicit == 1 ? Tag.Name.str.rawValue : Self.string(scalar.tag)
            let style = Node.Scalar.Style(rawValue: numericCast(scalar.style.rawValue)) ?? .any
            let anchor = Self.string(scalar.anchor)
            add(.scalar(.init(value, scalarTag(tagName, value: value), style, mark, anchor.map(Anchor.init(rawValue:)))),
                anchor: anchor)
        case YAML_ALIAS_EVENT:
            guard let name = Self.string(event.data.alias.anchor), let node = anchors[name] else {
                needsComposer = true
                return
            }
            add(node, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            open.append(Open(
                isMapping: false, tag: start.implicit != 0 ? nil : Self.string(start.tag), anchor: Self.string(start.anchor),
                mark: mark))
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            open.append(Open(
                isMapping: true, tag: start.implicit != 0 ? nil : Self.string(start.tag), anchor: Self.string(start.anchor),
                mark: mark))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let done = open.popLast() else { return }
            let tag = Tag(done.tag.map(Tag.Name.init(rawValue:)) ?? .implicit, .default, constructor)
            let anchor = done.anchor.map(Anchor.init(rawValue:))
            // Yams takes a collection's style from its end event, which carries none.
            if done.isMapping {
                var pairs: [(Node, Node)] = []
                pairs.reserveCapacity(done.items.count / 2)
                var index = 0
                while index + 1 < done.items.count {
                    pairs.append((done.items[index], done.items[index + 1]))
                    index += 2
                }
                add(.mapping(.init(pairs, tag, .any, done.mark, anchor)), anchor: done.anchor)
            } else {
                add(.sequence(.init(done.items, tag, .any, done.mark, anchor)), anchor: done.anchor)
            }
        default:
            break
        }
    }

    /// libyaml stopped at a syntax error; Yams' composer reports it.
    mutating func syntaxError() {
        needsComposer = true
    }

    private mutating func add(_ node: Node, anchor: String?) {
        if let anchor { anchors[anchor] = node }
        if open.isEmpty {
            root = node
        } else {
            open[open.count - 1].items.append(node)
        }
    }

    /// The tag Yams' composer gives a scalar, resolved at once where the answer is certain to be `str`.
    private func scalarTag(_ name: String?, value: String) -> Tag {
        if let name { return Tag(Tag.Name(rawValue: name), .default, constructor) }
        return Tag(Self.resolvesToString(value) ? .str : .implicit, .default, constructor)
    }

    /// Whether Yams' default resolver (bool, int, float, merge, null, timestamp, value) maps a plain scalar to `str`
    /// for certain: every one of its patterns starts with a digit, a sign, `.`, `~`, `<` or `=`, matches the empty
    /// string, or is one of a few words.
    static func resolvesToString(_ value: String) -> Bool {
        guard let first = value.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: "="):
            return false
        default:
            return value.utf8.count > 5 || !resolverWords.contains(value)
        }
    }

    private static let resolverWords: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
    ]

    /// Yams' `Mark` (two `Int`s, line then column) has no public initializer; it is built from its layout, which
    /// is checked once (a different layout leaves every file to Yams' composer).
    private static let marksAreBuildable = MemoryLayout<Mark>.size == MemoryLayout<(Int, Int)>.size
        && mark(line: 3, column: 5).line == 3 && mark(line: 3, column: 5).column == 5

    private static func mark(line: Int, column: Int) -> Mark {
        unsafeBitCast((line, column), to: Mark.self)
    }

    /// Yams reads names with invalid UTF-8 repaired.
    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.flatMap { String.decodeCString($0, as: UTF8.self, repairingInvalidCodeUnits: true)?.result }
    }
}
