import Workflow
import Worker

/// Counts the words, lines and characters of a text.
struct WordCount: Tool {
    struct Input: Decodable, Sendable {
        var text: String
    }

    struct Output: Encodable, Sendable {
        var words: Int
        var lines: Int
        var characters: Int
    }

    static let name = "word_count"
    static let description = "Count the words, lines and characters of a text."
    static let inputSchema: JSONValue? = [
        "type": "object",
        "properties": ["text": ["type": "string", "description": "The text to measure."]],
        "required": ["text"],
    ]

    func call(_ input: Input, context: ToolContext) async throws -> Output {
        Output(
            words: input.text.split(whereSeparator: \.isWhitespace).count,
            lines: input.text.isEmpty ? 0 : input.text.split(separator: "\n", omittingEmptySubsequences: false).count,
            characters: input.text.count)
    }
}

/// Turns a title into a URL slug; refuses texts with nothing to keep.
struct Slugify: Tool {
    struct Input: Decodable, Sendable {
        var text: String
        var separator: String?
    }

    static let name = "slugify"
    static let description = "Turn a title into a lowercase URL slug."
    static let inputSchema: JSONValue? = [
        "type": "object",
        "properties": [
            "text": ["type": "string"],
            "separator": ["type": "string", "enum": ["-", "_"], "default": "-"],
        ],
        "required": ["text"],
    ]

    func call(_ input: Input, context: ToolContext) async throws -> String {
        let separator = input.separator ?? "-"
        let words = input.text.lowercased().split { !($0.isLetter || $0.isNumber) }
        guard !words.isEmpty else {
            throw TerminalToolError("text has no letters or digits to build a slug from")
        }
        return words.joined(separator: separator)
    }
}

/// `agentspanc-example-plugin`: two Swift tools served to `agentspanc worker` over the JSON-lines plugin
/// protocol (`run: {plugin: …/agentspanc-example-plugin}` in a spec).
@main
struct ExamplePlugin {
    static func main() async {
        await PluginHost.serve([WordCount(), Slugify()])
    }
}
