/// Bounds on one YAML document, checked by ``YAMLGuard`` before the document is composed into nodes.
///
/// A few hundred bytes of YAML can expand (through anchors and aliases) to billions of nodes, nest deep enough to
/// overflow the stack of a recursive reader, or repeat one alias thousands of times; every bound here keeps the
/// work of loading proportional to a small multiple of a legitimate spec's size.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest accepted file, in bytes.
    public var maxBytes: Int
    /// Largest document, counted as nodes after every alias is expanded (a scalar, a list, a mapping: one each).
    public var maxNodes: Int
    /// Most alias uses (`*name`) in one document.
    public var maxAliases: Int
    /// Deepest nesting of lists and mappings.
    public var maxDepth: Int

    /// Creates limits.
    public init(maxBytes: Int, maxNodes: Int, maxAliases: Int, maxDepth: Int) {
        self.maxBytes = maxBytes
        self.maxNodes = maxNodes
        self.maxAliases = maxAliases
        self.maxDepth = maxDepth
    }

    /// What specs and cassettes get: 4 MiB, 100,000 expanded nodes, 1,000 aliases, 128 levels. The largest spec
    /// in `specs/` is under 1,000 nodes.
    public static let standard = YAMLLimits(maxBytes: 4 << 20, maxNodes: 100_000, maxAliases: 1_000, maxDepth: 128)
}

/// A document refused before it was composed, located at the line and column where a limit was crossed (or the
/// offending byte, character or key).
public struct YAMLGuardProblem: Error, Sendable, Hashable {
    /// A second location that explains the first (where a duplicated key first appeared).
    public struct Note: Sendable, Hashable {
        /// 1-based line.
        public var line: Int
        /// 1-based column, in Unicode scalars.
        public var column: Int
        /// What is there.
        public var message: String
    }

    /// Which check refused the document.
    public enum Kind: Sendable, Hashable {
        /// Larger than ``YAMLLimits/maxBytes``.
        case tooLarge
        /// Not UTF-8, or holding control characters: not YAML text at all.
        case notText
        /// Nested deeper than ``YAMLLimits/maxDepth``.
        case tooDeep
        /// More aliases than ``YAMLLimits/maxAliases``.
        case tooManyAliases
        /// More expanded nodes than ``YAMLLimits/maxNodes``.
        case tooManyNodes
        /// A mapping repeats a key.
        case duplicateKey
    }

    /// Which check refused the document.
    public var kind: Kind
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int
    /// What is wrong; never quotes the file's text beyond a key or anchor name.
    public var message: String
    /// Where a duplicated key first appeared.
    public var note: Note?
    /// Whether the offending lines may be shown: not when the file is not YAML text at all (invalid UTF-8, control
    /// characters), nor when a repeated key is no identifier (a line of `/etc/shadow` reads as a key).
    public var showsSource: Bool

    /// Creates a problem.
    public init(kind: Kind, line: Int, column: Int, message: String, note: Note? = nil, showsSource: Bool? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
        self.note = note
        self.showsSource = showsSource ?? (kind != .notText)
    }
}
