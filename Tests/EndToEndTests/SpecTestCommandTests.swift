import Foundation
import TestSupport
import Testing

/// `agentspanc test` as users run it: one line per case, located failures with the path diff, exit codes, JUnit.
@Suite struct SpecTestCommandTests {
    func agentspanc(_ arguments: [String], in directory: String) async throws -> (Int32?, String, String) {
        // `env -C`: the command runs where a user would run it, paths printed relative to there.
        let process = try ChildProcess(
            "/usr/bin/env", ["-C", directory, TestEnvironment.binary] + arguments,
            environment: ["HOME": try makeTemporaryDirectory(), "AGENTSPAN_AUTO_START_SERVER": "false"])
        let code = await process.wait(timeout: .seconds(120))
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    @Test func passingAndFailingCasesAreReportedWithLocationsAndJUnit() async throws {
        let dir = try makeTemporaryDirectory()
        let specs = TestEnvironment.packageRoot + "/specs"
        try FileManager.default.copyItem(atPath: specs + "/ops_agent.yaml", toPath: dir + "/ops_agent.yaml")
        try FileManager.default.copyItem(atPath: specs + "/tools", toPath: dir + "/tools")
        try """
            - name: healthy search is not restarted
              prompt: Is search healthy?
              tools:
                check_service:
                  fixtures: [{output: {status: healthy}}]
              turns:
                - {content: Checking., toolCalls: [{name: check_service, arguments: {service_name: search}}]}
                - {content: All good.}
              expect:
                toolCalls: [{name: check_service}]
                notCalled: [restart_service]
            - name: expects a restart that never comes
              prompt: Is search healthy?
              tools:
                check_service:
                  fixtures: [{output: {status: healthy}}]
              turns:
                - {content: Checking., toolCalls: [{name: check_service, arguments: {service_name: search}}]}
                - {content: All good.}
              expect:
                toolCalls:
                  - name: check_service
                  - name: restart_service
            """.write(toFile: dir + "/ops_agent.test.yaml", atomically: true, encoding: .utf8)

        let (code, out, err) = try await agentspanc(["test", "ops_agent.yaml", "--junit", "report.xml"], in: dir)
        #expect(code == 1, "\(out)\n\(err)")
        #expect(out.contains("PASS  ops_agent.test.yaml:1  healthy search is not restarted"), "\(out)")
        #expect(out.contains("FAIL  ops_agent.test.yaml:12  expects a restart that never comes"), "\(out)")
        #expect(out.contains("ops_agent.test.yaml:23:9: error: expected tool call restart_service was not called in this order"), "\(out)")
        #expect(out.contains("    - restart_service"), "\(out)")
        #expect(out.contains("2 case(s), 1 failed"), "\(out)")
        let junit = try String(contentsOfFile: dir + "/report.xml", encoding: .utf8)
        #expect(junit.contains("<testsuites name=\"agentspanc test\" tests=\"2\" failures=\"1\""), "\(junit)")
        #expect(junit.contains("<testcase classname=\"ops_agent.test.yaml\" name=\"healthy search is not restarted\""), "\(junit)")
        #expect(junit.contains("<failure message=\"expected tool call restart_service was not called in this order\">"), "\(junit)")

        let (filtered, filteredOut, _) = try await agentspanc(["test", ".", "--filter", "^healthy"], in: dir)
        #expect(filtered == 0, "\(filteredOut)")
        #expect(filteredOut.contains("1 case(s), 0 failed"), "\(filteredOut)")

        let (none, _, noneErr) = try await agentspanc(["test", "missing.yaml"], in: dir)
        #expect(none != 0 && noneErr.contains("missing.yaml: no such file or directory"), "\(noneErr)")
    }
}
