import AgentSpec
import Foundation
import Logging
import TestSupport
import Testing
import Workflow
@testable import Worker

/// An executable product built next to the test binary (`agentspanc`, `agentspanc-example-plugin`).
func builtProduct(_ name: String) throws -> String {
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL {
        candidates.append(executable.deletingLastPathComponent())
    }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug"))
    for directory in candidates {
        let path = directory.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw PluginTestError(description: "\(name) not found next to the tests (looked in \(candidates.map(\.path)))")
}

/// The example plugin executable.
func examplePluginPath() throws -> String { try builtProduct("agentspanc-example-plugin") }

struct PluginTestError: Error, CustomStringConvertible {
    var description: String
}

/// A plugin in Python that can crash on demand and tells its pid.
let crashingPluginScript = """
    #!/usr/bin/env python3
    import json, os, sys
    print(json.dumps({"protocol": "agentspanc-plugin", "version": 1, "tools": [{"name": "pid"}, {"name": "crash"}]}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["tool"] == "crash":
            os._exit(3)
        print(json.dumps({"id": request["id"], "output": {"pid": os.getpid(), "args": request["arguments"],
                                                       "taskId": request["taskId"],
                                                       "traceparent": request.get("traceparent")}}), flush=True)
    """

@Suite struct PluginTests {
    func invocation(_ tool: String, _ input: [String: JSONValue], task: String = "task-1") -> ToolInvocation {
        ToolInvocation(input: input, taskID: task, executionID: "exec-1", toolName: tool, referenceTaskName: "ref")
    }

    @Test func theExamplePluginServesItsSwiftTools() async throws {
        let path = try examplePluginPath()
        let process = PluginProcess(path: path, workingDirectory: "/tmp", environment: ["PATH": "/usr/bin:/bin"], logger: Logger(label: "test"))
        let wordCount = PluginTool(
            WorkerToolDefinition(name: "word_count", binding: ToolBinding(plugin: path), baseDirectory: "/tmp"), process: process)
        let slugify = PluginTool(
            WorkerToolDefinition(name: "slugify", binding: ToolBinding(plugin: path), baseDirectory: "/tmp"), process: process)

        let counted = await wordCount.execute(invocation("word_count", ["text": "one two\nthree", "_agent_state": [:]]))
        #expect(counted.status == .completed)
        #expect(counted.output == ["words": 3, "lines": 2, "characters": 13])

        // Calls overlap on one process and each gets its own answer.
        async let a = slugify.execute(invocation("slugify", ["text": "Hello, World!"]))
        async let b = slugify.execute(invocation("slugify", ["text": "Payments Outage 503", "separator": "_"]))
        let (first, second) = await (a, b)
        #expect(first.output == ["result": "hello-world"])
        #expect(second.output == ["result": "payments_outage_503"])

        let refused = await slugify.execute(invocation("slugify", ["text": "!!!"]))
        #expect(refused.status == .failedWithTerminalError)
        #expect(refused.reason == "text has no letters or digits to build a slug from")

        let invalid = await slugify.execute(invocation("slugify", ["text": "x", "separator": "/"]))
        #expect(invalid.status == .failedWithTerminalError)
        #expect(invalid.reason?.contains("'separator' must be one of") == true)

        #expect(await process.starts == 1)
        #expect(await process.tools.map(\.name) == ["word_count", "slugify"])
        await process.stop()
    }

    @Test func callsArrivingWhileThePluginStartsAllGetAnswers() async throws {
        let path = try examplePluginPath()
        let process = PluginProcess(path: path, workingDirectory: "/tmp", environment: [:], logger: Logger(label: "test"))
        let tool = PluginTool(
            WorkerToolDefinition(name: "word_count", binding: ToolBinding(plugin: path, timeoutSeconds: 20), baseDirectory: "/tmp"),
            process: process)
        let outcomes = await withTaskGroup(of: ToolOutcome.self) { group in
            for n in 1...16 {
                group.addTask { await tool.execute(self.invocation("word_count", ["text": .string(String(repeating: "w ", count: n))])) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 16)
        #expect(outcomes.allSatisfy { $0.status == .completed })
        #expect(Set(outcomes.compactMap { $0.output["words"]?.intValue }) == Set(1...16))
        #expect(await process.starts == 1)
        await process.stop()
    }

    @Test func aCrashedPluginFailsItsCallsRetryablyAndIsRestarted() async throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeScript(dir, "plugin.py", crashingPluginScript)
        let metrics = WorkerMetrics()
        let process = PluginProcess(
            path: path, workingDirectory: dir, environment: ProcessInfo.processInfo.environment, logger: Logger(label: "test"),
            metrics: metrics)
        let pid = PluginTool(WorkerToolDefinition(name: "pid", binding: ToolBinding(plugin: path), baseDirectory: dir), process: process)
        let crash = PluginTool(WorkerToolDefinition(name: "crash", binding: ToolBinding(plugin: path), baseDirectory: dir), process: process)

        var traced = invocation("pid", ["x": 1, "_traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], task: "t-1")
        traced.traceparent = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"
        let before = await pid.execute(traced)
        #expect(before.output["args"] == ["x": 1], "the server's trace context is no argument")
        #expect(before.output["taskId"] == "t-1")
        #expect(before.output["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01")
        #expect(!metrics.prometheusText().contains("agentspanc_worker_plugin_restarts_total{"))
        let crashed = await crash.execute(invocation("crash", [:]))
        #expect(crashed.status == .failed)
        #expect(crashed.reason?.contains("exited") == true)
        let after = await pid.execute(invocation("pid", [:]))
        #expect(after.status == .completed)
        #expect(after.output["pid"] != before.output["pid"])
        #expect(await process.starts == 2)
        #expect(metrics.prometheusText().contains("agentspanc_worker_plugin_restarts_total{plugin=\"\(path)\"} 1"))
        await process.stop()
    }

    @Test func aPluginSpeakingAnotherProtocolVersionIsATerminalFailure() async throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeScript(dir, "future.sh", """
            #!/bin/sh
            echo '{"protocol":"agentspanc-plugin","version":99,"tools":[]}'
            cat > /dev/null
            """)
        let process = PluginProcess(path: path, workingDirectory: dir, environment: ["PATH": "/usr/bin:/bin"], logger: Logger(label: "test"))
        let tool = PluginTool(WorkerToolDefinition(name: "x", binding: ToolBinding(plugin: path), baseDirectory: dir), process: process)
        let outcome = await tool.execute(invocation("x", [:]))
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("version 99") == true)
    }

    @Test func pluginTimeoutsFailTerminally() async throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeScript(dir, "silent.sh", """
            #!/bin/sh
            echo '{"protocol":"agentspanc-plugin","version":1,"tools":[{"name":"never"}]}'
            cat > /dev/null
            """)
        let process = PluginProcess(path: path, workingDirectory: dir, environment: ["PATH": "/usr/bin:/bin"], logger: Logger(label: "test"))
        let tool = PluginTool(
            WorkerToolDefinition(name: "never", binding: ToolBinding(plugin: path, timeoutSeconds: 0.5), baseDirectory: dir),
            process: process)
        let started = ContinuousClock.now
        let outcome = await tool.execute(invocation("never", [:]))
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("timed out") == true)
        #expect(ContinuousClock.now - started < .seconds(30), "bounded by the 0.5 s timeout, not by the silent plugin")
        await process.stop()
    }
}
