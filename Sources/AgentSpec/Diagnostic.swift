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
    /// Further locations in the same file that explain this one (where a duplicated key first appears).
    public var notes: [Note]

    /// A location that explains a diagnostic, rendered after it as `file:line:column: note: message`.
    public struct Note: Sendable, Hashable {
        /// 1-based line.
        public var line: Int
        /// 1-based column in Unicode scalars.
        public var column: Int
        /// What is there.
        public var message: String
        /// The source line, when known.
        public var sourceLine: String?

        /// Creates a note.
        public init(line: Int, column: Int, message: String, sourceLine: String? = nil) {
            self.line = line
            self.column = column
            self.message = message
            self.sourceLine = sourceLine
        }
    }

    /// Creates a diagnostic.
    public init(
        file: String, line: Int, column: Int, message: String, severity: Severity = .error, sourceLine: String? = nil,
        notes: [Note] = []
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// `file:line:column: severity: message`, then the offending line and a caret under the column; then each note
    /// the same way.
    public var rendered: String {
        var text = Self.render(file: file, line: line, column: column, label: severity.rawValue, message: message, sourceLine: sourceLine)
        for note in notes {
            text += "\n" + Self.render(
                file: file, line: note.line, column: note.column, label: "note", message: note.message, sourceLine: note.sourceLine)
        }
        return text
    }

    /// Longest part of a source line shown under a message (a minified or generated file can have one huge line).
    static let maxShownColumns = 160

    private static func render(file: String, line: Int, column: Int, label: String, message: String, sourceLine: String?) -> String {
        var text = line > 0 ? "\(file):\(line):\(column): \(label): \(message)" : "\(file): \(label): \(message)"
        if let sourceLine, line > 0 {
            var scalars = Array(sourceLine.unicodeScalars)
            var caretColumn = max(column - 1, 0)
            if scalars.count > maxShownColumns {
                // A window around the column, marked with ellipses where text was cut.
                let start = min(max(caretColumn - maxShownColumns / 2, 0), scalars.count - maxShownColumns)
                let end = start + maxShownColumns
                let window = Array(scalars[start..<end])
                scalars = (start > 0 ? ["…"] : []) + window + (end < scalars.count ? ["…"] : [])
                caretColumn = caretColumn - start + (start > 0 ? 1 : 0)
            }
            let shown = String(String.UnicodeScalarView(scalars))
            let caretPad = String(scalars.prefix(caretColumn).map { $0 == "\t" ? "\t" : " " })
            text += "\n" + shown + "\n" + caretPad + "^"
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
