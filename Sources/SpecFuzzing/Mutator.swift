/// A deterministic byte-level mutator for the fuzz driver's fallback mode (no libFuzzer): random edits, YAML and
/// JSON tokens, and splices of other seeds, from a seeded generator so a run can be repeated.
public struct Mutator: Sendable {
    private var state: UInt64

    /// Tokens that reach the interesting parts of the parsers: anchors, aliases, merges, flow brackets, tags,
    /// refs, placeholders, control characters, a byte-order mark and a document separator.
    static let tokens: [[UInt8]] = [
        "&a ", "*a", "&b [*a, *a, *a]", "<<: *a", "[", "]", "{", "}", ": ", "- ", "\n  ", "\n", "ref: ", "ref: ../",
        "!!binary ", "!!str ", "? ", "'", "\"", "\\u0000", "\u{0}", "\u{1B}", "\u{FEFF}", "---\n", "...\n", "#",
        "{service}", "--x={y}", "name: ", "model: openai/gpt-4o\n", "tools:\n  - name: t\n", "agents:\n  - ",
        "inputSchema: {type: object, properties: {a: {type: string}}}", "run: {command: [", "maxTurns: ",
        "temperature: ", "1e308", "-0", "0x1F", ".nan", "~", "null", "true", "{\"agentConfig\": ", "\"tasks\": [",
        "\"name\": ", "\"inputParameters\": {", "[[[[[[[[", "\u{85}", "\u{2028}", "\u{FF}",
    ].map { Array($0.utf8) }

    /// A mutator whose choices follow from `seed`.
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// The next pseudo-random number (SplitMix64).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A pseudo-random index below `bound` (0 when `bound` is 0 or 1).
    public mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// One to four edits of `input`, possibly splicing in part of `other`; the result is at most `maxSize` bytes.
    public mutating func mutate(_ input: [UInt8], splicing other: [UInt8], maxSize: Int = 64 * 1024) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            let position = below(bytes.count + 1)
            switch below(7) {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << below(8))
            case 1:
                bytes.insert(UInt8(truncatingIfNeeded: next()), at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + below(16))
                bytes.removeSubrange(min(position, end)..<end)
            case 3:
                bytes.insert(contentsOf: Self.tokens[below(Self.tokens.count)], at: position)
            case 4 where !bytes.isEmpty:
                let start = below(bytes.count)
                let slice = bytes[start..<min(bytes.count, start + 1 + below(64))]
                bytes.insert(contentsOf: slice, at: position)
            case 5 where !other.isEmpty:
                let start = below(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(256))], at: position)
            default:
                bytes.insert(contentsOf: Self.tokens[below(Self.tokens.count)], at: position)
            }
        }
        return bytes.count > maxSize ? Array(bytes.prefix(maxSize)) : bytes
    }
}
