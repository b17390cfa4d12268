/// One located problem in a spec file, rendered like a compiler message:
///
/// ```text
/// specs/ops.yaml:12:7: error: unknown key 'nmae' in agent; did you mean 'name'?
///       nmae: ops
///       ^
/// ```
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    /// Path of the spec file as given to the loader.
    public var file: String
    /// 1-based line (0 when the problem has no location).
    public var line: Int
    /// 1-based column in Unicode scalars (0 when the problem has no location).
    public var column: Int
    /// What is wrong.
    public var message: String
    /// Error or warning.
    public var severity: Severity
    /// The offending source line, without its newline, when known.
    public var sourceLine: String?

    /// Creates a diagnostic.
    public init(file: String, line: Int, column: Int, message: String, severity: Severity = .error, sourceLine: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
        self.sourceLine = sourceLine
    }

    /// `file:line:column: severity: message`, then the offending line and a caret under the column.
    public var rendered: String {
        var text = line > 0 ? "\(file):\(line):\(column): \(severity.rawValue): \(message)" : "\(file): \(severity.rawValue): \(message)"
        if let sourceLine, line > 0 {
            let caretPad = String(sourceLine.unicodeScalars.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " })
            text += "\n" + sourceLine + "\n" + caretPad + "^"
        }
        return text
    }

    public var description: String { rendered }
}

/// A spec that could not be loaded: every problem found in one run, in file order.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    /// All diagnostics (errors and warnings).
    public var diagnostics: [Diagnostic]

    /// Creates an error from its diagnostics.
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// Only the errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Every diagnostic rendered, separated by newlines, followed by a count.
    public var description: String {
        let count = errors.count
        return diagnostics.map(\.rendered).joined(separator: "\n")
            + "\n\(count) error\(count == 1 ? "" : "s") generated."
    }
}
