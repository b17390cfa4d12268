import AgentCompiler
import Foundation
import Testing
import Workflow

/// Every script the compiler emits must run unchanged on JavaScriptCore (plain objects) and GraalJS (Java host
/// maps): ES5 only, and no input access that sees an empty object under GraalJS.
@Suite("INLINE script portability")
struct ScriptLintTests {
    /// Every JavaScript text in the compiled fixtures: INLINE expressions, graaljs SWITCH expressions, loop conditions.
    static func scripts() throws -> [(where: String, text: String)] {
        var out: [(String, String)] = []
        for name in Fixtures.names {
            for script in AgentCompiler.scripts(in: try Fixtures.compile(name)) {
                out.append(("\(name): \(script.taskReferenceName) (\(script.kind))", script.text))
            }
        }
        return out
    }

    private static let forbidden: [(pattern: String, why: String)] = [
        (#"\.get\("#, "host-map .get() does not exist on plain objects"),
        (#"JSON\.stringify\("#, "JSON.stringify sees {} for Java maps under GraalJS"),
        (#"Object\.keys\("#, "Object.keys sees no keys for Java maps under GraalJS"),
        (#"=>"#, "arrow functions are ES6"),
        (#"\blet\s"#, "let is ES6"),
        (#"\bconst\s"#, "const is ES6"),
        ("`", "template literals are ES6"),
        (#"\bclass\s"#, "classes are ES6"),
        (#"\.\.\.[A-Za-z_$\[{]"#, "spread is ES6"),
    ]

    @Test("no ES6 syntax and no GraalJS-blind input access")
    func portable() throws {
        let scripts = try Self.scripts()
        #expect(scripts.count > 200)
        for (label, text) in scripts {
            for rule in Self.forbidden where text.range(of: rule.pattern, options: .regularExpression) != nil {
                Issue.record("\(label): \(rule.why)")
            }
        }
    }

    @Test("brackets balance outside string literals")
    func balanced() throws {
        for (label, text) in try Self.scripts() {
            var stack: [Character] = []
            var quote: Character?
            var escaped = false
            var inRegexClass = false
            var previous: Character = "("
            for ch in text {
                defer { if quote == nil && !ch.isWhitespace { previous = ch } }
                if let q = quote {
                    if escaped { escaped = false } else if ch == "\\" { escaped = true } else if q == "/" && ch == "[" { inRegexClass = true }
                    else if q == "/" && ch == "]" { inRegexClass = false } else if ch == q && !inRegexClass { quote = nil }
                    continue
                }
                switch ch {
                case "'", "\"": quote = ch
                case "/" where "(,=:!&|?{};[".contains(previous): quote = "/"
                case "(", "[", "{": stack.append(ch)
                case ")": if stack.popLast() != "(" { Issue.record("\(label): unbalanced )"); return }
                case "]": if stack.popLast() != "[" { Issue.record("\(label): unbalanced ]"); return }
                case "}": if stack.popLast() != "{" { Issue.record("\(label): unbalanced }"); return }
                default: break
                }
            }
            #expect(stack.isEmpty && quote == nil, "\(label): unclosed \(stack) \(quote.map(String.init) ?? "")")
        }
    }
}
