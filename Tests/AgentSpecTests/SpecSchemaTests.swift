import AgentSpec
import Foundation
import Testing
import Workflow

/// A small draft-07 validator for the subset the generated schema uses ($ref, type, properties,
/// additionalProperties, required, items, enum, anyOf, allOf).
struct SchemaValidator {
    let root: JSONValue

    func validate(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        if let ref = schema["$ref"].stringValue {
            let name = String(ref.dropFirst("#/definitions/".count))
            return validate(value, root["definitions"][name], at: path)
        }
        var problems: [String] = []
        if let types = schema["type"].arrayValue?.compactMap(\.stringValue) ?? schema["type"].stringValue.map({ [$0] }),
            !types.contains(where: { matches(value, $0) }) {
            return ["\(path): expected \(types.joined(separator: "|"))"]
        }
        if let allowed = schema["enum"].arrayValue, !allowed.contains(value) { problems.append("\(path): not in enum") }
        if let variants = schema["anyOf"].arrayValue, !variants.contains(where: { validate(value, $0, at: path).isEmpty }) {
            problems.append("\(path): matches none of anyOf")
        }
        for part in schema["allOf"].arrayValue ?? [] { problems += validate(value, part, at: path) }
        if case .object(let object) = value {
            let properties = schema["properties"].objectValue ?? [:]
            for key in schema["required"].arrayValue?.compactMap(\.stringValue) ?? [] where object[key] == nil {
                problems.append("\(path): missing \(key)")
            }
            for (key, child) in object {
                if schema["patternProperties"]["^x-"] != .null, key.hasPrefix("x-") {
                    continue
                } else if let property = properties[key] {
                    problems += validate(child, property, at: "\(path).\(key)")
                } else if schema["additionalProperties"] == false {
                    problems.append("\(path): unknown key \(key)")
                } else if case .object = schema["additionalProperties"] {
                    problems += validate(child, schema["additionalProperties"], at: "\(path).\(key)")
                }
            }
        }
        if case .array(let items) = value, schema["items"] != .null {
            for (i, item) in items.enumerated() { problems += validate(item, schema["items"], at: "\(path)[\(i)]") }
        }
        return problems
    }

    private func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("null", .null): return true
        case ("integer", .int): return true
        case ("integer", .double(let d)): return d.rounded() == d
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }
}

@Suite("JSON Schema of the spec format")
struct SpecSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every spec in `specs/` and every compiler test fixture.
    static func specFiles() -> [URL] {
        var out: [URL] = []
        for dir in ["specs", "Tests/AgentCompilerTests/Golden"] {
            let base = repository.appendingPathComponent(dir)
            let found = FileManager.default.enumerator(atPath: base.path)?.allObjects as? [String] ?? []
            // Cassettes (scripted model turns, `*.cassette.yaml`) are not agent specs.
            out += found.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".cassette.yaml") && !$0.hasSuffix(".test.yaml") }.sorted().map { base.appendingPathComponent($0) }
        }
        return out
    }

    @Test("every spec in specs/ and the fixtures validates against the schema")
    func specsValidate() throws {
        let files = Self.specFiles()
        #expect(files.count > 30)
        let schema = SpecSchema.jsonSchema()
        let validator = SchemaValidator(root: schema)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            _ = try SpecLoader.load(path: file.path)
            let problems = validator.validate(try SpecLoader.plainJSON(source: text), schema)
            #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems)")
        }
    }

    @Test("the schema rejects what the loader rejects")
    func schemaRejects() throws {
        let schema = SpecSchema.jsonSchema()
        let validator = SchemaValidator(root: schema)
        for bad in ["nmae: a\n", "name: a\nmaxTurns: ten\n", "name: a\nstrategy: circle\n", "name: a\ntools: [{description: x}]\n",
                    "name: a\ntools: [{name: t, run: {cmd: [ls]}}]\n", "name: a\nagents: [{ref: x.yaml, name: y}]\n"] {
            #expect(!validator.validate(try SpecLoader.plainJSON(source: bad), schema).isEmpty, "accepted: \(bad)")
            #expect(throws: SpecError.self) { try SpecLoader.load(source: bad, path: "bad.yaml") }
        }
    }

    @Test("docs/agentspec.schema.json is current (agentspanc schema -o docs/agentspec.schema.json)")
    func committedSchemaIsCurrent() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let generated = String(decoding: try encoder.encode(SpecSchema.jsonSchema()), as: UTF8.self) + "\n"
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("docs/agentspec.schema.json"), encoding: .utf8)
        #expect(generated == committed)
    }
}

@Suite("Plan")
struct AgentPlanTests {
    @Test func listsCommandsAndHosts() throws {
        let spec = try SpecLoader.load(source: """
            name: ops
            model: openai/gpt-4o
            baseUrl: http://llm.internal:8080/v1
            tools:
              - name: check
                run: {command: [./tools/check.sh, "{service}"], cwd: tools, timeoutSeconds: 2.5, env: {TOKEN: "${env:T}"}}
              - name: restart
                approvalRequired: true
                run: {command: ["rm -rf /tmp/x"], shell: true, idempotent: false}
              - name: weather
                toolType: http
                config: {url: "https://api.weather.example:443/v1?q=1", method: POST}
              - name: files
                toolType: mcp
                config: {server_url: "http://localhost:3001/mcp"}
              - name: plug
                run: {plugin: ./plugins/tools}
            agents:
              - {name: helper, model: anthropic/claude-sonnet-4-20250514}
            """, path: "ops.yaml")
        let plan = AgentPlan(spec.config)
        #expect(Set(plan.commands) == ["./tools/check.sh", "/bin/sh", "rm -rf /tmp/x"])
        #expect(plan.hosts == ["llm.internal:8080", "api.weather.example:443", "localhost:3001"])
        #expect(plan.plugins == ["./plugins/tools"])
        #expect(plan.models == ["openai/gpt-4o", "anthropic/claude-sonnet-4-20250514"])
        let text = plan.rendered
        #expect(text.contains("tool restart (worker, approval required)"))
        #expect(text.contains("runs through /bin/sh -c: 'rm -rf /tmp/x'"))
        #expect(text.contains("cwd tools, timeout 2.5s, retried on failure"))
        #expect(text.contains("env TOKEN=${env:T}"))
        #expect(text.contains("reaches POST https://api.weather.example:443/v1?q=1"))
        #expect(text.contains("sub-agent helper (simple agent, anthropic/claude-sonnet-4-20250514)"))
    }
}
