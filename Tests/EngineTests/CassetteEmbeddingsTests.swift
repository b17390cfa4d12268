import Foundation
import Testing
import Workflow

@testable import Engine

/// The cassette's `embeddings:` section: parsing, writing, offline vectors and recording.
@Suite("Cassette embeddings")
struct CassetteEmbeddingsTests {
    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test("a cassette without embeddings still reads, and answers hashed vectors of the requested length")
    func backwardsCompatible() async throws {
        let cassette = try Cassette.parse(yaml: "conversations:\n  - turns:\n      - content: hi\n", file: "old.yaml")
        #expect(cassette.embeddings.isEmpty)
        let provider = CassetteProvider(cassette: cassette, file: "old.yaml")
        let response = try await provider.embed(
            EmbeddingRequest(provider: "openai", model: "text-embedding-3-small", texts: ["a b", "c"], dimensions: 64))
        #expect(response.vectors.map(\.count) == [64, 64])
        // Unit vectors, the same text always the same vector.
        #expect(abs(Self.cosine(response.vectors[0], response.vectors[0]) - 1) < 1e-5)
        #expect(Cassette.hashedEmbedding(of: "a b", dimensions: 64) == response.vectors[0])
        // No embeddings section is written back for it.
        #expect(!(try cassette.yamlText()).contains("embeddings"))
    }

    @Test("hashed vectors of texts sharing words are closer than those of unrelated texts")
    func hashedSimilarity() {
        let doc = Cassette.hashedEmbedding(of: "Refunds are accepted within 30 days of purchase.", dimensions: 256)
        let query = Cassette.hashedEmbedding(of: "How many days do I have for a refund?", dimensions: 256)
        let other = Cassette.hashedEmbedding(of: "Our office is closed on public holidays.", dimensions: 256)
        #expect(Self.cosine(doc, query) > Self.cosine(doc, other) + 0.2)
    }

    @Test("recorded vectors answer their exact text and model; dimensions sets the length of the others")
    func recordedVectors() async throws {
        let yaml = """
            embeddings:
              dimensions: 3
              vectors:
                - model: openai/text-embedding-3-small
                  text: "refund policy"
                  vector: [0.1, 0.2, 0.3]
                - text: anything
                  vector: [1, 0, 0]
            """
        let cassette = try Cassette.parse(yaml: yaml, file: "e.yaml")
        #expect(cassette.conversations.isEmpty)
        let provider = CassetteProvider(cassette: cassette, file: "e.yaml")
        let response = try await provider.embed(
            EmbeddingRequest(
                provider: "openai", model: "text-embedding-3-small", texts: ["refund policy", "anything", "other"]))
        #expect(response.vectors[0] == [0.1, 0.2, 0.3])
        #expect(response.vectors[1] == [1, 0, 0])
        #expect(response.vectors[2].count == 3)
        // Another model does not get the first vector.
        let ollama = try await provider.embed(EmbeddingRequest(provider: "ollama", model: "x", texts: ["refund policy"]))
        #expect(ollama.vectors[0] != [0.1, 0.2, 0.3])

        // Written and read back unchanged.
        let again = try Cassette.parse(yaml: try cassette.yamlText(), file: "again.yaml")
        #expect(again == cassette)
    }

    @Test("bad embeddings entries are refused with their position")
    func errors() {
        let cases: [(String, String)] = [
            ("embeddings:\n  vectors:\n    - text: a\n      vector: [1, x]\n", "embeddings.vectors[0].vector must be a list of numbers"),
            ("embeddings:\n  vectors:\n    - vector: [1]\n", "embeddings.vectors[0]: missing key 'text'"),
            ("embeddings:\n  dimension: 3\n", "unknown key 'dimension' in embeddings"),
            ("embeddings:\n  dimensions: 0\n", "embeddings.dimensions must be between 1 and 65536"),
        ]
        for (yaml, message) in cases {
            do {
                _ = try Cassette.parse(yaml: yaml, file: "bad.yaml")
                Issue.record("accepted: \(yaml)")
            } catch let error as CassetteError {
                #expect(error.message.contains(message), "\(error)")
                #expect(error.line != nil)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("recording stores each text's vector so a replay answers the same")
    func recording() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cassette-embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("recorded.yaml")
        let answer: JSONValue = ["embeddings": [[0.5, 0.25], [0.125, 1]]]
        let request = EmbeddingRequest(provider: "ollama", model: "nomic-embed-text", texts: ["first", "second"])
        let recorded = try await ProviderTestServer.with([.json(answer)]) { _, base in
            let recorder = try RecordingProvider(wrapping: ProviderRouter(environment: ["OLLAMA_HOST": base]), file: file)
            return try await recorder.embed(request)
        }
        #expect(recorded.vectors == [[0.5, 0.25], [0.125, 1]])
        let replayed = try await CassetteProvider(contentsOf: file).embed(request)
        #expect(replayed.vectors == recorded.vectors)
    }
}
