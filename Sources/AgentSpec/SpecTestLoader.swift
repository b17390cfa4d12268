import Foundation
import Workflow
import YAMLGuard
import Yams

/// Reads spec test files (`NAME.test.yaml`) with the same strictness as specs: unknown keys (with "did you mean"),
/// wrong types and ranges, and a case naming a tool or agent its spec does not have are errors at file:line:col.
public enum SpecTestLoader {
    /// The suffix that marks a test file.
    public static let suffix = ".test.yaml"

    /// Reads and checks the test file at `path`, and the specs its cases name. Every problem is in one ``SpecError``.
    public static func load(path: String, options: SpecLoadOptions = SpecLoadOptions()) throws(SpecError) -> SpecTestFile {
        let text: String
        switch SpecLoader.readText(path) {
        case .success(let read): text = read
        case .failure(let problem): throw SpecError(diagnostics: [problem.diagnostic(file: path)])
        }
        var reader = SpecReader(source: SpecReader.Source(path: path, text: text)) { _, _ in nil }
        do {
            _ = try YAMLGuard.check(text, limits: SpecLoader.limits)
        } catch {
            throw SpecError(diagnostics: [error.diagnostic(file: path, source: reader.source)])
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "the test file is empty; expected a list of test cases")])
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError(diagnostics: [SpecLoader.yamlDiagnostic(error, file: path)])
        }
        guard case .sequence(let items) = root else {
            reader.report("a test file is a list of test cases, found \(SpecReader.kind(of: root))", at: root.mark)
            throw SpecError(diagnostics: reader.diagnostics)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var cases: [SpecTestCase] = []
        var specs: [String: Result<LoadedSpec, SpecError>] = [:]
        for item in items {
            let (json, nodes) = reader.readObject(item, schema: SpecTestSchema.testCase)
            guard case .object(let object) = json else { continue }
            let location = SourceLocation(file: path, line: item.mark?.line ?? 0, column: item.mark?.column ?? 0)
            func at(_ node: Node?) -> SourceLocation {
                SourceLocation(file: path, line: node?.mark?.line ?? location.line, column: node?.mark?.column ?? location.column)
            }
            let specName = object["spec"]?.stringValue ?? defaultSpec(for: path)
            let specPath = specName.hasPrefix("/") ? specName : directory + "/" + specName
            var testCase = SpecTestCase(
                name: object["name"]?.stringValue ?? "", specPath: specPath, prompt: object["prompt"]?.stringValue ?? "",
                context: object["context"]?.objectValue,
                inlineTurns: object["turns"].map { ["conversations": [["match": [:], "turns": $0]]] },
                cassettePath: object["cassette"]?.stringValue.map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 },
                tools: tools(object["tools"]),
                answers: (object["answers"]?.arrayValue ?? []).map(answer),
                expect: expectation(object["expect"], node: nodes["expect"], at: at),
                timeoutSeconds: object["timeoutSeconds"]?.doubleValue ?? 60, location: location)
            testCase.recorded = object["recorded"]?.boolValue ?? false
            if object["turns"] != nil, object["cassette"] != nil {
                reader.report("give the model's turns inline (turns:) or in a cassette file (cassette:), not both", at: nodes["cassette"]?.mark)
            }
            if object["turns"] == nil, object["cassette"] == nil {
                reader.report("the case needs the model's turns: add turns: or cassette:", at: item.mark)
            }
            if specs[specPath] == nil {
                do {
                    specs[specPath] = .success(try SpecLoader.load(path: specPath, options: options))
                } catch {
                    specs[specPath] = .failure(error)
                }
            }
            switch specs[specPath]! {
            case .success(let spec): check(testCase, nodes: nodes, against: spec.config, reader: &reader)
            case .failure(let error):
                reader.report("the case's spec \(specName) does not load (\(error.errors.count) error(s), shown below)", at: nodes["spec"]?.mark ?? item.mark)
            }
            cases.append(testCase)
        }
        var diagnostics = reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        for case .failure(let error) in specs.values { diagnostics += error.diagnostics }
        if diagnostics.contains(where: { $0.severity == .error }) { throw SpecError(diagnostics: diagnostics) }
        return SpecTestFile(path: path, cases: cases)
    }

    /// `ops_agent.test.yaml` → `ops_agent.yaml`.
    static func defaultSpec(for path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) + ".yaml" : name
    }

    private static func tools(_ value: JSONValue?) -> [String: SpecTestCase.ToolMode] {
        var modes: [String: SpecTestCase.ToolMode] = [:]
        for (name, config) in value?.objectValue ?? [:] {
            if let fixtures = config["fixtures"].arrayValue {
                modes[name] = .fixtures(fixtures.map {
                    SpecTestCase.Fixture(when: $0["when"].objectValue ?? [:], output: $0.objectValue?["output"], error: $0["error"].stringValue)
                })
            } else {
                modes[name] = .real
            }
        }
        return modes
    }

    private static func answer(_ value: JSONValue) -> SpecTestCase.Answer {
        if let reason = value["reject"].stringValue { return .reject(reason) }
        if let body = value["respond"].objectValue { return .respond(body) }
        return value["approve"].boolValue == false ? .reject("rejected by the test") : .approve
    }

    private static func expectation(
        _ value: JSONValue?, node: Node?, at: (Node?) -> SourceLocation
    ) -> SpecTestCase.Expectation {
        var expect = SpecTestCase.Expectation(location: at(node))
        guard let value, case .object(let object) = value else { return expect }
        let child = { (key: String) -> Node? in node?.mapping?[key] }
        if let status = object["status"]?.stringValue { expect.status = status }
        if let order = object["order"]?.stringValue { expect.order = order }
        if let calls = object["toolCalls"]?.arrayValue {
            let elements = child("toolCalls")?.sequence.map(Array.init) ?? []
            expect.toolCalls = calls.enumerated().map { i, call in
                SpecTestCase.ExpectedCall(
                    name: call["name"].stringValue ?? "", args: call["args"].objectValue, exact: call["exact"].boolValue ?? false,
                    result: call.objectValue?["result"], location: at(i < elements.count ? elements[i] : child("toolCalls")))
            }
        }
        expect.notCalled = object["notCalled"]?.arrayValue?.compactMap(\.stringValue) ?? []
        expect.handoffs = object["handoffs"]?.arrayValue?.compactMap(\.stringValue)
        expect.waits = object["waits"]?.intValue
        for (name, verdict) in object["guardrails"]?.objectValue ?? [:] { expect.guardrails[name] = verdict.stringValue }
        if let output = object["output"] {
            expect.output = SpecTestCase.OutputExpectation(
                equals: output.objectValue?["equals"], contains: output["contains"].stringValue, regex: output["regex"].stringValue,
                schema: output.objectValue?["schema"], location: at(child("output")))
        }
        let budgets = object["budgets"]
        expect.maxToolCalls = budgets?["maxToolCalls"].intValue
        expect.maxTurns = budgets?["maxTurns"].intValue
        expect.maxTokens = budgets?["maxTokens"].intValue
        return expect
    }

    /// Every tool, agent and guardrail name of `config` and its sub-agents.
    static func names(of config: AgentConfig) -> (tools: Set<String>, agents: Set<String>, guardrails: Set<String>) {
        var tools: Set<String> = [], agents: Set<String> = [], guardrails: Set<String> = []
        func visit(_ agent: AgentConfig) {
            agents.insert(agent.name)
            for tool in agent.tools {
                tools.insert(tool.name)
                for guardrail in tool.guardrails ?? [] { guardrails.insert(guardrail.name) }
            }
            for guardrail in agent.guardrails ?? [] { guardrails.insert(guardrail.name) }
            agent.agents.forEach(visit)
        }
        visit(config)
        return (tools, agents, guardrails)
    }

    /// Reports names the case uses that its spec does not have, at the key or value that names them.
    private static func check(_ testCase: SpecTestCase, nodes: [String: Node], against config: AgentConfig, reader: inout SpecReader) {
        var known = names(of: config)
        // Transfer tools the compiler gives swarm and hybrid agents: `<agent>_transfer_to_<agent>`.
        for from in known.agents { for to in known.agents where to != from { known.tools.insert(SystemWorkerNames.swarmTransfer(from, to: to)) } }
        let toolList = names(of: config).tools.sorted()
        func unknown(_ name: String, _ what: String, in list: [String], at mark: Mark?) {
            reader.report("\(what) '\(name)' is not in the spec \(URL(fileURLWithPath: testCase.specPath).lastPathComponent)"
                + Suggestion.hint(for: name, in: list), at: mark)
        }
        if let mapping = nodes["tools"]?.mapping {
            for (key, _) in mapping {
                if let name = key.string, !known.tools.contains(name) { unknown(name, "tool", in: toolList, at: key.mark) }
            }
        }
        let expect = nodes["expect"]?.mapping
        for (i, call) in (testCase.expect.toolCalls ?? []).enumerated() where !known.tools.contains(call.name) {
            let element = expect?["toolCalls"]?.sequence.flatMap { i < $0.count ? Array($0)[i] : nil }
            unknown(call.name, "tool", in: toolList, at: element?.mapping?["name"]?.mark ?? element?.mark)
        }
        for (i, name) in testCase.expect.notCalled.enumerated() where !known.tools.contains(name) {
            let element = expect?["notCalled"]?.sequence.flatMap { i < $0.count ? Array($0)[i] : nil }
            unknown(name, "tool", in: toolList, at: element?.mark)
        }
        for (i, name) in (testCase.expect.handoffs ?? []).enumerated() where !known.agents.contains(name) {
            let element = expect?["handoffs"]?.sequence.flatMap { i < $0.count ? Array($0)[i] : nil }
            unknown(name, "agent", in: known.agents.sorted(), at: element?.mark)
        }
        for name in testCase.expect.guardrails.keys.sorted() where !known.guardrails.contains(name) {
            unknown(name, "guardrail", in: known.guardrails.sorted(), at: expect?["guardrails"]?.mark)
        }
    }
}
