import Foundation
import Testing

@testable import Engine

/// Figures of the embedded vector store's brute-force search (printed, not asserted: the machine is shared).
@Suite("Vector store figures")
struct VectorStoreBenchmarks {
    @Test("a search scans 5,000 stored 256-dimensional vectors and finds the planted nearest one")
    func bruteForceSearch() async throws {
        let writer = try Schema.open(path: temporaryDatabasePath())
        let store = SQLiteVectorStore(writer: writer)
        let collection = VectorCollection(vectorDB: "bench", index: "figures", namespace: "n")
        var generator = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        func randomVector() -> [Float] { (0..<256).map { _ in Float.random(in: -1...1, using: &generator) } }
        let count = 5_000
        let batches = stride(from: 0, to: count, by: 500).map { batch in
            (batch..<batch + 500).map {
                VectorRecord(id: "doc\($0)", parentDocId: "doc\($0)", text: "text \($0)", vector: randomVector())
            }
        }
        let insertStart = ContinuousClock.now
        for records in batches {
            _ = try await store.store(records, replacingParent: nil, in: collection)
        }
        let inserted = ContinuousClock.now - insertStart
        let target = randomVector()
        _ = try await store.store(
            [VectorRecord(id: "planted", parentDocId: "planted", text: "the one", vector: target.map { $0 * 3 })],
            replacingParent: nil, in: collection)
        var times: [Duration] = []
        var top: [VectorMatch] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            top = try await store.search(target, in: collection, maxResults: 5)
            times.append(ContinuousClock.now - start)
        }
        #expect(top.first?.docId == "planted")
        #expect(abs((top.first?.score ?? 0) - 1) < 1e-5)
        #expect(top.count == 5)
        let sorted = times.sorted()
        print(
            "vector store figures: \(count + 1) vectors × 256 dims; insert \(inserted) (batches of 500); "
                + "search top-5 median \(sorted[2]), min \(sorted[0]), max \(sorted[4])")
    }
}

/// A fast deterministic generator (the system one makes a system call per number).
struct XorShift: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
