import Foundation
import Workflow
import YAMLGuard
import Yams

extension Cassette {
    /// Reads and validates a cassette file.
    /// - Throws: ``CassetteError`` with file:line:column for syntax errors, unknown keys and wrong types.
    /// - Throws: also for files past ``YAMLLimits/standard`` (size, aliases, expanded nodes, nesting) and for bytes
    ///   that are not UTF-8 text, located.
    public static func load(contentsOf url: URL) throws -> Cassette {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            // One byte past the limit is enough to refuse an oversized file (or /dev/zero) without reading it all.
            data = try handle.read(upToCount: YAMLLimits.standard.maxBytes + 1) ?? Data()
        } catch {
            throw CassetteError(file: url.path, message: "cannot read the cassette: \(error.localizedDescription)")
        }
        do {
            return try parse(yaml: try YAMLGuard.decode(data), file: url.path)
        } catch let problem as YAMLGuardProblem {
            throw CassetteError(file: url.path, line: problem.line, column: problem.column, message: problem.message)
        }
    }

    /// Parses cassette YAML; `file` names the source in errors.
    /// - Throws: ``CassetteError``, also when the text crosses ``YAMLLimits/standard`` (located where it does).
    public static func parse(yaml: String, file: String) throws -> Cassette {
        do {
            try YAMLGuard.check(yaml)
        } catch {
            var message = error.message
            if let note = error.note { message += " (\(note.message): line \(note.line), column \(note.column))" }
            throw CassetteError(file: file, line: error.line, column: error.column, message: message)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw CassetteReader(file: file).syntaxError(error)
        }
        guard let root else {
            throw CassetteError(file: file, message: "the cassette is empty; expected a mapping with 'conversations:'")
        }
        return try CassetteReader(file: file).cassette(root)
    }

    /// The cassette as YAML in the documented format (keys in documented order, strings quoted where YAML
    /// would read them as another type, multi-line strings as literal blocks).
    public func yamlText() throws -> String {
        let writer = CassetteWriter()
        var pairs = [(Node("conversations"), Node(conversations.map(writer.conversation)))]
        if !media.isEmpty { pairs.append((Node("media"), Node(media.map(writer.mediaAnswer)))) }
        if !embeddings.isEmpty { pairs.append((Node("embeddings"), writer.embeddings(embeddings))) }
        let root = Node(pairs)
        return try Yams.serialize(node: root, width: -1, allowUnicode: true)
    }

    /// Writes the YAML atomically (a temporary file renamed over `url`), so a reader never sees half a cassette.
    public func write(to url: URL) throws {
        try Data(yamlText().utf8).write(to: url, options: .atomic)
    }
}

extension Node {
    /// The node's resolved tag (`Tag.name` itself is internal to Yams).
    fileprivate var resolvedTagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}

/// Builds a ``Cassette`` from a YAML node tree, checking keys and types with source positions.
private struct CassetteReader {
    let file: String

    func fail(_ node: Node, _ message: String) -> CassetteError {
        CassetteError(file: file, line: node.mark?.line, column: node.mark?.column, message: message)
    }

    func syntaxError(_ error: YamlError) -> CassetteError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text); " } ?? ""
            return CassetteError(
                file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return CassetteError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key(s) \(duplicates.sorted().joined(separator: ", ")) in \(context.text)")
        default:
            return CassetteError(file: file, message: "invalid YAML: \(error)")
        }
    }

    /// The pairs of a mapping, rejecting keys outside `allowed`.
    func fields(_ node: Node, _ what: String, allowed: [String]) throws -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping") }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw fail(key, "keys of \(what) must be strings") }
            guard allowed.contains(name) else {
                throw fail(
                    key, "unknown key '\(name)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
            }
            fields[name] = value
        }
        return fields
    }

    /// A scalar's text; nil for an explicit null.
    func string(_ node: Node?, _ what: String) throws -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else { throw fail(node, "\(what) must be a string") }
        return node.resolvedTagName == .null ? nil : scalar.string
    }

    func int(_ node: Node, _ what: String) throws -> Int {
        guard node.resolvedTagName == .int, let value = node.int else { throw fail(node, "\(what) must be an integer") }
        return value
    }

    func sequence(_ node: Node?, _ what: String) throws -> [Node] {
        guard let node else { return [] }
        if node.resolvedTagName == .null { return [] }
        guard let sequence = node.sequence else { throw fail(node, "\(what) must be a list") }
        return Array(sequence)
    }

    func cassette(_ root: Node) throws -> Cassette {
        let top = try fields(root, "the cassette", allowed: ["conversations", "media", "embeddings"])
        let embeddingsNode = top["embeddings"].flatMap { $0.resolvedTagName == .null ? nil : $0 }
        guard top["conversations"] != nil || top["media"] != nil || embeddingsNode != nil else {
            throw fail(root, "missing key 'conversations'")
        }
        let conversations = try sequence(top["conversations"], "'conversations'").enumerated().map { index, node in
            try conversation(node, "conversations[\(index)]")
        }
        let media = try sequence(top["media"], "'media'").enumerated().map { index, node in
            try mediaAnswer(node, "media[\(index)]")
        }
        return Cassette(conversations: conversations, media: media, embeddings: try embeddingsNode.map(embeddings) ?? .init())
    }

    func mediaAnswer(_ node: Node, _ what: String) throws -> Cassette.MediaAnswer {
        let fields = try fields(node, what, allowed: ["match", "mimeType", "base64", "text", "file"])
        var match = Cassette.MediaMatch()
        if let matchNode = fields["match"], matchNode.resolvedTagName != .null {
            let conditions = try self.fields(matchNode, "\(what).match", allowed: ["model", "prompt", "kind"])
            match.model = try string(conditions["model"], "\(what).match.model")
            match.prompt = try string(conditions["prompt"], "\(what).match.prompt")
            if let kindNode = conditions["kind"], let kind = try string(kindNode, "\(what).match.kind") {
                guard let parsed = MediaRequest.Kind(rawValue: kind) else {
                    throw fail(kindNode, "\(what).match.kind must be image, audio or video, not '\(kind)'")
                }
                match.kind = parsed
            }
        }
        guard let mimeType = try string(fields["mimeType"], "\(what).mimeType"), !mimeType.isEmpty else {
            throw fail(node, "\(what): missing key 'mimeType' (e.g. image/png)")
        }
        let sources = ["base64", "text", "file"].filter { fields[$0] != nil }
        guard sources.count == 1, let key = sources.first, let sourceNode = fields[key] else {
            throw fail(node, "\(what) needs exactly one of 'base64', 'text' or 'file'")
        }
        let value = try string(sourceNode, "\(what).\(key)") ?? ""
        let data: Data
        switch key {
        case "base64":
            guard let decoded = Data(base64Encoded: value, options: .ignoreUnknownCharacters) else {
                throw fail(sourceNode, "\(what).base64 is not valid base64")
            }
            data = decoded
        case "text":
            data = Data(value.utf8)
        default:
            let base = URL(fileURLWithPath: file).deletingLastPathComponent()
            let url = value.hasPrefix("/") ? URL(fileURLWithPath: value) : base.appendingPathComponent(value)
            guard let contents = FileManager.default.contents(atPath: url.path) else {
                throw fail(sourceNode, "\(what).file: cannot read \(url.path)")
            }
            data = contents
        }
        return Cassette.MediaAnswer(match: match, mimeType: mimeType, data: data)
    }

    func embeddings(_ node: Node) throws -> Cassette.Embeddings {
        let fields = try fields(node, "embeddings", allowed: ["dimensions", "vectors"])
        var embeddings = Cassette.Embeddings()
        if let dimensions = fields["dimensions"], dimensions.resolvedTagName != .null {
            let value = try int(dimensions, "embeddings.dimensions")
            guard (1...65_536).contains(value) else {
                throw fail(dimensions, "embeddings.dimensions must be between 1 and 65536")
            }
            embeddings.dimensions = value
        }
        embeddings.vectors = try sequence(fields["vectors"], "embeddings.vectors").enumerated().map { index, item in
            let what = "embeddings.vectors[\(index)]"
            let entry = try self.fields(item, what, allowed: ["model", "text", "vector"])
            guard let text = try string(entry["text"], "\(what).text") else { throw fail(item, "\(what): missing key 'text'") }
            guard let vectorNode = entry["vector"] else { throw fail(item, "\(what): missing key 'vector'") }
            let numbers = try sequence(vectorNode, "\(what).vector").map { number -> Float in
                guard case .scalar = number, let value = try json(number).doubleValue else {
                    throw fail(number, "\(what).vector must be a list of numbers")
                }
                return Float(value)
            }
            if numbers.isEmpty { throw fail(vectorNode, "\(what).vector must hold at least one number") }
            return Cassette.RecordedVector(model: try string(entry["model"], "\(what).model"), text: text, vector: numbers)
        }
        return embeddings
    }

    func conversation(_ node: Node, _ what: String) throws -> Cassette.Conversation {
        let fields = try fields(node, what, allowed: ["match", "turns"])
        var match = Cassette.Match()
        if let matchNode = fields["match"], matchNode.resolvedTagName != .null {
            let conditions = try self.fields(matchNode, "\(what).match", allowed: ["model", "prompt", "system"])
            match.model = try string(conditions["model"], "\(what).match.model")
            match.prompt = try string(conditions["prompt"], "\(what).match.prompt")
            match.system = try string(conditions["system"], "\(what).match.system")
        }
        guard let turnsNode = fields["turns"] else { throw fail(node, "\(what): missing key 'turns'") }
        let turns = try sequence(turnsNode, "\(what).turns").enumerated().map { index, turnNode in
            try turn(turnNode, "\(what).turns[\(index)]")
        }
        if turns.isEmpty { throw fail(turnsNode, "\(what).turns must hold at least one turn") }
        return Cassette.Conversation(match: match, turns: turns)
    }

    func turn(_ node: Node, _ what: String) throws -> Cassette.Turn {
        let fields = try fields(
            node, what, allowed: ["content", "toolCalls", "usage", "reasoning", "finishReason"])
        var turn = Cassette.Turn()
        turn.content = try string(fields["content"], "\(what).content") ?? ""
        turn.reasoning = try string(fields["reasoning"], "\(what).reasoning")
        turn.finishReason = try string(fields["finishReason"], "\(what).finishReason")
        turn.toolCalls = try sequence(fields["toolCalls"], "\(what).toolCalls").enumerated().map { index, callNode in
            try toolCall(callNode, "\(what).toolCalls[\(index)]")
        }
        if let usageNode = fields["usage"], usageNode.resolvedTagName != .null {
            let usage = try self.fields(usageNode, "\(what).usage", allowed: ["promptTokens", "completionTokens"])
            guard let prompt = usage["promptTokens"], let completion = usage["completionTokens"] else {
                throw fail(usageNode, "\(what).usage needs both promptTokens and completionTokens")
            }
            turn.usage = Cassette.Usage(
                promptTokens: try int(prompt, "\(what).usage.promptTokens"),
                completionTokens: try int(completion, "\(what).usage.completionTokens"))
        }
        return turn
    }

    func toolCall(_ node: Node, _ what: String) throws -> Cassette.ScriptedToolCall {
        let fields = try fields(node, what, allowed: ["id", "name", "arguments"])
        guard let name = try string(fields["name"], "\(what).name"), !name.isEmpty else {
            throw fail(node, "\(what): missing key 'name'")
        }
        var arguments: [String: JSONValue] = [:]
        if let argumentsNode = fields["arguments"], argumentsNode.resolvedTagName != .null {
            guard case .object(let object) = try json(argumentsNode) else {
                throw fail(argumentsNode, "\(what).arguments must be a mapping")
            }
            arguments = object
        }
        return Cassette.ScriptedToolCall(id: try string(fields["id"], "\(what).id"), name: name, arguments: arguments)
    }

    /// Any YAML value as JSON, with YAML's own scalar typing (quoted scalars stay strings).
    func json(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.resolvedTagName {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map(JSONValue.int) ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { throw fail(key, "object keys must be strings") }
                object[name] = try json(value)
            }
            return .object(object)
        case .alias:
            throw fail(node, "YAML aliases are not supported in cassettes")
        }
    }
}

/// Turns a ``Cassette`` into YAML nodes in the documented key order.
private struct CassetteWriter {
    func conversation(_ conversation: Cassette.Conversation) -> Node {
        var conditions: [(Node, Node)] = []
        if let model = conversation.match.model { conditions.append((Node("model"), string(model))) }
        if let prompt = conversation.match.prompt { conditions.append((Node("prompt"), string(prompt))) }
        if let system = conversation.match.system { conditions.append((Node("system"), string(system))) }
        var pairs: [(Node, Node)] = []
        if !conditions.isEmpty { pairs.append((Node("match"), Node(conditions))) }
        pairs.append((Node("turns"), Node(conversation.turns.map(turn))))
        return Node(pairs)
    }

    func mediaAnswer(_ answer: Cassette.MediaAnswer) -> Node {
        var conditions: [(Node, Node)] = []
        if let model = answer.match.model { conditions.append((Node("model"), string(model))) }
        if let prompt = answer.match.prompt { conditions.append((Node("prompt"), string(prompt))) }
        if let kind = answer.match.kind { conditions.append((Node("kind"), string(kind.rawValue))) }
        var pairs: [(Node, Node)] = []
        if !conditions.isEmpty { pairs.append((Node("match"), Node(conditions))) }
        pairs.append((Node("mimeType"), string(answer.mimeType)))
        pairs.append((Node("base64"), string(answer.data.base64EncodedString())))
        return Node(pairs)
    }

    func turn(_ turn: Cassette.Turn) -> Node {
        var pairs: [(Node, Node)] = [(Node("content"), string(turn.content))]
        if !turn.toolCalls.isEmpty {
            pairs.append((Node("toolCalls"), Node(turn.toolCalls.map(toolCall))))
        }
        if let usage = turn.usage {
            let counts: [(Node, Node)] = [
                (Node("promptTokens"), Node(String(usage.promptTokens), Tag(.int))),
                (Node("completionTokens"), Node(String(usage.completionTokens), Tag(.int))),
            ]
            pairs.append((Node("usage"), Node(counts, Tag(.map), .flow)))
        }
        if let reasoning = turn.reasoning { pairs.append((Node("reasoning"), string(reasoning))) }
        if let finishReason = turn.finishReason { pairs.append((Node("finishReason"), string(finishReason))) }
        return Node(pairs)
    }

    func embeddings(_ embeddings: Cassette.Embeddings) -> Node {
        var pairs: [(Node, Node)] = []
        if let dimensions = embeddings.dimensions { pairs.append((Node("dimensions"), Node(String(dimensions), Tag(.int)))) }
        if !embeddings.vectors.isEmpty {
            pairs.append((Node("vectors"), Node(embeddings.vectors.map(recordedVector))))
        }
        return Node(pairs)
    }

    func recordedVector(_ recorded: Cassette.RecordedVector) -> Node {
        var pairs: [(Node, Node)] = []
        if let model = recorded.model { pairs.append((Node("model"), string(model))) }
        pairs.append((Node("text"), string(recorded.text)))
        // One line per vector: a recorded 1536-number vector stays readable as a single flow list.
        let numbers = recorded.vector.map { Node(String($0), Tag(.float)) }
        pairs.append((Node("vector"), Node(numbers, Tag(.seq), .flow)))
        return Node(pairs)
    }

    func toolCall(_ call: Cassette.ScriptedToolCall) -> Node {
        var fields: [(Node, Node)] = []
        if let id = call.id { fields.append((Node("id"), string(id))) }
        fields.append((Node("name"), string(call.name)))
        fields.append((Node("arguments"), json(.object(call.arguments))))
        return Node(fields)
    }

    /// A string scalar that reads back as the same string.
    func string(_ text: String) -> Node {
        if text.contains("\n") { return Node(text, Tag(.str), .literal) }
        let plainReading = Resolver.default.resolveTag(of: Node(text))
        let needsQuotes =
            plainReading != .str || text.isEmpty || text.first == " " || text.last == " "
            || text.contains(": ") || text.contains(" #") || "-?:,[]{}#&*!|>'\"%@`".contains(text.first!)
        return Node(text, Tag(.str), needsQuotes ? .doubleQuoted : .plain)
    }

    func json(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .int(let number): return Node(String(number), Tag(.int))
        case .double(let number): return Node(String(number), Tag(.float))
        case .string(let text): return string(text)
        case .array(let items): return Node(items.map(json), Tag(.seq))
        case .object(let object):
            return Node(object.keys.sorted().map { (string($0), json(object[$0]!)) }, Tag(.map))
        }
    }
}
