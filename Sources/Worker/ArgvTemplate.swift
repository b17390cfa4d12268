import Foundation
import Workflow

/// The `command:` of a `run:` binding, parsed once at load time.
///
/// Rules (no shell ever parses the result):
/// - An element that is exactly `{param}` is replaced by the value of `param` as ONE argv element: a string
///   verbatim, a number or boolean as JSON text, an object or array as compact JSON. A missing or `null`
///   optional parameter drops the element.
/// - An element `--flag={param}` (or `-f={param}`) keeps its prefix and appends the value the same way; it is
///   dropped entirely when the parameter is missing.
/// - `{param}` anywhere else inside an element is a load error (the value's boundaries would be ambiguous),
///   as is a placeholder in `command[0]` (the LLM never chooses the program).
/// - Braces that do not form a placeholder (`{a: .b}` for `jq`) are ordinary text. When the tool declares an
///   input schema, a whole-element or flag placeholder must name one of its properties (typos fail at load);
///   inside larger text only property names count as placeholders.
/// - A whole-element value that starts with `-` would reach the program as an option (`-rf`, `--output=/etc/x`).
///   Unless the binding allows it (`allowLeadingDash: true`), rendering refuses such a value, except after a
///   literal `--` element (the end of options for getopt-style programs) and in `--flag={param}` elements.
public struct ArgvTemplate: Sendable, Hashable {
    /// One element of the template.
    public enum Element: Sendable, Hashable {
        case literal(String)
        case parameter(String)
        case prefixed(prefix: String, parameter: String)
    }

    public let elements: [Element]
    /// Index of the first literal `--` element: whole-element values after it are operands, never options.
    public let endOfOptions: Int?

    /// Parses a template. `parameters` are the declared argument names, or `nil` when the tool has no schema.
    public init(_ template: [String], tool: String, parameters: Set<String>?) throws(WorkerConfigurationError) {
        guard let first = template.first, !first.isEmpty else {
            throw WorkerConfigurationError(tool: tool, message: "run.command is empty")
        }
        var elements: [Element] = []
        for (index, raw) in template.enumerated() {
            if let name = Self.undeclaredPlaceholder(raw, parameters: parameters) {
                throw WorkerConfigurationError(
                    tool: tool,
                    message: "run.command element \"\(raw)\" uses {\(name)}, which is not a property of the tool's "
                        + "input schema")
            }
            let element = Self.parse(raw, parameters: parameters)
            switch element {
            case .literal(let text):
                if let name = Self.embeddedPlaceholder(in: text, parameters: parameters) {
                    throw WorkerConfigurationError(
                        tool: tool,
                        message: "run.command element \"\(raw)\" embeds {\(name)} inside other text; a parameter must "
                            + "fill a whole element (\"{\(name)}\") or follow a flag (\"--\(name)={\(name)}\"), or pass "
                            + "it on stdin (stdin: json)")
                }
            case .parameter(let name), .prefixed(_, let name):
                if index == 0 {
                    throw WorkerConfigurationError(
                        tool: tool, message: "run.command[0] must be a fixed program, not the parameter {\(name)}")
                }
            }
            elements.append(element)
        }
        self.elements = elements
        self.endOfOptions = elements.indices.dropFirst().first { elements[$0] == .literal("--") }
    }

    /// Names of the parameters the template uses.
    public var parameterNames: [String] {
        elements.compactMap {
            switch $0 {
            case .literal: return nil
            case .parameter(let name), .prefixed(_, let name): return name
            }
        }
    }

    /// The program (`command[0]`), always a literal.
    public var program: String {
        if case .literal(let text) = elements[0] { return text }
        return ""
    }

    /// A value that cannot be put into an argv element.
    public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Renders the arguments after `command[0]`. `allowLeadingDash` lets a whole-element value before the end of
    /// options start with `-` (the binding's `allowLeadingDash`).
    public func renderArguments(
        _ arguments: [String: JSONValue], allowLeadingDash: Bool = false
    ) throws(RenderError) -> [String] {
        var argv: [String] = []
        for (index, element) in elements.enumerated().dropFirst() {
            switch element {
            case .literal(let text):
                argv.append(text)
            case .parameter(let name):
                guard let value = arguments[name], value != .null else { continue }
                let text = try Self.text(of: value, parameter: name)
                if !allowLeadingDash, text.hasPrefix("-"), index < (endOfOptions ?? elements.count) {
                    throw RenderError(description: Self.leadingDashMessage(text, parameter: name))
                }
                argv.append(text)
            case .prefixed(let prefix, let name):
                guard let value = arguments[name], value != .null else { continue }
                argv.append(prefix + (try Self.text(of: value, parameter: name)))
            }
        }
        return argv
    }

    private static func leadingDashMessage(_ text: String, parameter: String) -> String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "argument '\(parameter)' (\(JSONValue.string(shown).jsonText())) starts with '-', so the program would "
            + "read it as an option; this tool does not accept such a value (in the spec, put \"--\" before "
            + "\"{\(parameter)}\" in run.command if the program supports it, or set run.allowLeadingDash: true)"
    }

    /// Linux refuses a single argv string of 128 KiB or more (`MAX_ARG_STRLEN`).
    public static let maxArgumentBytes = 128 * 1024 - 1

    /// How a value becomes argv text.
    static func text(of value: JSONValue, parameter: String) throws(RenderError) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .bool(let bool): text = bool ? "true" : "false"
        case .int(let int): text = String(int)
        case .null: text = ""
        case .double, .array, .object: text = value.jsonText()
        }
        if text.utf8.count > maxArgumentBytes {
            throw RenderError(
                description: "argument '\(parameter)' is \(text.utf8.count) bytes, more than a command-line argument can "
                    + "hold (\(maxArgumentBytes)); the tool should take it on stdin (stdin: json)")
        }
        if text.utf8.contains(0) {
            throw RenderError(
                description: "argument '\(parameter)' contains a NUL byte, which cannot be passed as a command-line "
                    + "argument")
        }
        return text
    }

    private static let identifier = #"[A-Za-z_][A-Za-z0-9_]*"#
    private static let wholePattern = try! NSRegularExpression(pattern: #"^\{("# + identifier + #")\}$"#)
    private static let prefixedPattern = try! NSRegularExpression(
        pattern: #"^(--?[A-Za-z0-9][A-Za-z0-9_.-]*=)\{("# + identifier + #")\}$"#)
    /// `{name}` inside text, but not a shell-style `${name}`.
    private static let anyPattern = try! NSRegularExpression(pattern: #"(?<!\$)\{("# + identifier + #")\}"#)

    private static func parse(_ raw: String, parameters: Set<String>?) -> Element {
        let range = NSRange(raw.startIndex..., in: raw)
        if let match = wholePattern.firstMatch(in: raw, range: range) {
            let name = substring(raw, match.range(at: 1))
            if parameters?.contains(name) ?? true { return .parameter(name) }
        }
        if let match = prefixedPattern.firstMatch(in: raw, range: range) {
            let name = substring(raw, match.range(at: 2))
            if parameters?.contains(name) ?? true {
                return .prefixed(prefix: substring(raw, match.range(at: 1)), parameter: name)
            }
        }
        return .literal(raw)
    }

    /// A whole-element or flag placeholder naming a parameter the schema does not declare (likely a typo).
    private static func undeclaredPlaceholder(_ raw: String, parameters: Set<String>?) -> String? {
        guard let parameters else { return nil }
        let range = NSRange(raw.startIndex..., in: raw)
        if let match = wholePattern.firstMatch(in: raw, range: range) {
            let name = substring(raw, match.range(at: 1))
            return parameters.contains(name) ? nil : name
        }
        if let match = prefixedPattern.firstMatch(in: raw, range: range) {
            let name = substring(raw, match.range(at: 2))
            return parameters.contains(name) ? nil : name
        }
        return nil
    }

    private static func embeddedPlaceholder(in text: String, parameters: Set<String>?) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        for match in anyPattern.matches(in: text, range: range) {
            let name = substring(text, match.range(at: 1))
            if parameters?.contains(name) ?? true { return name }
        }
        return nil
    }

    private static func substring(_ text: String, _ range: NSRange) -> String {
        guard let swiftRange = Range(range, in: text) else { return "" }
        return String(text[swiftRange])
    }
}
