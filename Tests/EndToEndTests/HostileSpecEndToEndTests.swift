import Foundation
import TestSupport
import Testing

/// The built `agentspanc` refuses hostile specs with a located error and exit status 1, instead of running out of
/// memory (the alias bomb used to abort `validate` and `compile`).
@Suite struct HostileSpecEndToEndTests {
    static let corpus = TestEnvironment.packageRoot + "/Tests/AgentSpecTests/HostileSpecs"

    func agentspanc(_ arguments: [String]) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let process = try ChildProcess(TestEnvironment.binary, arguments, environment: [:])
        // Generous: the point is that it ends at all; before the bound it took minutes and gigabytes.
        let status = await process.wait(timeout: .seconds(120))
        if status == nil { await process.kill9() }
        return (status, process.stdout, process.stderr)
    }

    @Test func validateAndCompileRefuseTheAliasBomb() async throws {
        let bomb = Self.corpus + "/alias-bomb.yaml"
        let validate = try await agentspanc(["validate", bomb])
        #expect(validate.status == 1, "\(validate.stderr)")
        #expect(validate.stderr.contains(
            "\(bomb):8:47: error: alias '*a3' expands to 11111 nodes, taking the document past 100000 nodes"), "\(validate.stderr)")
        let output = try makeTemporaryDirectory()
        let compile = try await agentspanc(["compile", bomb, "-o", output])
        #expect(compile.status == 1, "\(compile.stderr)")
        #expect(compile.stderr.contains("\(bomb):8:47: error: alias '*a3'"), "\(compile.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).isEmpty)
    }

    @Test func refOutsideTheTreeNeedsAFlag() async throws {
        let dir = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/repo", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/shared", withIntermediateDirectories: true)
        try "name: helper\nmodel: openai/gpt-4o\n".write(toFile: dir + "/shared/helper.yaml", atomically: true, encoding: .utf8)
        try "name: team\nstrategy: sequential\nagents:\n  - ref: ../shared/helper.yaml\n"
            .write(toFile: dir + "/repo/team.yaml", atomically: true, encoding: .utf8)
        let refused = try await agentspanc(["validate", dir + "/repo/team.yaml"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(dir)/repo/team.yaml:4:10: error: '../shared/helper.yaml' is outside the spec's directory"), "\(refused.stderr)")
        let allowed = try await agentspanc(["validate", dir + "/repo/team.yaml", "--allow-ref-outside", dir + "/shared"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("ok (team)"))
        let any = try await agentspanc(["plan", dir + "/repo/team.yaml", "--allow-any-ref"])
        #expect(any.status == 0, "\(any.stderr)")
        #expect(any.stdout.contains("helper"))
    }
}
