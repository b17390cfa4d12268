import AgentSpec
import Foundation
import TestSupport
import Testing
import Workflow
@testable import Worker

#if canImport(Glibc)
import Glibc
#endif

@Suite struct CommandToolTests {
    func invocation(_ input: [String: JSONValue], tool: String = "t") -> ToolInvocation {
        ToolInvocation(input: input, taskID: "task-1", executionID: "exec-1", toolName: tool, referenceTaskName: "ref_1")
    }

    /// Values an LLM could send that a shell (or a sloppy template) would interpret.
    static let hostileValues: [String] = [
        "; touch PWNED_SEMICOLON", "| touch PWNED_PIPE", "& touch PWNED_AMP", "$(touch PWNED_SUBST)",
        "`touch PWNED_BACKTICK`", "a\nb\r\nc", "--help", "-rf", "-", "--", "", "  spaced  ", "'single' \"double\"",
        "\\back\\slash\\", "${HOME}", "$HOME", "*", "?", "~", "{value}", "日本語 🚀 émoji", "\u{202E}rtl", "tab\tsep",
        String(repeating: "long-", count: 20_000),
    ]

    @Test(arguments: hostileValues)
    func hostileArgumentsReachTheProgramByteForByte(_ value: String) async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "argv.py", argvEchoScript)
        let schema: JSONValue = ["type": "object", "properties": ["value": ["type": "string"]], "required": ["value"]]
        // Allowed to start with "-" anywhere, or by default after the end of options.
        let allowing = try CommandTool(WorkerToolDefinition(
            name: "echo_args", inputSchema: schema,
            binding: ToolBinding(command: ["./argv.py", "--fixed", "{value}", "--opt={value}"], allowLeadingDash: true),
            baseDirectory: dir))
        let outcome = await allowing.execute(invocation(["value": .string(value)]))
        #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
        #expect(outcome.output["argv"] == .array([.string(hex("--fixed")), .string(hex(value)), .string(hex("--opt=" + value))]))
        let operands = try CommandTool(WorkerToolDefinition(
            name: "echo_args", inputSchema: schema,
            binding: ToolBinding(command: ["./argv.py", "--opt={value}", "--", "{value}"]), baseDirectory: dir))
        let after = await operands.execute(invocation(["value": .string(value)]))
        #expect(after.status == .completed, "\(after.reason ?? "")")
        #expect(after.output["argv"] == .array([.string(hex("--opt=" + value)), .string(hex("--")), .string(hex(value))]))
        let created = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("PWNED") }
        #expect(created.isEmpty)
    }

    @Test func aValueThatWouldBeAnOptionFailsTheCallBeforeTheProgramStarts() async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "rm_like.sh", "#!/bin/sh\ntouch started\necho \"$@\"\n")
        let tool = try CommandTool(WorkerToolDefinition(
            name: "remove", inputSchema: ["type": "object", "properties": ["target": ["type": "string"]]],
            binding: ToolBinding(command: ["./rm_like.sh", "{target}"]), baseDirectory: dir))
        let outcome = await tool.execute(invocation(["target": "-rf"]))
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("'target'") == true, "\(outcome.reason ?? "")")
        #expect(outcome.reason?.contains("starts with '-'") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/started"), "nothing ran")
        #expect(await tool.execute(invocation(["target": "notes.txt"])).status == .completed)
    }

    @Test func aScriptStillOpenForWritingIsLaunchedOnceItIsClosed() async throws {
        // exec of a file some process holds open for writing fails with ETXTBSY; that happens when a script was
        // just written and a concurrently forked child has not exec'd yet. The worker waits and launches it.
        let dir = try makeTemporaryDirectory()
        let path = try writeScript(dir, "argv.py", argvEchoScript)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        #expect(descriptor >= 0)
        let tool = try CommandTool(WorkerToolDefinition(
            name: "echo_args", inputSchema: ["type": "object", "properties": ["value": ["type": "string"]]],
            binding: ToolBinding(command: ["./argv.py", "{value}"]), baseDirectory: dir))
        async let outcome = tool.execute(invocation(["value": "busy"]))
        try await Task.sleep(for: .milliseconds(60))
        close(descriptor)
        let result = await outcome
        #expect(result.status == .completed, "\(result.reason ?? "")")
        #expect(result.output["argv"] == .array([.string(hex("busy"))]))
    }

    @Test func nulBytesAndHugeStringsAreRefusedOnArgvButPassIntactOnStdin() async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "argv.py", argvEchoScript)
        try writeScript(dir, "stdin.py", """
            #!/usr/bin/env python3
            import hashlib, json, sys
            data = json.load(sys.stdin)
            text = data["value"]
            print(json.dumps({"length": len(text.encode()), "sha256": hashlib.sha256(text.encode()).hexdigest(),
                              "keys": sorted(data.keys())}))
            """)
        let schema: JSONValue = ["type": "object", "properties": ["value": ["type": "string"]]]
        let argvTool = try CommandTool(WorkerToolDefinition(
            name: "argv", inputSchema: schema, binding: ToolBinding(command: ["./argv.py", "{value}"]), baseDirectory: dir))
        let stdinTool = try CommandTool(WorkerToolDefinition(
            name: "stdin", inputSchema: schema, binding: ToolBinding(command: ["./stdin.py"], stdin: .json), baseDirectory: dir))

        let withNul = "before\u{0}after"
        let nulOnArgv = await argvTool.execute(invocation(["value": .string(withNul)]))
        #expect(nulOnArgv.status == .failedWithTerminalError)
        #expect(nulOnArgv.reason?.contains("NUL") == true)

        let megabyte = String(repeating: "0123456789abcdef", count: 65_536) + "é\u{0}🚀"
        let hugeOnArgv = await argvTool.execute(invocation(["value": .string(megabyte)]))
        #expect(hugeOnArgv.status == .failedWithTerminalError)
        #expect(hugeOnArgv.reason?.contains("stdin") == true)

        for value in [withNul, megabyte] {
            let outcome = await stdinTool.execute(invocation(["value": .string(value), "_agent_state": ["secret": 1]]))
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            #expect(outcome.output["length"] == .int(value.utf8.count))
            #expect(outcome.output["sha256"]?.stringValue == sha256Hex(value))
            #expect(outcome.output["keys"] == ["value"])
        }
    }

    @Test func shellModePassesValuesAsPositionalParametersNeverAsCode() async throws {
        let dir = try makeTemporaryDirectory()
        let tool = try CommandTool(WorkerToolDefinition(
            name: "shout", inputSchema: ["type": "object", "properties": ["text": ["type": "string"]]],
            binding: ToolBinding(command: [#"printf '%s' "$1" | tr a-z A-Z"#, "{text}"], shell: true), baseDirectory: dir))
        let outcome = await tool.execute(invocation(["text": "$(touch PWNED); `touch PWNED2` hi"]))
        #expect(outcome.output["result"] == "$(TOUCH PWNED); `TOUCH PWNED2` HI")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func timeoutKillsTheWholeProcessGroupIncludingChildrenThatIgnoreSIGTERM() async throws {
        let dir = try makeTemporaryDirectory()
        let pidFile = dir + "/grandchild.pid"
        try writeScript(dir, "hang.sh", """
            #!/bin/sh
            sh -c 'trap "" TERM; sleep 300' &
            echo $! > "$1"
            echo "started" >&2
            sleep 300
            """)
        let tool = try CommandTool(WorkerToolDefinition(
            name: "hang", inputSchema: ["type": "object", "properties": ["pidfile": ["type": "string"]]],
            binding: ToolBinding(command: ["./hang.sh", "{pidfile}"], timeoutSeconds: 1), baseDirectory: dir))
        let started = ContinuousClock.now
        let outcome = await tool.execute(invocation(["pidfile": .string(pidFile)]))
        let elapsed = ContinuousClock.now - started
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("timed out after 1 s") == true)
        #expect(elapsed < .seconds(30), "bounded by the 1 s timeout, not by the hanging script")
        let pidText = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try #require(Int32(pidText))
        #expect(await eventually { processIsDead(pid) })
    }

    @Test func theEnvironmentIsCleanPlusAllowlistSecretsAndTaskIdentifiers() async throws {
        let dir = try makeTemporaryDirectory()
        setenv("AGENTSPANC_TEST_SECRET", "s3cr3t value", 1)
        setenv("AGENTSPANC_TEST_INHERITED", "inherited", 1)
        setenv("AGENTSPANC_TEST_PRIVATE", "must not leak", 1)
        let tool = try CommandTool(WorkerToolDefinition(
            name: "env_tool",
            binding: ToolBinding(
                // `env` itself (no interpreter or shell that would add variables of its own).
                command: ["env"], env: ["TOKEN": "Bearer ${env:AGENTSPANC_TEST_SECRET}", "REGION": "eu-1"],
                inheritEnv: ["AGENTSPANC_TEST_INHERITED"]),
            baseDirectory: dir))
        let outcome = await tool.execute(invocation([:], tool: "env_tool"))
        var env: [String: String] = [:]
        for line in outcome.output["result"]?.stringValue?.split(separator: "\n") ?? [] {
            guard let equals = line.firstIndex(of: "=") else { continue }
            env[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        #expect(env["TOKEN"] == "Bearer s3cr3t value")
        #expect(env["REGION"] == "eu-1")
        #expect(env["AGENTSPANC_TEST_INHERITED"] == "inherited")
        #expect(env["AGENTSPANC_TEST_PRIVATE"] == nil)
        #expect(env["AGENTSPAN_TASK_ID"] == "task-1")
        #expect(env["AGENTSPAN_EXECUTION_ID"] == "exec-1")
        #expect(env["AGENTSPAN_TOOL"] == "env_tool")
        #expect(env["AGENTSPAN_IDEMPOTENCY_KEY"] == "exec-1:ref_1")
        let allowed: Set<String> = [
            "PATH", "HOME", "LANG", "TOKEN", "REGION", "AGENTSPANC_TEST_INHERITED", "AGENTSPAN_TASK_ID",
            "AGENTSPAN_EXECUTION_ID", "AGENTSPAN_TOOL", "AGENTSPAN_IDEMPOTENCY_KEY", "AGENTSPAN_ATTEMPT",
            "AGENTSPANC_TOOL_CALL",
        ]
        // The call's marker, by which the worker finds every process of the call when it must end them.
        #expect(env["AGENTSPANC_TOOL_CALL"]?.hasPrefix("\(getpid())-") == true)
        #expect(Set(env.keys).subtracting(allowed).isEmpty, "unexpected: \(Set(env.keys).subtracting(allowed))")

        let missing = try CommandTool(WorkerToolDefinition(
            name: "needs_secret", binding: ToolBinding(command: ["env"], env: ["X": "${env:AGENTSPANC_TEST_UNSET}"]),
            baseDirectory: dir))
        let failed = await missing.execute(invocation([:]))
        #expect(failed.status == .failedWithTerminalError)
        #expect(failed.reason?.contains("AGENTSPANC_TEST_UNSET") == true)
    }

    @Test func stdoutBecomesTheOutput() async throws {
        let dir = try makeTemporaryDirectory()
        func run(_ script: String, maxOutputBytes: Int? = nil) async throws -> ToolOutcome {
            let name = "s\(UUID().uuidString.prefix(8)).sh"
            try writeScript(dir, name, "#!/bin/sh\n" + script + "\n")
            let tool = try CommandTool(WorkerToolDefinition(
                name: "out", binding: ToolBinding(command: ["./" + name], maxOutputBytes: maxOutputBytes), baseDirectory: dir))
            return await tool.execute(invocation([:]))
        }
        #expect(try await run(#"printf '{"status":"ok","n":3}'"#).output == ["status": "ok", "n": 3])
        #expect(try await run(#"echo '[1, 2]'"#).output == ["result": [1, 2]])
        #expect(try await run(#"echo 42"#).output == ["result": 42])
        #expect(try await run(#"printf 'plain text\nsecond line\n'"#).output == ["result": "plain text\nsecond line"])
        let truncated = try await run("yes abcdefgh | head -c 100000", maxOutputBytes: 20)
        #expect(truncated.status == .completed)
        #expect(truncated.output["result"]?.stringValue?.utf8.count == 20)
        #expect(truncated.output["_truncated"] == true)
        let noisy = try await run("echo diagnostics >&2; echo fine")
        #expect(noisy.output == ["result": "fine"])
        #expect(noisy.logs.contains { $0.contains("diagnostics") })
        #expect(noisy.logs.contains { $0.contains("exit code 0") })
    }

    @Test func nonZeroExitIsRetryableUnlessTheToolHasSideEffects() async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "fail.sh", "#!/bin/sh\necho partial\necho 'disk quota exceeded' >&2\nexit 3\n")
        let retryable = try CommandTool(WorkerToolDefinition(
            name: "fail", binding: ToolBinding(command: ["./fail.sh"]), baseDirectory: dir))
        let outcome = await retryable.execute(invocation([:]))
        #expect(outcome.status == .failed)
        #expect(outcome.reason == "Tool 'fail' exited with code 3: disk quota exceeded")
        #expect(outcome.output["_exitCode"] == 3)

        let sideEffects = try CommandTool(WorkerToolDefinition(
            name: "fail", binding: ToolBinding(command: ["./fail.sh"], idempotent: false), baseDirectory: dir))
        #expect(await sideEffects.execute(invocation([:])).status == .failedWithTerminalError)
    }

    @Test func schemaViolationsStopTheCallBeforeAnythingRuns() async throws {
        let dir = try makeTemporaryDirectory()
        let marker = dir + "/ran"
        try writeScript(dir, "mark.sh", "#!/bin/sh\ntouch '\(marker)'\n")
        let tool = try CommandTool(WorkerToolDefinition(
            name: "restart",
            inputSchema: ["type": "object", "properties": ["service": ["type": "string", "enum": ["payments"]]], "required": ["service"]],
            binding: ToolBinding(command: ["./mark.sh", "{service}"]), baseDirectory: dir))
        let outcome = await tool.execute(invocation(["service": "database"]))
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("'service' must be one of") == true)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func workingDirectoryAndProgramPathResolveAgainstTheSpecDirectory() async throws {
        let dir = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try writeScript(dir, "bin/where.sh", "#!/bin/sh\npwd\n")
        let tool = try CommandTool(WorkerToolDefinition(
            name: "where", binding: ToolBinding(command: ["./bin/where.sh"], cwd: "data"), baseDirectory: dir))
        let outcome = await tool.execute(invocation([:]))
        let expected = URL(fileURLWithPath: dir + "/data").resolvingSymlinksInPath().path
        let actual = outcome.output["result"]?.stringValue.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
        #expect(actual == expected)
    }

    @Test func aMissingProgramIsATerminalFailure() async throws {
        let tool = try CommandTool(WorkerToolDefinition(
            name: "ghost", binding: ToolBinding(command: ["definitely-not-a-command-agentspanc"]), baseDirectory: "/tmp"))
        let outcome = await tool.execute(invocation([:]))
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("not found") == true)
    }
}

/// SHA-256 of the UTF-8 bytes, via the system's sha256sum (no crypto dependency in tests).
func sha256Hex(_ text: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
