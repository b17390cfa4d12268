import AgentSpec
import Foundation

/// One expectation a case did not meet, located at the line of the test file that asked for it.
public struct SpecTestFailure: Sendable, Hashable {
    public var location: SourceLocation
    public var message: String
    /// The expected and actual path as a diff (`  ` both, `- ` missing, `+ ` unexpected), when the failure is
    /// about the path taken.
    public var diff: [String]?

    public init(location: SourceLocation, message: String, diff: [String]? = nil) {
        self.location = location
        self.message = message
        self.diff = diff
    }

    /// Compiler-style: `file:line:col: error: message`, then the expected and actual paths as a diff.
    public func rendered(relativeTo directory: String? = nil) -> String {
        var text = "\(SpecTestResult.shorten(location.file, relativeTo: directory)):\(location.line):\(location.column): error: \(message)"
        if let diff { text += "\n" + diff.map { "    " + $0 }.joined(separator: "\n") }
        return text
    }
}

/// How one case went.
public struct SpecTestResult: Sendable, Hashable {
    public var name: String
    public var location: SourceLocation
    public var failures: [SpecTestFailure]
    /// The execution the case ran, when it started.
    public var executionID: String?
    public var duration: Duration

    public var passed: Bool { failures.isEmpty }

    /// `path` relative to `directory` when inside it.
    static func shorten(_ path: String, relativeTo directory: String?) -> String {
        guard let directory, path.hasPrefix(directory + "/") else { return path }
        return String(path.dropFirst(directory.count + 1))
    }
}

/// A readable diff of two paths (the calls expected and made): common lines plain, missing `-`, unexpected `+`.
enum PathDiff {
    /// `matches(i, j)`: whether expected item `i` is met by actual item `j`; matched pairs show the actual item.
    static func lines(expected: [String], actual: [String], matches: (Int, Int) -> Bool) -> [String] {
        // Longest common subsequence: small inputs (a run's tool calls), so the quadratic table is fine.
        let n = expected.count, m = actual.count
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = matches(i, j) ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out = ["--- expected", "+++ actual"]
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, matches(i, j), table[i][j] == table[i + 1][j + 1] + 1 {
                out.append("  " + actual[j]); i += 1; j += 1
            } else if j < m, i == n || table[i][j + 1] >= table[i + 1][j] {
                out.append("+ " + actual[j]); j += 1
            } else {
                out.append("- " + expected[i]); i += 1
            }
        }
        return out
    }
}
