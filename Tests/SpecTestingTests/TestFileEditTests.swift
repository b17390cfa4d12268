import AgentSpec
import Foundation
@testable import SpecTesting
import Testing

/// The text edits `--record-test` and `--update` make: only the recorded case (or its recorded keys) changes.
@Suite struct TestFileEditTests {
    static let file = """
        # Tests of ops_agent.yaml.
        - name: first
          prompt: One.
          turns: [{content: Done.}]

        # The recorded one.
        - name: recorded
          prompt: Two.   # a comment kept
          cassette: ops.recorded.cassette.yaml
          recorded: true
          tools:
            check_service:
              fixtures:
                - when: {"service_name":"a"}
                  output: {"result":{"status":"old"}}
          expect:
            status: COMPLETED

        # The last one.
        - name: last
          prompt: Three.
          turns: [{content: Done.}]

        """

    @Test func updateReplacesOnlyTheRecordedKeysOfTheCase() throws {
        let section = ["  expect:", "    status: FAILED"]
        let updated = try #require(TestFileEdit.replacingRecordedSection(ofCaseNamed: "recorded", with: section, in: Self.file))
        #expect(updated == Self.file.replacingOccurrences(of: """
              tools:
                check_service:
                  fixtures:
                    - when: {"service_name":"a"}
                      output: {"result":{"status":"old"}}
              expect:
                status: COMPLETED
            """, with: """
              expect:
                status: FAILED
            """))
        #expect(SpecTestLayout(text: updated)?.cases.map(\.name) == ["first", "recorded", "last"])
    }

    @Test func aRecordedCaseWithKeysAfterItsRecordedOnesIsNotRewritten() {
        let reordered = Self.file.replacingOccurrences(of: "    status: COMPLETED\n", with: "    status: COMPLETED\n  timeoutSeconds: 5\n")
        #expect(TestFileEdit.replacingRecordedSection(ofCaseNamed: "recorded", with: ["  expect: {}"], in: reordered) == nil)
        #expect(TestFileEdit.replacingRecordedSection(ofCaseNamed: "missing", with: ["  expect: {}"], in: Self.file) == nil)
    }

    @Test func recordingAgainReplacesTheCaseOfThatNameWithTheCommentsAboveIt() {
        let (replaced, didReplace) = TestFileEdit.replacingCase(
            named: "recorded", with: "# New recording.\n- name: recorded\n  prompt: Two again.\n", in: Self.file)
        #expect(didReplace)
        #expect(replaced.contains("# New recording.\n- name: recorded\n  prompt: Two again.\n\n# The last one.\n"), "\(replaced)")
        #expect(!replaced.contains("# The recorded one."))
        #expect(replaced.hasPrefix("# Tests of ops_agent.yaml.\n- name: first\n"))

        let (appended, didAppend) = TestFileEdit.replacingCase(named: "new", with: "- name: new\n  prompt: Four.\n", in: Self.file)
        #expect(!didAppend)
        #expect(appended.hasPrefix(Self.file))
        #expect(appended.hasSuffix("\n\n- name: new\n  prompt: Four.\n"))
    }
}
