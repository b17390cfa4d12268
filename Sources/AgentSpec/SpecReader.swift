import Foundation
import Workflow
import Yams

/// Walks a composed YAML document against ``SpecSchema``, converting it to JSON and collecting every problem
/// with its line and column. Sub-agents written as `{ref: path}` are loaded through `resolveRef`.
struct SpecReader {
    /// One source file: its path as given and its text, whose lines the caret display quotes.
    struct Source {
        var path: String
        var text: String

        init(path: String, text: String) {
            self.path = path
            self.text = text
        }

        /// Line `number` (1-based) without its line break; found when a diagnostic needs it, since most files
        /// have none and splitting every file into lines cost a twentieth of loading it.
        func line(_ number: Int) -> String? {
            guard number >= 1 else { return nil }
            let utf8 = text.utf8
            var start = utf8.startIndex
            var current = 1
            while current < number {
                guard let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                start = utf8.index(after: newline)
                current += 1
            }
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            var line = String(decoding: utf8[start..<end], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            return line
        }
    }

    let source: Source
    /// How source maps name this file: relative to the top-level spec's directory, or absolute outside it.
    var locationFile: String
    /// Loads `{ref: path}` sub-agents: (path as written, mark of the path) → the agent's JSON, or nil on failure.
    let resolveRef: (String, Mark?) -> JSONValue?
    var diagnostics: [Diagnostic] = []

    init(source: Source, resolveRef: @escaping (String, Mark?) -> JSONValue?) {
        self.source = source
        self.locationFile = source.path
        self.resolveRef = resolveRef
    }

    mutating func report(_ message: String, at mark: Mark?, severity: Diagnostic.Severity = .error) {
        let line = mark?.line ?? 0
        diagnostics.append(Diagnostic(
            file: source.path, line: line, column: mark?.column ?? 0, message: message, severity: severity,
            sourceLine: source.line(line)))
    }

    // MARK: - Values

    /// Converts `node` to JSON, checking it against `type`. `what` names the value in messages.
    mutating func read(_ node: Node, as type: SchemaType, what: String) -> JSONValue {
        switch type {
        case .any:
            return plain(node)
        case .string:
            guard case .scalar(let scalar) = node, node.tagName != .null else {
                return mismatch(node, expected: "a string", what: what)
            }
            return .string(scalar.string)
        case .integer:
            guard node.tagName == .int, let value = node.int else { return mismatch(node, expected: "an integer", what: what) }
            return .int(value)
        case .number:
            if node.tagName == .int, let value = node.int { return .int(value) }
            guard node.tagName == .float, let value = node.float, value.isFinite else {
                return mismatch(node, expected: "a number", what: what)
            }
            return .double(value)
        case .boolean:
            guard node.tagName == .bool, let value = node.bool else { return mismatch(node, expected: "true or false", what: what) }
            return .bool(value)
        case .enumeration(let allowed):
            guard case .scalar(let scalar) = node, node.tagName != .null else {
                return mismatch(node, expected: "one of \(allowed.joined(separator: ", "))", what: what)
            }
            if !allowed.contains(scalar.string) {
                report(
                    "\(what) has unknown value '\(scalar.string)'\(Suggestion.hint(for: scalar.string, in: allowed)) (expected one of: \(allowed.joined(separator: ", ")))",
                    at: node.mark)
            }
            return .string(scalar.string)
        case .array(let element):
            guard case .sequence(let sequence) = node else { return mismatch(node, expected: "a list", what: what) }
            return .array(sequence.map { read($0, as: element, what: what) })
        case .map(let value):
            guard let pairs = mappingPairs(node, what: what) else { return .null }
            var object: [String: JSONValue] = [:]
            for (key, valueNode) in pairs {
                object[key.1] = read(valueNode, as: value, what: "value of '\(key.1)'")
            }
            return .object(object)
        case .object(let schema):
            return readObject(node, schema: schema).0
        case .stringOrMap:
            if case .mapping = node { return read(node, as: .map(.any), what: what) }
            return read(node, as: .string, what: what)
        case .agent:
            return readAgentOrRef(node)
        case .jsonSchema:
            let value = read(node, as: .map(.any), what: what)
            if case .mapping = node { checkJSONSchema(node, what: what) }
            return value
        case .router:
            guard case .mapping(let mapping) = node else { return mismatch(node, expected: "a mapping", what: what) }
            if mapping.keys.contains(where: { $0.string == "taskName" }) {
                return readObject(node, schema: SpecSchema.workerRef).0
            }
            return readAgent(node)
        }
    }

    private mutating func mismatch(_ node: Node, expected: String, what: String) -> JSONValue {
        report("\(what) must be \(expected), found \(describe(node))", at: node.mark)
        return .null
    }

    /// The node for a type error: its kind, and a scalar's text (clipped), as in "string 'ten'".
    private func describe(_ node: Node) -> String {
        guard case .scalar(let scalar) = node, node.tagName != .null else { return Self.kind(of: node) }
        let noun: String
        switch node.tagName {
        case .bool: noun = "boolean"
        case .int: noun = "integer"
        case .float: noun = "number"
        default: noun = "string"
        }
        return "\(noun) '\(Self.clipped(scalar.string))'"
    }

    /// What a node is, without its content: "a mapping", "a list", "a string", …
    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch node.tagName {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            default: return "a string"
            }
        }
    }

    private func scalarText(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return scalar.string }
        return Self.kind(of: node)
    }

    /// Text from the spec quoted in a message, cut short (a value can be megabytes long).
    static func clipped(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "…"
    }

    /// Untyped conversion (free-form maps, metadata, config).
    func plain(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map(JSONValue.int) ?? .string(scalar.string)
            case .float:
                if let value = node.float, value.isFinite { return .double(value) }
                return .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(sequence.map { plain($0) })
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in flattened(mapping) { object[key.string ?? ""] = plain(value) }
            return .object(object)
        case .alias:
            return .null
        }
    }

    /// Mapping pairs with `<<` merge keys applied (explicit keys win).
    private func flattened(_ mapping: Node.Mapping) -> [(Node, Node)] {
        var explicit: [(Node, Node)] = []
        var merged: [(Node, Node)] = []
        for (key, value) in mapping {
            if key.string == "<<" {
                if case .mapping(let inner) = value { merged += flattened(inner) }
                if case .sequence(let list) = value {
                    for case .mapping(let inner) in list { merged += flattened(inner) }
                }
            } else {
                explicit.append((key, value))
            }
        }
        let explicitKeys = Set(explicit.compactMap { $0.0.string })
        return explicit + merged.filter { !explicitKeys.contains($0.0.string ?? "") }
    }

    /// The pairs of a mapping with string keys (mark of the key kept), or nil after reporting a type error.
    private mutating func mappingPairs(_ node: Node, what: String) -> [((Mark?, String), Node)]? {
        guard case .mapping(let mapping) = node else {
            _ = mismatch(node, expected: "a mapping", what: what)
            return nil
        }
        var pairs: [((Mark?, String), Node)] = []
        for (key, value) in flattened(mapping) {
            guard case .scalar(let scalar) = key else {
                report("keys of \(what) must be strings", at: key.mark)
                continue
            }
            pairs.append(((key.mark, scalar.string), value))
        }
        return pairs
    }

    /// Reads a closed object: unknown keys, wrong types and missing required keys are reported.
    /// Returns the JSON and each present key's value node.
    mutating func readObject(_ node: Node, schema: ObjectSchema) -> (JSONValue, [String: Node]) {
        guard let pairs = mappingPairs(node, what: schema.kind) else { return (.null, [:]) }
        var object: [String: JSONValue] = [:]
        var nodes: [String: Node] = [:]
        for ((mark, key), value) in pairs {
            // `x-…` keys are free for YAML anchors and notes (as in other YAML formats); they are dropped.
            if key.hasPrefix("x-") { continue }
            guard let field = schema.field(key) else {
                report(
                    "unknown key '\(key)' in \(schema.kind)\(Suggestion.hint(for: key, in: schema.fields.map(\.name)))",
                    at: mark)
                continue
            }
            nodes[key] = value
            if value.tagName == .null, !field.required { continue }
            let read = read(value, as: field.type, what: "'\(key)'")
            object[key] = read
            if let range = field.range, let number = read.doubleValue, !range.contains(number) {
                report("'\(key)' must be \(range.phrase), found \(Self.clipped(scalarText(value)))", at: value.mark)
            }
        }
        for field in schema.fields where field.required && nodes[field.name] == nil {
            report("missing required key '\(field.name)' in \(schema.kind)", at: node.mark)
        }
        return (.object(object), nodes)
    }

    // MARK: - Agents

    private mutating func readAgentOrRef(_ node: Node) -> JSONValue {
        if case .mapping(let mapping) = node, mapping.keys.contains(where: { $0.string == "ref" }) {
            guard mapping.count == 1, let refNode = mapping.first?.value, case .scalar(let scalar) = refNode,
                refNode.tagName != .null
            else {
                report("a sub-agent reference is written {ref: path/to/agent.yaml} with no other keys", at: node.mark)
                return .null
            }
            return resolveRef(scalar.string, refNode.mark) ?? .null
        }
        return readAgent(node)
    }

    /// Reads an agent mapping and checks the rules that span several keys.
    mutating func readAgent(_ node: Node) -> JSONValue {
        let (value, nodes) = readObject(node, schema: SpecSchema.agent)
        guard case .object(var agent) = value else { return value }
        checkAgent(agent, nodes: nodes, mark: node.mark)
        agent[AgentConfig.sourceMapKey] = sourceMap(of: node, nodes: nodes).jsonValue
        return .object(agent)
    }

    private mutating func checkAgent(_ agent: [String: JSONValue], nodes: [String: Node], mark: Mark?) {
        let name = agent["name"]?.stringValue ?? "?"
        let tools = agent["tools"]?.arrayValue ?? []
        let subAgents = agent["agents"]?.arrayValue ?? []
        let external = agent["external"]?.boolValue ?? false
        let passthrough = agent["metadata"]?["_framework_passthrough"].boolValue ?? false
        let strategy = agent["strategy"]?.stringValue ?? "handoff"

        if let nameNode = nodes["name"], let text = agent["name"]?.stringValue, text.isEmpty {
            report("agent name must not be empty", at: nameNode.mark)
        }
        // Duplicate tool and sub-agent names.
        duplicateCheck(tools.map { $0["name"].stringValue }, listNode: nodes["tools"], what: "tool", owner: name)
        duplicateCheck(subAgents.map { $0["name"].stringValue }, listNode: nodes["agents"], what: "agent", owner: name)

        // Model: required wherever the server parses it.
        let modelFree = external || passthrough
            || (!subAgents.isEmpty && tools.isEmpty && ["sequential", "parallel", "round_robin", "random", "manual"].contains(strategy))
        let routerAgentHasModel = agent["router"]?["model"].stringValue != nil
        if let model = agent["model"]?.stringValue {
            let parts = model.split(separator: "/", maxSplits: 1)
            if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty {
                report("invalid model '\(model)'; expected 'provider/model' (e.g. openai/gpt-4o)", at: nodes["model"]?.mark)
            }
        } else if !modelFree && !(strategy == "router" && routerAgentHasModel && tools.isEmpty) {
            report("agent '\(name)' needs a 'model' (provider/model)", at: mark)
        }
        if !subAgents.isEmpty, tools.isEmpty, strategy == "router", agent["router"] == nil {
            report("agent '\(name)' uses strategy 'router' but has no 'router' (a {taskName} worker or an agent)",
                   at: nodes["strategy"]?.mark ?? mark)
        }
        if external && (!tools.isEmpty || !subAgents.isEmpty) {
            report("external agent '\(name)' cannot have tools or sub-agents", at: mark)
        }
        if passthrough && tools.isEmpty {
            report("passthrough agent '\(name)' must have one worker tool", at: mark)
        }
        checkTools(tools, listNode: nodes["tools"])
        if let budgetNode = nodes["budget"], tools.isEmpty, subAgents.isEmpty {
            report(
                "budget: '\(name)' has no tools and no sub-agents, so its single LLM call is counted but never stopped",
                at: budgetNode.mark, severity: .warning)
        }
        if strategy == "parallel", tools.isEmpty, case .sequence(let items)? = nodes["agents"] {
            for (index, sub) in subAgents.enumerated() where index < items.count {
                guard let tool = Self.destructiveTool(in: sub) else { continue }
                report(
                    "tool '\(tool.tool)' of agent '\(tool.agent)' is destructive and may not run in a parallel branch of "
                        + "'\(name)'; use a sequential strategy, or declare it effects: write",
                    at: effectsMark(of: tool.tool, in: items[index]) ?? items[index].mark)
            }
        }
        checkGuardrails(agent["guardrails"]?.arrayValue ?? [], listNode: nodes["guardrails"])
        if let gate = agent["gate"], gate["taskName"].stringValue == nil {
            if gate["type"].stringValue == nil {
                report("gate needs 'type: text_contains' with 'text', or a 'taskName'", at: nodes["gate"]?.mark)
            } else if gate["text"].stringValue == nil {
                report("text_contains gate needs 'text'", at: nodes["gate"]?.mark)
            }
        }
        if let conditions = nodes["termination"] { checkTermination(conditions) }
        let names = Set(subAgents.compactMap { $0["name"].stringValue } + [name])
        if let transitions = agent["allowedTransitions"]?.objectValue, let transitionsNode = nodes["allowedTransitions"] {
            for (source, targets) in transitions {
                for target in [source] + (targets.arrayValue?.compactMap(\.stringValue) ?? []) where !names.contains(target) {
                    report("allowedTransitions names unknown agent '\(target)'\(Suggestion.hint(for: target, in: Array(names)))",
                           at: transitionsNode.mark, severity: .warning)
                }
            }
        }
        for handoff in agent["handoffs"]?.arrayValue ?? [] {
            if let target = handoff["target"].stringValue, !names.contains(target) {
                report("handoff target '\(target)' is not an agent of '\(name)'\(Suggestion.hint(for: target, in: Array(names)))",
                       at: nodes["handoffs"]?.mark, severity: .warning)
            }
        }
    }

    /// The first tool declared `effects: destructive` in `agent` or its sub-agents, as (agent, tool).
    static func destructiveTool(in agent: JSONValue) -> (agent: String, tool: String)? {
        for tool in agent["tools"].arrayValue ?? [] where tool["effects"].stringValue == ToolEffect.destructive.rawValue {
            return (agent["name"].stringValue ?? "?", tool["name"].stringValue ?? "?")
        }
        for sub in agent["agents"].arrayValue ?? [] {
            if let found = destructiveTool(in: sub) { return found }
        }
        return nil
    }

    /// Where `effects:` of the tool named `toolName` is written inside an inline agent node (nil for a `ref:`).
    private func effectsMark(of toolName: String, in agentNode: Node) -> Mark? {
        if case .sequence(let tools)? = child(agentNode, "tools") {
            for tool in tools where child(tool, "name")?.string == toolName {
                return child(tool, "effects")?.mark ?? tool.mark
            }
        }
        if case .sequence(let subs)? = child(agentNode, "agents") {
            for sub in subs { if let mark = effectsMark(of: toolName, in: sub) { return mark } }
        }
        return nil
    }

    private mutating func duplicateCheck(_ names: [String?], listNode: Node?, what: String, owner: String) {
        guard case .sequence(let items)? = listNode else { return }
        var seen: Set<String> = []
        for (index, name) in names.enumerated() {
            guard let name else { continue }
            if !seen.insert(name).inserted {
                let mark = index < items.count ? items[index].mark : listNode?.mark
                report("duplicate \(what) name '\(name)' in '\(owner)'; each \(what) needs a unique name", at: mark)
            }
        }
    }

    private mutating func checkTools(_ tools: [JSONValue], listNode: Node?) {
        guard case .sequence(let items)? = listNode else { return }
        for (index, tool) in tools.enumerated() where index < items.count {
            let mark = items[index].mark
            let type = tool["toolType"].stringValue ?? "worker"
            let config = tool["config"]
            switch type {
            case "http" where config["url"].stringValue == nil:
                report("http tool '\(tool["name"].stringValue ?? "?")' needs config.url", at: mark)
            case "mcp" where config["server_url"].stringValue == nil:
                report("mcp tool '\(tool["name"].stringValue ?? "?")' needs config.server_url", at: mark)
            case "api" where config["url"].stringValue == nil && config["spec_url"].stringValue == nil:
                report("api tool '\(tool["name"].stringValue ?? "?")' needs config.url (the OpenAPI spec)", at: mark)
            default: break
            }
            let run = tool["run"]
            if run != .null {
                let hasCommand = run["command"] != .null
                let hasPlugin = run["plugin"] != .null
                if hasCommand == hasPlugin {
                    report("run needs exactly one of 'command' or 'plugin'", at: mark)
                }
                let commandNode = child(child(items[index], "run"), "command")
                if let command = run["command"].arrayValue, command.isEmpty {
                    report("run.command must not be empty; it starts with the program to run", at: commandNode?.mark ?? mark)
                }
                if let properties = tool["inputSchema"]["properties"].objectValue, case .sequence(let elements)? = commandNode {
                    checkPlaceholders(Array(elements), declared: Set(properties.keys))
                }
                if type != "worker" && type != "cli" {
                    report("run is only used by worker tools; '\(type)' tools run on the server", at: mark, severity: .warning)
                }
            }
            if case .mapping(let toolMapping) = items[index],
                let guardrailsNode = toolMapping.first(where: { $0.key.string == "guardrails" })?.value {
                checkGuardrails(tool["guardrails"].arrayValue ?? [], listNode: guardrailsNode)
            }
        }
    }

    /// Every `{param}` of a worker tool's command must name a property of its `inputSchema`, and fill a whole
    /// element (or follow a flag) after the program.
    private mutating func checkPlaceholders(_ elements: [Node], declared: Set<String>) {
        for (position, element) in elements.enumerated() {
            guard case .scalar(let scalar) = element else { continue }
            if let name = CommandPlaceholder.parameter(in: scalar.string) {
                if !declared.contains(name) {
                    report(
                        "run.command uses {\(Self.clipped(name))}, which is not a property of the tool's inputSchema"
                            + Suggestion.hint(for: name, in: declared.sorted()),
                        at: element.mark)
                } else if position == 0 {
                    report("run.command[0] must be a fixed program, not the parameter {\(name)}", at: element.mark)
                }
            } else if let name = CommandPlaceholder.embedded(in: scalar.string, declared: declared) {
                report(
                    "run.command embeds {\(name)} inside other text; a parameter must fill a whole element (\"{\(name)}\") "
                        + "or follow a flag (\"--\(name)={\(name)}\"), or go on stdin (stdin: json)",
                    at: element.mark)
            }
        }
    }

    /// The value of `key` in a mapping node.
    func child(_ node: Node?, _ key: String) -> Node? {
        guard case .mapping(let mapping)? = node else { return nil }
        return mapping.first { $0.key.string == key }?.value
    }

    private mutating func checkGuardrails(_ guardrails: [JSONValue], listNode: Node?) {
        guard case .sequence(let items)? = listNode else { return }
        for (index, guardrail) in guardrails.enumerated() where index < items.count {
            let mark = items[index].mark
            let name = guardrail["name"].stringValue ?? "?"
            switch guardrail["guardrailType"].stringValue {
            case "regex" where (guardrail["patterns"].arrayValue ?? []).isEmpty:
                report("regex guardrail '\(name)' needs 'patterns'", at: mark)
            case "llm" where guardrail["model"].stringValue == nil:
                report("llm guardrail '\(name)' needs a judge 'model'", at: mark)
            case "custom" where guardrail["taskName"].stringValue == nil:
                report("custom guardrail '\(name)' needs a 'taskName'", at: mark)
            case nil:
                report("guardrail '\(name)' has no 'guardrailType' and is skipped", at: mark, severity: .warning)
            default: break
            }
            if let pattern = guardrail["patterns"].arrayValue?.compactMap(\.stringValue).first(where: {
                (try? NSRegularExpression(pattern: $0)) == nil
            }) {
                report("guardrail '\(name)' has an invalid regular expression '\(pattern)'", at: mark)
            }
        }
    }

    private mutating func checkTermination(_ node: Node) {
        let (value, nodes) = readObjectQuietly(node)
        let type = value["type"].stringValue
        if type == "and" || type == "or" {
            guard case .sequence(let children)? = nodes["conditions"], !children.isEmpty else {
                report("'\(type ?? "")' termination needs a non-empty 'conditions' list", at: node.mark)
                return
            }
            for child in children {
                _ = readObject(child, schema: SpecSchema.termination)
                checkTermination(child)
            }
        } else if type == "text_mention" && value["text"].stringValue == nil {
            report("text_mention termination needs 'text'", at: node.mark)
        }
    }

    /// Key → node of a mapping, without reporting (the value was already checked).
    private func readObjectQuietly(_ node: Node) -> (JSONValue, [String: Node]) {
        guard case .mapping(let mapping) = node else { return (.null, [:]) }
        var nodes: [String: Node] = [:]
        for (key, value) in mapping { if let name = key.string { nodes[name] = value } }
        return (plain(node), nodes)
    }

    // MARK: - JSON Schema

    private static let jsonTypes = ["string", "number", "integer", "boolean", "object", "array", "null"]

    /// Checks the parts of a JSON Schema the LLM providers rely on: `type`, `properties`, `required`, `items`,
    /// `enum` and the combinators.
    mutating func checkJSONSchema(_ node: Node, what: String) {
        guard case .mapping(let mapping) = node else {
            if node.tagName != .bool { report("\(what) must be a JSON Schema object", at: node.mark) }
            return
        }
        var propertyNames: [String] = []
        for (key, value) in mapping {
            switch key.string {
            case "type":
                let names: [Node]
                if case .sequence(let list) = value { names = Array(list) } else { names = [value] }
                for name in names {
                    let text = name.string ?? ""
                    if !Self.jsonTypes.contains(text) {
                        report("invalid JSON Schema type '\(text)' in \(what)\(Suggestion.hint(for: text, in: Self.jsonTypes))",
                               at: name.mark)
                    }
                }
            case "properties":
                guard case .mapping(let properties) = value else {
                    report("'properties' in \(what) must be a mapping of schemas", at: value.mark)
                    continue
                }
                for (name, schema) in properties {
                    propertyNames.append(name.string ?? "")
                    checkJSONSchema(schema, what: "property '\(name.string ?? "")'")
                }
            case "required":
                guard case .sequence(let list) = value, list.allSatisfy({ $0.tagName == .str }) else {
                    report("'required' in \(what) must be a list of property names", at: value.mark)
                    continue
                }
            case "items", "additionalProperties", "not":
                checkJSONSchema(value, what: what)
            case "enum":
                if case .sequence = value {} else { report("'enum' in \(what) must be a list", at: value.mark) }
            case "anyOf", "oneOf", "allOf":
                guard case .sequence(let list) = value else {
                    report("'\(key.string ?? "")' in \(what) must be a list of schemas", at: value.mark)
                    continue
                }
                for item in list { checkJSONSchema(item, what: what) }
            default:
                continue
            }
        }
        if let requiredNode = mapping.first(where: { $0.key.string == "required" })?.value,
            case .sequence(let list) = requiredNode, mapping.keys.contains(where: { $0.string == "properties" }) {
            for item in list where !propertyNames.contains(item.string ?? "") {
                report("required property '\(item.string ?? "")' is not declared in 'properties'", at: item.mark,
                       severity: .warning)
            }
        }
    }
}

extension Node {
    /// The resolved tag (`tag:yaml.org,2002:int`, …) as a comparable name.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
