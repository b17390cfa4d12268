internal import CYaml
import Yams

/// One pass over libyaml's event stream (the parser Yams composes with), keeping only counters: the expanded size
/// of every anchored node, the open lists and mappings, and the scalar keys of each open mapping.
struct EventWalk {
    let limits: YAMLLimits

    private struct Frame {
        var isMapping: Bool
        var anchor: String?
        /// Nodes so far, this one included, with aliases expanded.
        var size = 1
        var expectingKey = true
        var keys: [Key: (line: Int, column: Int)] = [:]
    }

    /// A mapping key as the composer compares keys: its text and its resolved tag (`1` and `'1'` differ).
    private struct Key: Hashable {
        var text: String
        var tag: String
    }

    private var frames: [Frame] = []
    private var anchorSizes: [String: Int] = [:]
    /// Nodes seen so far, aliases expanded.
    private(set) var nodes = 0
    private var aliases = 0

    init(limits: YAMLLimits) { self.limits = limits }

    /// The first limit crossed or key repeated; nil when the text is within bounds or has a syntax error (which the
    /// composer then reports). With a `builder`, the checked events are also composed into nodes.
    mutating func run(_ text: String, building builder: UnsafeMutablePointer<NodeBuilder>? = nil) -> YAMLGuardProblem? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder?.pointee.syntaxError()
                    return nestingProblem(parser)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let problem = visit(event) { return problem }
                builder?.pointee.consume(event)
            }
        }
    }

    private mutating func visit(_ event: yaml_event_t) -> YAMLGuardProblem? {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            if let problem = count(1, line: line, column: column, alias: nil) { return problem }
            if let anchor = name(scalar.anchor) { anchorSizes[anchor] = 1 }
            guard let frame = frames.last, frame.isMapping, frame.expectingKey else {
                return completed(size: 1, key: nil, line: line, column: column)
            }
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let tag: String
            if scalar.quoted_implicit == 1 {
                tag = Tag.Name.str.rawValue
            } else if let explicit = name(scalar.tag) {
                tag = explicit == "!" ? Tag.Name.str.rawValue : explicit
            } else if NodeBuilder.resolvesToString(value) {
                tag = Tag.Name.str.rawValue
            } else {
                tag = Node(value, Tag(.implicit), .plain).tag.description
            }
            return completed(size: 1, key: Key(text: value, tag: tag), line: line, column: column)
        case YAML_ALIAS_EVENT:
            aliases += 1
            let anchor = name(event.data.alias.anchor) ?? ""
            if aliases > limits.maxAliases {
                return YAMLGuardProblem(
                    kind: .tooManyAliases, line: line, column: column,
                    message: "alias '*\(Self.clipped(anchor))' is alias use number \(aliases); a document may use at "
                        + "most \(limits.maxAliases) aliases")
            }
            // An undefined alias counts one node; the composer reports it.
            let size = anchorSizes[anchor] ?? 1
            if let problem = count(size, line: line, column: column, alias: anchor) { return problem }
            return completed(size: size, key: nil, line: line, column: column)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            if let problem = count(1, line: line, column: column, alias: nil) { return problem }
            if frames.count >= limits.maxDepth {
                return YAMLGuardProblem(
                    kind: .tooDeep, line: line, column: column,
                    message: "lists and mappings nest deeper than \(limits.maxDepth) levels")
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            frames.append(Frame(isMapping: isMapping, anchor: name(anchor)))
            return nil
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = frames.popLast() else { return nil }
            if let anchor = frame.anchor { anchorSizes[anchor] = frame.size }
            return completed(size: frame.size, key: nil, line: line, column: column)
        default:
            return nil
        }
    }

    /// Adds `size` expanded nodes to the document.
    private mutating func count(_ size: Int, line: Int, column: Int, alias: String?) -> YAMLGuardProblem? {
        nodes += size
        guard nodes > limits.maxNodes else { return nil }
        if let alias {
            return YAMLGuardProblem(
                kind: .tooManyNodes, line: line, column: column,
                message: "alias '*\(Self.clipped(alias))' expands to \(size) nodes, taking the document past "
                    + "\(limits.maxNodes) nodes (anchors and aliases must not multiply a document)")
        }
        return YAMLGuardProblem(
            kind: .tooManyNodes, line: line, column: column, message: "the document has more than \(limits.maxNodes) nodes")
    }

    /// A child node of the innermost list or mapping is complete: its size counts towards the parent's, and a
    /// scalar key is checked against the mapping's earlier keys.
    private mutating func completed(size: Int, key: Key?, line: Int, column: Int) -> YAMLGuardProblem? {
        guard !frames.isEmpty else { return nil }
        let index = frames.count - 1
        frames[index].size += size
        guard frames[index].isMapping else { return nil }
        defer { frames[index].expectingKey.toggle() }
        guard frames[index].expectingKey, let key else { return nil }
        if let first = frames[index].keys[key] {
            let text = key.text
            guard Self.isIdentifier(text) else {
                return YAMLGuardProblem(
                    kind: .duplicateKey, line: line, column: column,
                    message: "a mapping repeats a key (first at line \(first.line), column \(first.column)); the key is "
                        + "not shown because it is not a plain name",
                    showsSource: false)
            }
            return YAMLGuardProblem(
                kind: .duplicateKey, line: line, column: column, message: "duplicate key '\(text)' in mapping",
                note: .init(line: first.line, column: first.column, message: "'\(text)' first appears here"))
        }
        frames[index].keys[key] = (line, column)
        return nil
    }

    /// libyaml's own nesting limit (its scanner looks ahead, so it can trip before this walk sees the depth) as
    /// the same located problem; other syntax errors are the composer's to report.
    private func nestingProblem(_ parser: yaml_parser_t) -> YAMLGuardProblem? {
        guard let problem = parser.problem, String(cString: problem).localizedCaseInsensitiveContains("nesting") else { return nil }
        return YAMLGuardProblem(
            kind: .tooDeep, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
            message: "lists and mappings nest deeper than \(limits.maxDepth) levels")
    }

    /// A key worth repeating in a message: a short plain name such as `model` or `service_name`.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64,
            first == "_" || first.properties.isAlphabetic
        else { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.$@".unicodeScalars.contains($0) }
    }

    private func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Names and keys are quoted in messages, but never at length.
    static func clipped(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }
}
