import AgentRuntime
import AgentSpec
import Engine
import Foundation
import Logging
import Workflow

/// Turns a real run into a spec test case (`agentspanc run SPEC "…" --record-test FILE`), and refreshes the
/// recorded parts of such cases (`agentspanc test --update`).
///
/// A recording runs the prompt on an embedded engine with the real model (its exchanges recorded into
/// `NAME.recorded.cassette.yaml` beside the test file) and the spec's real tools; the case it writes replays the
/// model from that cassette and every tool from the outputs it returned (fixtures), so it runs offline and the
/// recorded outputs win over what the tools would do now.
public struct SpecTestRecorder: Sendable {
    let runner: SpecTestRunner

    /// A recorder; `logger` gets the embedded engine's messages.
    public init(logger: Logger? = nil) {
        runner = SpecTestRunner(parallelism: 1, logger: logger)
    }

    /// What a recording or an update wrote.
    public struct Outcome: Sendable, Hashable {
        /// The case's name.
        public var name: String
        /// The test file written.
        public var testFile: String
        /// The cassette holding the model's turns.
        public var cassette: String?
        /// The run's final status.
        public var status: String
        /// Tool calls recorded.
        public var toolCalls: Int
        /// Model turns the run took.
        public var turns: Int
        /// The answer.
        public var output: String
        /// An existing case of that name was replaced (recording) or rewritten (update).
        public var replaced: Bool
    }

    /// A recording or an update that could not be done.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The cassette a test file's recordings share: `NAME.recorded.cassette.yaml` for `NAME.test.yaml`.
    public static func cassettePath(forTestFile testFile: String) -> String {
        String(testFile.dropLast(SpecTestLoader.suffix.count)) + ".recorded.cassette.yaml"
    }

    /// Runs `prompt` against the spec at `specPath` with the real model (configured from `environment`, as a server
    /// is) and the spec's real tools, and writes the case to `testFile`: appended, or replacing the case of the
    /// same name. A run that does not complete writes nothing.
    public func record(
        specPath: String, prompt: String, testFile: String, name: String? = nil, context: [String: JSONValue]? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Outcome {
        guard testFile.hasSuffix(SpecTestLoader.suffix) else {
            throw Problem("--record-test \(testFile): a test file's name ends in \(SpecTestLoader.suffix)")
        }
        let cassette = Self.cassettePath(forTestFile: testFile)
        let model = try LLMProviderSetup.provider(environment: environment, recordCassette: URL(fileURLWithPath: cassette))
        let caseName = name ?? Self.defaultName(prompt)
        let location = SourceLocation(file: testFile, line: 0, column: 0)
        let testCase = SpecTestCase(
            name: caseName, specPath: specPath, prompt: prompt, context: context, timeoutSeconds: 600, recorded: true,
            location: location)
        let observation = try await observe(testCase, model: model)
        guard observation.status == "COMPLETED" else {
            // A failed run (no key, a tool that cannot run) is no behaviour worth pinning down: nothing is written.
            throw Problem("the run ended \(observation.status)\(observation.reason.map { ": \($0)" } ?? ""); nothing recorded in \(testFile)")
        }
        let directory = URL(fileURLWithPath: testFile).deletingLastPathComponent().standardizedFileURL.path
        let text = Self.caseText(
            name: caseName, spec: Self.relative(specPath, to: directory), prompt: prompt, context: context,
            cassette: Self.relative(cassette, to: directory), observation: observation)
        let existing = (try? String(contentsOfFile: testFile, encoding: .utf8)) ?? ""
        let (updated, replaced) = TestFileEdit.replacingCase(named: caseName, with: text, in: existing)
        try updated.write(toFile: testFile, atomically: true, encoding: .utf8)
        return Outcome(
            name: caseName, testFile: testFile, cassette: cassette, status: observation.status, toolCalls: observation.calls.count,
            turns: observation.turns, output: observation.text, replaced: replaced)
    }

    /// Re-runs every recorded case of `testFile` with its cassette and the spec's real tools (fixtures only for
    /// tools with no `run:` binding), and rewrites each one's `tools:` and `expect:` from that run; the rest of the
    /// file (other cases, comments, the cases' other keys) stays as it is.
    public func update(testFile: String, options: SpecLoadOptions = SpecLoadOptions()) async throws -> [Outcome] {
        let file = try SpecTestLoader.load(path: testFile, options: options)
        var text = try String(contentsOfFile: testFile, encoding: .utf8)
        var outcomes: [Outcome] = []
        for original in file.cases where original.recorded {
            var testCase = original
            let agent = try Agent.load(path: testCase.specPath, options: options)
            let unbound = Set(try AgentRuntime.workerTasks(of: [agent]).unbound.map { String($0.split(separator: "/").last ?? "") })
            testCase.tools = testCase.tools.filter { unbound.contains($0.key) }
            let observation = try await observe(testCase, model: try runner.model(for: testCase))
            let section = Self.recordedSection(observation, keeping: testCase.tools)
            guard let rewritten = TestFileEdit.replacingRecordedSection(ofCaseNamed: testCase.name, with: section, in: text) else {
                throw Problem("\(testFile):\(testCase.location.line): case '\(testCase.name)': tools: and expect: must be its last keys to be updated")
            }
            text = rewritten
            outcomes.append(Outcome(
                name: testCase.name, testFile: testFile, cassette: testCase.cassettePath, status: observation.status,
                toolCalls: observation.calls.count, turns: observation.turns, output: observation.text, replaced: true))
        }
        if !outcomes.isEmpty { try text.write(toFile: testFile, atomically: true, encoding: .utf8) }
        return outcomes
    }

    private func observe(_ testCase: SpecTestCase, model: any LLMProvider) async throws -> Observation {
        do {
            return try await runner.observe(testCase, model: model) { _ in }
        } catch let failure as SpecTestFailure {
            throw Problem(failure.message)
        }
    }

    /// The first line of the prompt, shortened.
    static func defaultName(_ prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? "recorded run"
        return line.count > 72 ? String(line.prefix(71)) + "…" : line
    }

    /// `path` relative to `directory` when inside it, else absolute.
    static func relative(_ path: String, to directory: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return absolute.hasPrefix(directory + "/") ? String(absolute.dropFirst(directory.count + 1)) : absolute
    }

    /// A YAML scalar: JSON text, which YAML reads back as the same value.
    static func yaml(_ value: JSONValue) -> String { value.jsonText() }

    /// The whole case, as `--record-test` writes it.
    static func caseText(
        name: String, spec: String, prompt: String, context: [String: JSONValue]?, cassette: String, observation: Observation
    ) -> String {
        var lines = [
            "# Recorded by `agentspanc run --record-test`: the model's turns are in the cassette; the tools' outputs and",
            "# the path are below (`agentspanc test --update` rewrites tools: and expect: from a run with the real tools).",
            "- name: \(yaml(.string(name)))",
            "  spec: \(yaml(.string(spec)))",
            "  prompt: \(yaml(.string(prompt)))",
        ]
        if let context { lines.append("  context: \(yaml(.object(context)))") }
        lines += ["  cassette: \(yaml(.string(cassette)))", "  recorded: true"]
        return (lines + recordedSection(observation, keeping: [:])).joined(separator: "\n") + "\n"
    }

    /// `tools:` (each called tool's recorded outputs, first call of each argument set first) and `expect:` (the
    /// status, the exact path, the handoffs and the answer), indented as a case's keys; tools in `keeping` keep their
    /// fixtures from before.
    static func recordedSection(_ observation: Observation, keeping: [String: SpecTestCase.ToolMode]) -> [String] {
        var lines: [String] = []
        var byTool: [String: [Observation.Call]] = [:]
        for call in observation.calls { byTool[call.name, default: []].append(call) }
        var fixtures: [String: [String]] = [:]
        for (name, calls) in byTool {
            if case .fixtures(let kept)? = keeping[name] {
                fixtures[name] = kept.map { fixture in
                    "        - when: \(yaml(.object(fixture.when)))\n"
                        + (fixture.error.map { "          error: \(yaml(.string($0)))" } ?? "          output: \(yaml(fixture.output ?? .object([:])))")
                }
                continue
            }
            var seen: [JSONValue] = []
            for call in calls where !seen.contains(call.args) {
                seen.append(call.args)
                let answer = call.error.map { "          error: \(yaml(.string($0)))" }
                    ?? "          output: \(yaml(Self.fixtureOutput(call.result ?? .null)))"
                fixtures[name, default: []].append("        - when: \(yaml(call.args))\n" + answer)
            }
        }
        if !fixtures.isEmpty {
            lines.append("  tools:")
            for name in fixtures.keys.sorted() {
                lines.append("    \(name):")
                lines.append("      fixtures:")
                lines += fixtures[name]!
            }
        }
        lines.append("  expect:")
        lines.append("    status: \(observation.status)")
        if !observation.calls.isEmpty {
            lines.append("    order: exact")
            lines.append("    toolCalls:")
            for call in observation.calls {
                let result = call.result.map { ", result: \(yaml($0))" } ?? ""
                lines.append("      - {name: \(yaml(.string(call.name))), args: \(yaml(call.args)), exact: true\(result)}")
            }
        }
        if !observation.handoffs.isEmpty { lines.append("    handoffs: \(yaml(.array(observation.handoffs.map(JSONValue.string))))") }
        if observation.status == "COMPLETED" {
            lines.append("    output: {equals: \(yaml(observation.output["result"] ?? .object(observation.output)))}")
        }
        return lines
    }

    /// What a fixture answers for a recorded result so the task's output is what the tool's was: `{result: …}`
    /// around an object (a fixture's object is the whole output), the value itself otherwise (a fixture wraps it).
    static func fixtureOutput(_ result: JSONValue) -> JSONValue {
        if case .object = result { return .object(["result": result]) }
        return result
    }
}

/// Text edits of a test file that leave everything else in it as it was.
enum TestFileEdit {
    /// `text` with the case named `name` replaced by `caseText` (from its first line, with the comment lines just
    /// above it, to the line before the next case's comments), or `caseText` appended; and whether it replaced one.
    static func replacingCase(named name: String, with caseText: String, in text: String) -> (String, Bool) {
        var lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let layout = SpecTestLayout(text: text), let index = layout.cases.firstIndex(where: { $0.name == name }) else {
            let separator = lines.isEmpty ? "" : "\n"
            return (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n") + separator + caseText, false)
        }
        var start = layout.cases[index].line - 1
        while start > 0, lines[start - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#") { start -= 1 }
        let end = Self.end(ofCase: index, layout: layout, lines: lines)
        let replacement = caseText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
        lines.replaceSubrange(start..<end, with: replacement)
        return (lines.joined(separator: "\n") + "\n", true)
    }

    /// `text` with the lines from the case's `tools:`/`expect:` key to its end replaced by `section`; nil when the
    /// case is missing or has other keys after those.
    static func replacingRecordedSection(ofCaseNamed name: String, with section: [String], in text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let layout = SpecTestLayout(text: text), let index = layout.cases.firstIndex(where: { $0.name == name }) else { return nil }
        let keys = layout.cases[index].keyLines
        let recorded = ["tools", "expect"].compactMap { keys[$0] }
        guard let first = recorded.min() else { return nil }
        if keys.contains(where: { !["tools", "expect"].contains($0.key) && $0.value > first }) { return nil }
        let end = Self.end(ofCase: index, layout: layout, lines: lines)
        lines.replaceSubrange((first - 1)..<end, with: section)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The index of the line after case `index` ends: before the next case and the blank and comment lines above it.
    private static func end(ofCase index: Int, layout: SpecTestLayout, lines: [String]) -> Int {
        var end = index + 1 < layout.cases.count ? layout.cases[index + 1].line - 1 : lines.count
        while end > layout.cases[index].line, end - 1 < lines.count,
            lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty || lines[end - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#")
        {
            end -= 1
        }
        return end
    }
}
