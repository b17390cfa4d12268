import Foundation
import SpecFuzzing
import Testing

/// Keeps the fuzz entry point (`scripts/fuzz`) compiled and meaningful: every seed goes through it in-process,
/// the seeds that should be accepted are, and a short deterministic mutation run ends without a crash.
@Suite("Fuzz entry point")
struct FuzzEntryTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = tests.deletingLastPathComponent().deletingLastPathComponent()

    static func files(_ directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    static func run(_ bytes: [UInt8]) -> Int { bytes.withUnsafeBytes { FuzzEntry.run($0) } }

    @Test func seedsRunThroughEveryTarget() throws {
        for file in Self.files(Self.tests.appendingPathComponent("HostileSpecs")) {
            // Refused by the spec loader; only the JSON decoders may take the JSON one.
            let accepted = Self.run(Array(try Data(contentsOf: file)))
            #expect(file.pathExtension == "json" || accepted == 0, "\(file.lastPathComponent) accepted by \(accepted)")
        }
        for file in Self.files(Self.tests.appendingPathComponent("FuzzSeeds")) {
            #expect(Self.run(Array(try Data(contentsOf: file))) >= 2, "\(file.lastPathComponent) decoded by no request type")
        }
        let spec = try Data(contentsOf: Self.repository.appendingPathComponent("specs/ops_agent.yaml"))
        #expect(Self.run(Array(spec)) >= 1)
    }

    @Test func aShortMutationRunEnds() throws {
        let seeds = try (Self.files(Self.tests.appendingPathComponent("HostileSpecs")).filter { $0.pathExtension == "yaml" }
            + Self.files(Self.tests.appendingPathComponent("FuzzSeeds"))).map { Array(try Data(contentsOf: $0)) }
        var mutator = Mutator(seed: 7)
        var first: [UInt8] = []
        for iteration in 0..<300 {
            let input = mutator.mutate(seeds[mutator.below(seeds.count)], splicing: seeds[mutator.below(seeds.count)])
            if iteration == 0 { first = input }
            _ = Self.run(input)
        }
        // The same seed gives the same inputs, so a failing run can be repeated.
        var again = Mutator(seed: 7)
        #expect(again.mutate(seeds[again.below(seeds.count)], splicing: seeds[again.below(seeds.count)]) == first)
    }
}
