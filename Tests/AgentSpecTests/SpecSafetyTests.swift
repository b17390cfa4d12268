import AgentSpec
import Foundation
import Testing
import YAMLGuard

private func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentspec-safety-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.resolvingSymlinksInPath()
}

private func write(_ text: String, _ url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

/// `ref:` stays inside the spec's directory tree unless the caller allows more, and files that are not YAML
/// specs are never quoted in diagnostics.
@Suite("ref: confinement")
struct RefConfinementTests {
    /// A tree `repo/specs/team.yaml` and a secret outside it, `outside/secret.yaml`.
    private func layout(ref: String) throws -> (root: String, outside: URL) {
        let dir = try temporaryDirectory()
        let outside = dir.appendingPathComponent("outside")
        try write("name: stolen\nmodel: openai/gpt-4o\ninstructions: TOPSECRET-1\n", outside.appendingPathComponent("secret.yaml"))
        let root = dir.appendingPathComponent("repo/specs/team.yaml")
        try write("name: team\nstrategy: sequential\nagents:\n  - ref: \(ref)\n", root)
        return (root.path, outside)
    }

    @Test func refsOutsideTheTreeAreRefusedAtTheRef() throws {
        for ref in ["../../outside/secret.yaml", "/etc/shadow", "sub/../../../outside/secret.yaml"] {
            let (root, _) = try layout(ref: ref)
            let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: root) }
            let refused = try #require(error.errors.first)
            #expect(refused.message.hasPrefix("'\(ref)' is outside the spec's directory"), "\(refused.message)")
            #expect(refused.line == 4 && refused.column == 10)
            #expect(!error.description.contains("TOPSECRET") && !error.description.contains("root:"))
        }
    }

    @Test func symlinksAreResolvedBeforeTheCheck() throws {
        let (root, outside) = try layout(ref: "agents/link.yaml")
        let agents = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("agents")
        try FileManager.default.createDirectory(at: agents, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: agents.appendingPathComponent("link.yaml").path, withDestinationPath: outside.appendingPathComponent("secret.yaml").path)
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: root) }
        #expect(error.errors.first?.message.hasPrefix("'agents/link.yaml' is outside the spec's directory") == true)
        // A symlinked directory inside the tree that leads out is refused the same way.
        try FileManager.default.createSymbolicLink(atPath: agents.appendingPathComponent("out").path, withDestinationPath: outside.path)
        try write("name: team\nstrategy: sequential\nagents:\n  - ref: agents/out/secret.yaml\n", URL(fileURLWithPath: root))
        let viaDirectory = try #require(throws: SpecError.self) { try SpecLoader.load(path: root) }
        #expect(viaDirectory.errors.first?.message.contains("is outside the spec's directory") == true)
    }

    @Test func refsInsideTheTreeStillWorkThroughDotDot() throws {
        let dir = try temporaryDirectory()
        try write("name: helper\nmodel: openai/gpt-4o\n", dir.appendingPathComponent("shared/helper.yaml"))
        try write("name: a\nstrategy: sequential\nagents:\n  - ref: ../shared/helper.yaml\n", dir.appendingPathComponent("agents/a.yaml"))
        try write("name: team\nstrategy: sequential\nagents:\n  - ref: agents/a.yaml\n", dir.appendingPathComponent("team.yaml"))
        let spec = try SpecLoader.load(path: dir.appendingPathComponent("team.yaml").path)
        #expect(spec.config.agents.first?.agents.first?.name == "helper")
    }

    @Test func refsToDirectoriesAndPipesAreRefusedWithoutOpeningThem() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        #expect(mkfifo(dir.appendingPathComponent("pipe").path, 0o600) == 0)
        try write("name: helper\nmodel: openai/gpt-4o\n", dir.appendingPathComponent("real.yaml"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.yaml").path, withDestinationPath: "real.yaml")
        try write("name: team\nstrategy: sequential\nagents:\n  - ref: folder\n  - ref: pipe\n  - ref: link.yaml\n", dir.appendingPathComponent("team.yaml"))
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: dir.appendingPathComponent("team.yaml").path) }
        #expect(error.errors.map { "\($0.line) \($0.message.hasSuffix("it is not a regular file"))" } == ["4 true", "5 true"])
    }

    @Test func allowedDirectoriesAndAnyRef() throws {
        let (root, outside) = try layout(ref: "../../outside/secret.yaml")
        let allowed = try SpecLoader.load(path: root, options: SpecLoadOptions(refRoots: [outside.path]))
        #expect(allowed.config.agents.map(\.name) == ["stolen"])
        let any = try SpecLoader.load(path: root, options: SpecLoadOptions(allowsAnyRef: true))
        #expect(any.config.agents.map(\.name) == ["stolen"])
        // Another allowed directory does not open everything.
        let other = try temporaryDirectory()
        #expect(throws: SpecError.self) { try SpecLoader.load(path: root, options: SpecLoadOptions(refRoots: [other.path])) }
    }

    @Test func filesThatAreNotSpecsAreNeverQuoted() throws {
        let dir = try temporaryDirectory()
        let contents: [(String, String)] = [
            ("shadow", "root:$6$TOPSECRET:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"),
            ("env", "AWS_KEY=TOPSECRET\n  bad: [indent\n"),
            ("ini", "[default]\naws_secret_access_key = TOPSECRET\n"),
            ("list", "- TOPSECRET\n- more\n"),
            ("dupes", "root:$6$TOPSECRET:19000:\nroot:$6$TOPSECRET:19000:\n"),
        ]
        for (name, text) in contents {
            try write(text, dir.appendingPathComponent(name))
            let root = dir.appendingPathComponent("team-\(name).yaml")
            try write("name: team\nstrategy: sequential\nagents:\n  - ref: \(name)\n", root)
            let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: root.path) }
            #expect(!error.description.contains("TOPSECRET"), "\(name): \(error.description)")
            #expect(error.errors.contains { $0.file.hasSuffix("/\(name)") && $0.line > 0 }, "\(name): \(error.description)")
        }
        try Data([0x54, 0x4f, 0x50, 0xff, 0x00, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54]).write(to: dir.appendingPathComponent("binary"))
        try write("name: team\nstrategy: sequential\nagents:\n  - ref: binary\n", dir.appendingPathComponent("team.yaml"))
        let binary = try #require(throws: SpecError.self) { try SpecLoader.load(path: dir.appendingPathComponent("team.yaml").path) }
        #expect(binary.errors.first?.message.hasPrefix("the file is not UTF-8 text") == true)
        #expect(binary.errors.first?.sourceLine == nil && !binary.description.contains("TOP"))
    }

    @Test func aRefBombOfSmallFilesIsBoundedByOneBudget() throws {
        // Every file of a level references the ten files of the next: 10^8 inlined agents from 81 small files
        // without a budget over all files.
        let dir = try temporaryDirectory()
        for level in 0..<8 {
            let next = (0..<10).map { "  - ref: l\(level + 1)_\($0).yaml" }.joined(separator: "\n")
            for file in 0..<(level == 0 ? 1 : 10) {
                try write("name: l\(level)_\(file)\nstrategy: parallel\nagents:\n\(next)\n", dir.appendingPathComponent("l\(level)_\(file).yaml"))
            }
        }
        for file in 0..<10 {
            try write("name: l8_\(file)\nmodel: openai/gpt-4o\ninstructions: leaf\n", dir.appendingPathComponent("l8_\(file).yaml"))
        }
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: dir.appendingPathComponent("l0_0.yaml").path) }
        #expect(error.errors.map(\.message) == [
            "the spec and its sub-agent files together have more than 100000 nodes (each ref: counts every time it is used)",
        ], "\(error.description.prefix(500))")
    }
}

/// Clear answers for mistakes in otherwise ordinary specs.
@Suite("Spec diagnostics")
struct SpecDiagnosticTests {
    private func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try SpecLoader.load(source: text, path: "spec.yaml")
            return []
        } catch {
            return error.errors
        }
    }

    @Test func duplicateKeysAreLocatedAtTheSecondOccurrenceWithANote() {
        let found = errors("name: a\nmodel: openai/gpt-4o\ntools:\n  - name: t\n    description: one\n    description: two\n")
        #expect(found.count == 1)
        #expect(found.first?.rendered == """
            spec.yaml:6:5: error: duplicate key 'description' in mapping
                description: two
                ^
            spec.yaml:5:5: note: 'description' first appears here
                description: one
                ^
            """)
        // Same text, different type: YAML does not call these duplicates.
        #expect(errors("name: a\nmodel: openai/gpt-4o\nmetadata: {1: x, '1': y}\n").isEmpty)
    }

    @Test func rangesAreLocatedAtTheValueInEveryAgentAndBinding() {
        let found = errors("""
            name: team
            model: openai/gpt-4o
            maxTurns: 0
            maxTokens: -5
            temperature: 2.5
            timeoutSeconds: -1
            tools:
              - name: t
                timeoutSeconds: 0
                run: {command: [ls], timeoutSeconds: 0}
            agents:
              - {name: sub, model: openai/gpt-4o, temperature: -0.1, maxTurns: 0}
            router: {name: r, model: openai/gpt-4o, maxTokens: 0}
            """)
        #expect(found.map { "\($0.line):\($0.column) \($0.message)" } == [
            "3:11 'maxTurns' must be positive, found 0",
            "4:12 'maxTokens' must be positive, found -5",
            "5:14 'temperature' must be between 0 and 2, found 2.5",
            "6:17 'timeoutSeconds' must be zero or more, found -1",
            "9:21 'timeoutSeconds' must be positive, found 0",
            "10:42 'timeoutSeconds' must be positive, found 0",
            "12:52 'temperature' must be between 0 and 2, found -0.1",
            "12:68 'maxTurns' must be positive, found 0",
            "13:52 'maxTokens' must be positive, found 0",
        ])
        #expect(errors("name: a\nmodel: openai/gpt-4o\ntemperature: 0\ntimeoutSeconds: 0\nmaxTurns: 1\n").isEmpty)
        #expect(errors("name: a\nmodel: openai/gpt-4o\ntemperature: 2\n").isEmpty)
    }

    @Test func emptyCommandIsLocatedAtCommand() {
        let found = errors("name: a\nmodel: openai/gpt-4o\ntools:\n  - name: t\n    run:\n      command: []\n")
        #expect(found.map { "\($0.line):\($0.column) \($0.message)" } == ["6:16 run.command must not be empty; it starts with the program to run"])
    }

    @Test func placeholdersMustNameInputSchemaProperties() {
        let spec = """
            name: a
            model: openai/gpt-4o
            tools:
              - name: t
                inputSchema: {type: object, properties: {service: {type: string}, lines: {type: integer}}}
                run: {command: [./check.sh, "{servce}", "--lines={lines}", "--n={count}", "jq {a: .b}", "x{service}y"]}
              - name: program
                inputSchema: {type: object, properties: {prog: {type: string}}}
                run: {command: ["{prog}"]}
              - name: no_schema
                run: {command: [./any.sh, "{whatever}"]}
            """
        #expect(errors(spec).map { "\($0.line):\($0.column) \($0.message)" } == [
            "6:33 run.command uses {servce}, which is not a property of the tool's inputSchema; did you mean 'service'?",
            "6:64 run.command uses {count}, which is not a property of the tool's inputSchema",
            "6:93 run.command embeds {service} inside other text; a parameter must fill a whole element (\"{service}\") or follow a flag (\"--service={service}\"), or go on stdin (stdin: json)",
            "9:21 run.command[0] must be a fixed program, not the parameter {prog}",
        ])
    }

    @Test func controlCharactersAndBadBytesAreLocated() throws {
        let nul = errors("name: a\nmodel: openai/gpt-4o\ndescription: x\u{0}y\n")
        #expect(nul.map { "\($0.line):\($0.column) \($0.message)" } == ["3:15 control character U+0000 (NUL) is not allowed in YAML (binary data is not a spec)"])
        #expect(nul.first?.sourceLine == nil)
        let escape = errors("name: a\nmodel: openai/gpt-4o\ndescription: \"é\u{1B}[31m\"\n")
        #expect(escape.map { "\($0.line):\($0.column)" } == ["3:16"])
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("latin1.yaml")
        try Data("name: a\nmodel: openai/gpt-4o\ndescription: caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: file)
        let latin1 = try #require(throws: SpecError.self) { try SpecLoader.load(path: file.path) }
        #expect(latin1.errors.map { "\($0.line):\($0.column) \($0.message)" } == ["3:17 the file is not UTF-8 text (invalid byte sequence at byte offset 45)"])
    }

    @Test func decodingProblemsAreSentencesNotSwiftDebugText() throws {
        // Valid YAML the reader accepts is always decodable; an unreadable top-level file says why in words.
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: "/nonexistent/spec.yaml") }
        #expect(error.errors.map(\.message) == ["cannot read file: no such file"])
    }
}

/// The bounds themselves, on small limits.
@Suite("YAML guard")
struct YAMLGuardTests {
    @Test func countsExpandedNodesWithoutExpanding() throws {
        // The mapping, a, the list and its 2 items, b, the second list and 3 nodes for each alias.
        #expect(try YAMLGuard.check("a: &x [1, 2]\nb: [*x, *x]\n") == 1 + 1 + 3 + 1 + 1 + 3 + 3)
        let limits = YAMLLimits(maxBytes: 1_000, maxNodes: 10, maxAliases: 2, maxDepth: 3)
        #expect(throws: YAMLGuardProblem.self) { try YAMLGuard.check("a: &x [1, 2]\nb: [*x, *x]\n", limits: limits) }
        let aliases = try #require(throws: YAMLGuardProblem.self) { try YAMLGuard.check("a: &x 1\nb: [*x, *x, *x]\n", limits: limits) }
        #expect(aliases.line == 2 && aliases.column == 13)
        let deep = try #require(throws: YAMLGuardProblem.self) { try YAMLGuard.check("[[[[1]]]]", limits: limits) }
        #expect(deep.line == 1 && deep.column == 4)
    }

    @Test func leavesSyntaxErrorsToTheComposer() throws {
        #expect(try YAMLGuard.check("a: [1, 2\n") >= 0)
        #expect(try YAMLGuard.check("") == 0)
    }
}
