import AgentCompiler
import AgentSpec
import Engine
import Foundation
import Testing
import Workflow

/// Every script the compiler can emit runs in JavaScriptCore — the engine's evaluator, which hands scripts plain JS
/// objects that also carry Java-map helpers — on representative inputs and on null inputs, without throwing.
@Suite struct CompiledScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A script of a compiled workflow, with where it came from.
    struct Script: CustomStringConvertible {
        var spec: String
        var ref: String
        var kind: String
        var text: String
        var inputs: [String: JSONValue]
        var description: String { "\(spec): \(kind) \(ref)" }
    }

    /// Every spec in specs/ and the compiler's golden fixtures.
    static func specFiles() -> [String] {
        var files: [String] = []
        for dir in ["specs", "Tests/AgentCompilerTests/Golden"] {
            let base = root.appendingPathComponent(dir).path
            let found = FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []
            files += found.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".cassette.yaml") && !$0.hasSuffix(".test.yaml") }.sorted().map { base + "/" + $0 }
        }
        return files
    }

    /// The scripts of every compiled spec.
    static func scripts() throws -> [Script] {
        var scripts: [Script] = []
        for file in specFiles() {
            guard let spec = try? SpecLoader.load(path: file), let def = try? AgentCompiler().compile(spec.config) else { continue }
            let name = URL(fileURLWithPath: file).lastPathComponent
            func walk(_ tasks: [WorkflowTask]) {
                for task in tasks {
                    let evaluator = task.inputParameters["evaluatorType"]?.stringValue ?? task.evaluatorType
                    if task.type == "INLINE", evaluator == "graaljs" || evaluator == "javascript",
                        let text = task.inputParameters["expression"]?.stringValue
                    {
                        var inputs = task.inputParameters
                        inputs["expression"] = nil
                        scripts.append(Script(spec: name, ref: task.taskReferenceName, kind: "INLINE", text: text, inputs: inputs))
                    }
                    if task.type == "SWITCH", task.evaluatorType == "graaljs" || task.evaluatorType == "javascript",
                        let text = task.expression
                    {
                        scripts.append(Script(spec: name, ref: task.taskReferenceName, kind: "SWITCH", text: text, inputs: task.inputParameters))
                    }
                    if task.type == "DO_WHILE", let text = task.loopCondition {
                        scripts.append(Script(spec: name, ref: task.taskReferenceName, kind: "DO_WHILE", text: text, inputs: task.inputParameters))
                    }
                    walk(task.loopOver ?? [])
                    walk(task.defaultCase ?? [])
                    for key in (task.decisionCases ?? [:]).keys.sorted() { walk(task.decisionCases?[key] ?? []) }
                    for branch in task.forkTasks ?? [] { walk(branch) }
                    walk(task.subWorkflowParam?.workflowDefinition?.tasks ?? [])
                }
            }
            walk(def.tasks)
        }
        return scripts
    }

    /// A plausible runtime value for an input, from its expression and name.
    static func representative(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value, text.contains("${") else { return value }
        let lower = key.lowercased()
        let toolCall: JSONValue = [
            "taskReferenceName": "call_1", "name": "check_service", "type": "SIMPLE",
            "inputParameters": ["service_name": "payments", "method": "check_service"],
        ]
        if text.hasPrefix("${") && text.hasSuffix("}") && !text.dropFirst(2).contains(".") {
            // A whole task (`${ref}`), as DO_WHILE inputs pass them: its output fields.
            return [
                "iteration": 1, "result": ["passed": true, "satisfied": true, "decision": "continue"],
                "finishReason": "STOP", "toolCalls": [toolCall], "should_continue": true, "is_transfer": false,
                "passed": true, "1": ["x": ["result": "r"]],
            ]
        }
        if lower.contains("toolcalls") || lower.contains("tool_calls") { return [toolCall] }
        if lower.contains("joinoutput") { return ["call_1": ["result": "ok", "_state_updates": ["seen": ["payments"]]]] }
        if lower.contains("iteration") || lower.hasPrefix("max") { return 1 }
        if lower.contains("state") || lower.contains("ctx") || lower == "parent" || lower.hasPrefix("child")
            || lower.contains("context") || lower.contains("config") || lower.hasSuffix("output") && lower.contains("human")
        {
            return ["k": "v", "n": 2]
        }
        if lower.contains("discovered") || lower.contains("tools") { return ["tools": [["name": "t", "description": "d"]]] }
        if lower.contains("needs") || lower.contains("approved") || lower.contains("passed") { return true }
        return "The payments service is throwing 503s."
    }

    static func substitute(_ inputs: [String: JSONValue], nulls: Bool) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (key, value) in inputs {
            if case .string(let text) = value, text.contains("${") {
                out[key] = nulls ? .null : representative(key, value)
            } else {
                out[key] = value
            }
        }
        return out
    }

    @Test func everyCompiledScriptRunsOnRepresentativeInputs() throws {
        let scripts = try Self.scripts()
        #expect(scripts.count > 100, "the specs should exercise many scripts, found \(scripts.count)")
        let evaluator = ScriptEvaluator(timeLimit: 4)
        var failures: [String] = []
        for script in scripts {
            do {
                _ = try evaluator.evaluate(script.text, input: Self.substitute(script.inputs, nulls: false))
            } catch {
                failures.append("\(script): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) scripts threw:\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func everyInlineScriptToleratesNullInputs() throws {
        let evaluator = ScriptEvaluator(timeLimit: 4)
        var failures: [String] = []
        for script in try Self.scripts() where script.kind == "INLINE" {
            do {
                _ = try evaluator.evaluate(script.text, input: Self.substitute(script.inputs, nulls: true))
            } catch {
                failures.append("\(script): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) scripts threw on null inputs:\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func theToolLoopScriptsOfTheOpsAgentBehave() throws {
        let spec = try SpecLoader.load(path: Self.root.appendingPathComponent("specs/ops_agent.yaml").path)
        let def = try AgentCompiler().compile(spec.config)
        var byRef: [String: WorkflowTask] = [:]
        func index(_ tasks: [WorkflowTask]) {
            for task in tasks {
                byRef[task.taskReferenceName] = task
                index(task.loopOver ?? [])
                for key in (task.decisionCases ?? [:]).keys { index(task.decisionCases?[key] ?? []) }
            }
        }
        index(def.tasks)
        let evaluator = ScriptEvaluator()
        func run(_ ref: String, _ inputs: [String: JSONValue]) throws -> JSONValue {
            let task = try #require(byRef[ref], "no task \(ref)")
            return try evaluator.evaluate(try #require(task.inputParameters["expression"]?.stringValue), input: inputs)
        }
        #expect(try run("ops_agent_ctx_resolve", ["ctx": .null]) == .object([:]))
        #expect(try run("ops_agent_ctx_resolve", ["ctx": ["a": 1]]) == ["a": 1])
        #expect(try run("ops_agent_ctx_inject", ["state": [:], "signals": "", "prompt": "Fix it.", "maxSize": 32768, "maxValueSize": 4096]) == "Fix it.")
        let injected = try run("ops_agent_ctx_inject", ["state": ["seen": "payments"], "signals": "hurry", "prompt": "Fix it.", "maxSize": 32768, "maxValueSize": 4096])
        #expect(injected.stringValue?.contains("[SIGNALS]\nhurry\n[/SIGNALS]") == true)
        #expect(injected.stringValue?.contains("\"seen\": \"payments\"") == true)
        #expect(injected.stringValue?.hasSuffix("Fix it.") == true)

        let enriched = try run("ops_agent_enrich_tools", [
            "toolCalls": [[
                "taskReferenceName": "call_0_0", "name": "check_service", "type": "SIMPLE",
                "inputParameters": ["service_name": "payments", "method": "check_service"],
            ]],
            "agentState": ["k": "v"], "agentspanCtx": .null, "userPrompt": "Fix it.",
        ])
        let task = enriched["dynamicTasks"].arrayValue?.first ?? .null
        #expect(task["name"] == "check_service")
        #expect(task["taskReferenceName"] == "call_0_0")
        #expect(task["type"] == "SIMPLE")
        #expect(task["optional"] == true)
        #expect(task["inputParameters"]["service_name"] == "payments")
        #expect(task["inputParameters"]["_agent_state"] == ["k": "v"])

        let merged = try run("ops_agent_merge_state", [
            "currentState": ["seen": ["payments"], "keep": 1],
            "joinOutput": ["call_0_0": ["status": "ok", "_state_updates": ["seen": ["database", "payments"], "new": true]]],
        ])
        #expect(merged["mergedState"]["seen"] == ["payments", "database"])
        #expect(merged["mergedState"]["keep"] == 1)
        #expect(merged["mergedState"]["new"] == true)
    }
}
