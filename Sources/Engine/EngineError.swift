/// An engine operation that could not be carried out; `code` maps to an HTTP status.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Unknown id or name (404).
        public static let notFound = Code(rawValue: "NOT_FOUND")
        /// The target is in a state that forbids the operation (409).
        public static let conflict = Code(rawValue: "CONFLICT")
        /// The request is malformed or invalid (400).
        public static let invalidArgument = Code(rawValue: "INVALID_ARGUMENT")
        /// Anything else (500).
        public static let `internal` = Code(rawValue: "INTERNAL")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func notFound(_ message: String) -> EngineError { EngineError(.notFound, message) }
    static func conflict(_ message: String) -> EngineError { EngineError(.conflict, message) }
    static func invalid(_ message: String) -> EngineError { EngineError(.invalidArgument, message) }
}
