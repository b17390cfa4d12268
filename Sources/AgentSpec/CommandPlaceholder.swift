import Foundation

/// The `{param}` placeholders of a `run.command` element, read by the same rules as the worker's argv template:
/// an element that is exactly `{name}`, or a flag `--flag={name}`, is a placeholder; `{name}` inside other text
/// is one only when `name` is a declared parameter (so `jq '{a: .b}'` stays text), and a shell-style `${name}`
/// never is.
enum CommandPlaceholder {
    private static let identifier = #"[A-Za-z_][A-Za-z0-9_]*"#
    private static let whole = try! NSRegularExpression(pattern: #"^\{("# + identifier + #")\}$"#)
    private static let flag = try! NSRegularExpression(pattern: #"^--?[A-Za-z0-9][A-Za-z0-9_.-]*=\{("# + identifier + #")\}$"#)
    private static let inside = try! NSRegularExpression(pattern: #"(?<!\$)\{("# + identifier + #")\}"#)

    /// The parameter an element stands for (`{name}` or `--flag={name}`), declared or not.
    static func parameter(in element: String) -> String? {
        let range = NSRange(element.startIndex..., in: element)
        for pattern in [whole, flag] {
            if let match = pattern.firstMatch(in: element, range: range), let name = Range(match.range(at: 1), in: element) {
                return String(element[name])
            }
        }
        return nil
    }

    /// A declared parameter written inside other text (which the worker refuses: its boundaries would be lost).
    static func embedded(in element: String, declared: Set<String>) -> String? {
        let range = NSRange(element.startIndex..., in: element)
        for match in inside.matches(in: element, range: range) {
            if let name = Range(match.range(at: 1), in: element), declared.contains(String(element[name])) {
                return String(element[name])
            }
        }
        return nil
    }
}
