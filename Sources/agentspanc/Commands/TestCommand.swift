import AgentSpec
import ArgumentParser
import Foundation
import SpecTesting

/// `agentspanc test [SPEC|DIR|TESTFILE…]`: runs spec test cases offline (scripted model, tool fixtures, scripted
/// answers) on an embedded engine, one line per case, failures located at the test file line.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the test cases of agent specs offline, on an embedded engine (no server, no model key).",
        discussion: """
            Test files are NAME.test.yaml: next to the spec NAME.yaml, or anywhere under a directory given. A spec \
            file given runs NAME.test.yaml beside it and tests/NAME.test.yaml. `agentspanc schema --tests` prints \
            the format's JSON Schema.
            """)

    @Argument(help: "Test files, spec files, or directories searched for *.test.yaml (default: the current directory).")
    var paths: [String] = []

    @Option(help: "Run only the cases whose name matches this regular expression.")
    var filter: String?

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Cases run at once (default: twice the processor count).")
    var parallel: Int?

    @Flag(help: ArgumentHelp(
        "First re-run each recorded case (recorded: true) with its cassette and the spec's real tools, and rewrite its "
            + "tools: and expect: from that run; then run the tests."))
    var update = false

    @OptionGroup var refs: RefOptions

    func run() async throws {
        let files = try TestFiles.discover(paths.isEmpty ? ["."] : paths)
        guard !files.isEmpty else {
            throw ValidationError("no test files (*.test.yaml) found in \(paths.isEmpty ? "." : paths.joined(separator: ", "))")
        }
        if update { try await refresh(files) }
        var cases: [SpecTestCase] = []
        var invalid = 0
        for file in files {
            do {
                cases += try SpecTestLoader.load(path: file, options: refs.loadOptions).cases
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                invalid += 1
            }
        }
        if let filter {
            guard let pattern = try? NSRegularExpression(pattern: filter) else { throw ValidationError("--filter: not a valid regular expression") }
            cases = cases.filter { pattern.firstMatch(in: $0.name, range: NSRange($0.name.startIndex..., in: $0.name)) != nil }
        }
        let runner = SpecTestRunner(parallelism: parallel ?? SpecTestRunner().parallelism)
        let started = ContinuousClock.now
        let results = await runner.run(cases)
        let elapsed = ContinuousClock.now - started
        let here = FileManager.default.currentDirectoryPath
        for result in results {
            let location = "\(TestReport.shorten(result.location.file, here)):\(result.location.line)"
            print("\(result.passed ? "PASS" : "FAIL")  \(location)  \(result.name)  (\(TestReport.milliseconds(result.duration)) ms)")
            for failure in result.failures { print(failure.rendered(relativeTo: here)) }
        }
        let failed = results.filter { !$0.passed }.count
        print("\(results.count) case(s), \(failed) failed, in \(TestReport.milliseconds(elapsed)) ms"
            + (invalid > 0 ? "; \(invalid) test file(s) invalid" : ""))
        if let junit { try TestReport.junit(results, elapsed: elapsed, relativeTo: here).write(toFile: junit, atomically: true, encoding: .utf8) }
        if failed > 0 || invalid > 0 { throw ExitCode(1) }
    }
}

extension TestCommand {
    /// `--update`: rewrites the recorded parts of every recorded case in `files`.
    func refresh(_ files: [String]) async throws {
        let recorder = SpecTestRecorder()
        let here = FileManager.default.currentDirectoryPath
        var failed = false
        for file in files {
            do {
                for outcome in try await recorder.update(testFile: file, options: refs.loadOptions) {
                    print("UPDATED  \(TestReport.shorten(file, here))  \(outcome.name)  (\(outcome.status), \(outcome.toolCalls) tool call(s))")
                }
            } catch let error as SpecError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                failed = true
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// Which test files the arguments name.
enum TestFiles {
    static func discover(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(SpecTestLoader.suffix) && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
                    .sorted()
                files += found.map { (path.hasSuffix("/") ? path : path + "/") + $0 }
            } else if path.hasSuffix(SpecTestLoader.suffix) {
                files.append(path)
            } else {
                // A spec: its tests beside it and under tests/.
                let url = URL(fileURLWithPath: path)
                let name = url.deletingPathExtension().lastPathComponent + SpecTestLoader.suffix
                let directory = url.deletingLastPathComponent()
                let candidates = [directory.appendingPathComponent(name).path, directory.appendingPathComponent("tests/" + name).path]
                let present = candidates.filter { FileManager.default.fileExists(atPath: $0) }
                if present.isEmpty { throw ValidationError("\(path): no test file (\(candidates.joined(separator: " or ")))") }
                files += present
            }
        }
        var seen = Set<String>()
        return files.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    }
}

/// The report formats of `agentspanc test`.
enum TestReport {
    static func shorten(_ path: String, _ directory: String) -> String {
        path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// JUnit XML: one testsuite per test file, one testcase per case, failures with their located messages.
    static func junit(_ results: [SpecTestResult], elapsed: Duration, relativeTo directory: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func seconds(_ duration: Duration) -> String { String(format: "%.3f", Double(milliseconds(duration)) / 1000) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = results.filter { !$0.passed }.count
        xml += "<testsuites name=\"agentspanc test\" tests=\"\(results.count)\" failures=\"\(failures)\" time=\"\(seconds(elapsed))\">\n"
        let byFile = Dictionary(grouping: results) { $0.location.file }
        for file in byFile.keys.sorted() {
            let cases = byFile[file]!
            let name = escape(shorten(file, directory))
            xml += "  <testsuite name=\"\(name)\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.passed }.count)\">\n"
            for result in cases {
                xml += "    <testcase classname=\"\(name)\" name=\"\(escape(result.name))\" time=\"\(seconds(result.duration))\""
                if result.passed {
                    xml += "/>\n"
                    continue
                }
                xml += ">\n"
                for failure in result.failures {
                    xml += "      <failure message=\"\(escape(failure.message))\">\(escape(failure.rendered(relativeTo: directory)))</failure>\n"
                }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
