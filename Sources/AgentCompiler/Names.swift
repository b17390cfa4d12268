import Foundation

/// `provider/model` split at the first `/`.
struct ModelRef {
    var provider: String
    var model: String

    /// Parses a model string; the server rejects blank strings and strings without a `/`.
    init(_ text: String?) throws(CompileError) {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CompileError("Model string cannot be null or empty")
        }
        guard let slash = text.firstIndex(of: "/"), slash != text.startIndex, text.index(after: slash) != text.endIndex else {
            throw CompileError("Invalid model format: '\(text)'. Expected 'provider/model'.")
        }
        provider = String(text[..<slash])
        model = String(text[text.index(after: slash)...])
    }
}

/// A configuration the compiler cannot turn into a workflow.
public struct CompileError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What is wrong, in the server's words where it has them.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
