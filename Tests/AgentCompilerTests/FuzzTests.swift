import AgentCompiler
import AgentSpec
import Foundation
import Testing

/// Mutated specs must load or fail with located diagnostics, and what loads must compile or fail with a
/// `CompileError` — never crash.
@Suite("Spec fuzzing")
struct FuzzTests {
    /// SplitMix64: deterministic, so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let tokens = [":", "-", "[", "]", "{", "}", "\"", "'", " ", "\n", "\t", "#", "&a", "*a", "!!int", "|", ">", "%", "@", "`",
                         "null", "~", "true", "1e999", "-1", "0x1F", "name", "tools", "agents", "ref: x.yaml", "<<: {}", "\u{00e9}", "\u{2028}"]

    static func mutate(_ text: String, _ rng: inout Random) -> String {
        var lines = text.components(separatedBy: "\n")
        for _ in 0...rng.below(3) {
            guard !lines.isEmpty else { break }
            let i = rng.below(lines.count)
            switch rng.below(7) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2: lines.swapAt(i, rng.below(lines.count))
            case 3: lines[i] = String(repeating: " ", count: rng.below(6)) + lines[i].drop { $0 == " " }
            case 4:
                var chars = Array(lines[i])
                chars.insert(contentsOf: tokens[rng.below(tokens.count)], at: rng.below(chars.count + 1))
                lines[i] = String(chars)
            case 5:
                var chars = Array(lines[i])
                if !chars.isEmpty {
                    let start = rng.below(chars.count)
                    chars.removeSubrange(start..<min(chars.count, start + 1 + rng.below(4)))
                }
                lines[i] = String(chars)
            default:
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = String(lines[i][...colon]) + " " + tokens[rng.below(tokens.count)]
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test("mutated specs: located error or success, never a crash")
    func mutatedSpecs() throws {
        let seeds = try Fixtures.names.map { name in
            (name, try String(contentsOf: Fixtures.directory.appendingPathComponent("\(name).yaml"), encoding: .utf8))
        }
        var rng = Random(state: 0xA9E7_5CA9)
        var loaded = 0
        var rejected = 0
        for round in 0..<1500 {
            let (name, seed) = seeds[round % seeds.count]
            let text = Self.mutate(seed, &rng)
            let path = Fixtures.directory.appendingPathComponent("fuzz-\(name).yaml").path
            do {
                let spec = try SpecLoader.load(source: text, path: path)
                loaded += 1
                do { _ = try AgentCompiler().compile(spec.config) } catch {}
            } catch {
                rejected += 1
                #expect(!error.errors.isEmpty, "round \(round): rejected without an error")
                for diagnostic in error.errors {
                    #expect(diagnostic.line >= 1 && diagnostic.column >= 1, "round \(round) (\(name)): unlocated \(diagnostic.rendered)\n--- spec ---\n\(text)")
                    #expect(diagnostic.rendered.hasPrefix(path))
                }
            }
        }
        #expect(loaded > 100 && rejected > 100, "loaded \(loaded), rejected \(rejected)")
    }
}
