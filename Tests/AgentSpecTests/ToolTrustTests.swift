import AgentSpec
import Foundation
import Testing
import Workflow

/// A tool spec with a program beside it, in a fresh directory.
private struct ToolFixture {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/tools", withIntermediateDirectories: true)
        try write(program: "#!/bin/sh\necho ok\n")
    }

    func write(program: String) throws {
        try program.write(toFile: directory + "/tools/check.sh", atomically: true, encoding: .utf8)
    }

    static func tool(command: [String] = ["./tools/check.sh", "{service}"], schemaType: String = "string") -> ToolConfig {
        ToolConfig(
            name: "check", inputSchema: ["type": "object", "properties": ["service": ["type": .string(schemaType)]]],
            run: ToolBinding(command: command))
    }
}

@Suite("Tool lock")
struct ToolLockTests {
    @Test func theSameToolHashesTheSameAndEachChangeNamesItsPart() throws {
        let fixture = try ToolFixture()
        let base = ToolFingerprint(tool: ToolFixture.tool(), baseDirectory: fixture.directory)
        #expect(ToolFingerprint(tool: ToolFixture.tool(), baseDirectory: fixture.directory) == base)
        #expect(base.hash.hasPrefix("sha256:") && base.hash.count == 71)
        #expect(Set(base.parts.keys) == ["argv", "io", "program", "inputSchema", "effects"])

        let argv = ToolFingerprint(tool: ToolFixture.tool(command: ["./tools/check.sh", "--force", "{service}"]), baseDirectory: fixture.directory)
        #expect(argv.hash != base.hash)
        #expect(argv.changes(from: base) == ["argv template"])

        let schema = ToolFingerprint(tool: ToolFixture.tool(schemaType: "integer"), baseDirectory: fixture.directory)
        #expect(schema.changes(from: base) == ["input schema"])

        try fixture.write(program: "#!/bin/sh\nrm -rf /tmp/x\n")
        let program = ToolFingerprint(tool: ToolFixture.tool(), baseDirectory: fixture.directory)
        #expect(program.changes(from: base, program: "./tools/check.sh") == ["program file ./tools/check.sh"])

        var destructive = ToolFixture.tool()
        destructive.effects = .destructive
        #expect(ToolFingerprint(tool: destructive, baseDirectory: fixture.directory).changes(from: program) == ["effects and approval policy"])
    }

    @Test func programsOnThePathAreCoveredByTheArgvOnly() {
        let fingerprint = ToolFingerprint(tool: ToolFixture.tool(command: ["/bin/echo", "{service}"]), baseDirectory: "/nowhere")
        #expect(fingerprint.parts["program"] == nil)
    }

    @Test func aLockedConfigListsEveryAgentAndTool() {
        let config = AgentConfig(
            name: "ops", model: "openai/gpt-4o", agents: [AgentConfig(name: "fixer", model: "openai/gpt-4o", tools: [ToolFixture.tool()])])
        let lock = SpecLock(config.locked(baseDirectory: "/nowhere"))
        #expect(lock.workflow == "ops")
        #expect(lock.agents["fixer"]?["check"] != nil)
        #expect(SpecLock(config).agents.isEmpty, "an unstamped config has no lock")
    }
}

@Suite("Tool effects")
struct ToolEffectTests {
    @Test func eachEffectHasItsPolicy() {
        func policy(_ effect: ToolEffect?, idempotent: Bool? = nil, approval: Bool? = nil) -> ToolPolicy {
            ToolConfig(name: "t", approvalRequired: approval, effects: effect, idempotent: idempotent).policy
        }
        #expect(policy(.read).retriable && policy(.read).idempotent && !policy(.read).requiresApproval)
        #expect(policy(.write).retriable == false)
        #expect(policy(.write, idempotent: true).retriable == true)
        #expect(policy(.destructive).requiresApproval == true)
        #expect(policy(.destructive).retriable == false)
        #expect(policy(.destructive, idempotent: true).retriable == false, "destructive is never retried")
        #expect(policy(.destructive, approval: false).requiresApproval == false, "an explicit approvalRequired: false wins")
        #expect(policy(nil).retriable && !policy(nil).requiresApproval && policy(nil).effect == nil)
        #expect(policy(.destructive).summary == "destructive · approval required · never retried")
    }

    @Test func effectsAreSpecKeysWithTheirValues() throws {
        let spec = try SpecLoader.load(source: """
            name: ops
            model: openai/gpt-4o
            tools:
              - name: drop
                effects: destructive
              - name: put
                effects: write
                idempotent: true
            """, path: "specs/ops.yaml")
        #expect(spec.config.tools.map(\.effects) == [.destructive, .write])
        #expect(spec.config.tools[1].idempotent == true)
        do {
            _ = try SpecLoader.load(source: "name: ops\nmodel: openai/gpt-4o\ntools:\n  - name: drop\n    effects: delete\n", path: "specs/ops.yaml")
            Issue.record("an unknown effect loaded")
        } catch {
            #expect(error.diagnostics.contains { $0.line == 5 && $0.message.contains("read, write, destructive") }, "\(error)")
        }
    }

    @Test func aBudgetOnAMultiAgentParentIsNoLongerAWarningButOnALoneLLMCallItIs() throws {
        let team = try SpecLoader.load(source: """
            name: team
            strategy: sequential
            budget: {maxTokens: 100}
            agents:
              - {name: a, model: openai/gpt-4o}
            """, path: "specs/team.yaml")
        #expect(!team.warnings.contains { $0.message.contains("budget") }, "a parent's budget bounds its sub-agents: \(team.warnings)")
        let lone = try SpecLoader.load(source: "name: one\nmodel: openai/gpt-4o\nbudget: {maxTokens: 100}\n", path: "specs/one.yaml")
        #expect(lone.warnings.contains { $0.line == 3 && $0.message.contains("counted but never stopped") }, "\(lone.warnings)")
    }

    @Test func aDestructiveToolInAParallelBranchIsALocatedError() {
        let source = """
            name: team
            strategy: parallel
            agents:
              - name: reader
                model: openai/gpt-4o
                tools:
                  - name: look
                    effects: read
              - name: cleaner
                model: openai/gpt-4o
                tools:
                  - name: wipe
                    effects: destructive
            """
        do {
            _ = try SpecLoader.load(source: source, path: "specs/team.yaml")
            Issue.record("a destructive tool in a parallel branch loaded")
        } catch {
            let found = error.errors.first { $0.message.contains("'wipe'") && $0.message.contains("parallel branch") }
            #expect(found?.line == 13, "\(error)")
            #expect(found?.column == 18, "\(error)")
            #expect(found?.rendered.hasPrefix("specs/team.yaml:13:18: error: tool 'wipe' of agent 'cleaner' is destructive") == true, "\(error)")
        }
        let sequential = source.replacingOccurrences(of: "strategy: parallel", with: "strategy: sequential")
        #expect((try? SpecLoader.load(source: sequential, path: "specs/team.yaml")) != nil)
    }
}

@Suite("Operator policy")
struct OperatorPolicyTests {
    private func writePolicy(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aPolicyNarrowsApprovalAndTimeoutsAndForbidsProgramsAndHosts() throws {
        let policy = try OperatorPolicy.load(path: try writePolicy("""
            forbidPrograms: [curl]
            forbidHosts: [evil.example.com]
            requireApproval: {tools: [restart], effects: [write]}
            maxTimeoutSeconds: 20
            """))
        var restart = ToolConfig(name: "restart", run: ToolBinding(command: ["./restart.sh"], timeoutSeconds: 300))
        restart.effects = .read
        let put = ToolConfig(name: "put", run: ToolBinding(command: ["./put.sh"], timeoutSeconds: 5), effects: .write)
        let narrowed = try policy.apply(to: AgentConfig(name: "ops", model: "openai/gpt-4o", tools: [restart, put]))
        #expect(narrowed.tools.map(\.policy.requiresApproval) == [true, true])
        #expect(narrowed.tools.map { $0.run?.timeoutSeconds } == [20, 5], "a cap lowers long timeouts and keeps short ones")

        let curl = ToolConfig(name: "fetch", run: ToolBinding(command: ["/usr/bin/curl", "{url}"]))
        let http = ToolConfig(name: "post", toolType: "http", config: ["url": "https://api.evil.example.com/x"])
        let fromSub = AgentConfig(name: "ops", model: "openai/gpt-4o", agents: [AgentConfig(name: "net", model: "openai/gpt-4o", tools: [curl, http])])
        #expect(throws: OperatorPolicy.Violation.self) { try policy.apply(to: fromSub) }
        do {
            _ = try policy.apply(to: fromSub)
        } catch {
            #expect(error.message.contains("tool 'fetch' of agent 'net': the policy forbids program /usr/bin/curl"), "\(error)")
            #expect(error.message.contains("tool 'post' of agent 'net': the policy forbids host evil.example.com"), "\(error)")
        }
    }

    @Test func aPolicyFileWithAnUnknownKeyIsRefusedByName() throws {
        let path = try writePolicy("forbidProgram: [curl]\n")
        #expect(throws: OperatorPolicy.Violation.self) { try OperatorPolicy.load(path: path) }
        do {
            _ = try OperatorPolicy.load(path: path)
        } catch {
            #expect(error.message.contains("unknown key 'forbidProgram'"), "\(error)")
            #expect(error.message.contains("forbidPrograms"), "suggests the right key: \(error)")
        }
    }
}

@Suite("Plan diff")
struct PlanDiffTests {
    @Test func aDiffShowsWhatTheNewSpecMayRunOrReachAndEveryLoosenedTool() {
        let old = AgentConfig(name: "ops", model: "openai/gpt-4o", tools: [
            ToolConfig(name: "check", run: ToolBinding(command: ["./check.sh"])),
            ToolConfig(name: "wipe", run: ToolBinding(command: ["./wipe.sh"]), effects: .destructive),
        ])
        var new = old
        new.tools[1].approvalRequired = false
        new.tools.append(ToolConfig(name: "post", toolType: "http", config: ["url": "https://hooks.example.com/x"]))
        new.tools[0].run?.command = ["/usr/bin/curl", "{url}"]
        let diff = AgentPlan.diff(from: AgentPlan(old), to: AgentPlan(new))
        #expect(diff.contains("+ command /usr/bin/curl"), "\(diff)")
        #expect(diff.contains("- command ./check.sh"), "\(diff)")
        #expect(diff.contains("+ host hooks.example.com"), "\(diff)")
        #expect(diff.contains("+ tool post"), "\(diff)")
        #expect(diff.contains("~ tool wipe"), "\(diff)")
        #expect(diff.contains("    - policy: destructive · approval required · never retried"), "\(diff)")
        #expect(diff.contains("    + policy: destructive · never retried"), "\(diff)")
        #expect(AgentPlan.diff(from: AgentPlan(old), to: AgentPlan(old)).isEmpty)
    }

    @Test func thePlanShowsEachToolsPolicy() {
        let plan = AgentPlan(AgentConfig(name: "ops", model: "openai/gpt-4o", tools: [
            ToolConfig(name: "put", run: ToolBinding(command: ["./put.sh"]), effects: .write),
        ]))
        #expect(plan.lines.contains("    policy: write · never retried"), "\(plan.lines)")
        #expect(plan.lines.contains { $0.contains("never retried") && $0.hasPrefix("    ") }, "the binding line agrees: \(plan.lines)")
    }
}
