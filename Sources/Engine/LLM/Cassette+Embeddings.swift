extension Cassette {
    /// The vector a cassette answers for `text`: the recorded one for the model (or for any model), else a hashed
    /// bag of words of ``Embeddings/dimensions`` (or `dimensions`, or the model's recorded length, or 256).
    public func embedding(of text: String, model: String, dimensions: Int?) -> [Float] {
        let recorded = embeddings.vectors.first { $0.text == text && $0.model == model }
            ?? embeddings.vectors.first { $0.text == text && $0.model == nil }
        if let recorded { return recorded.vector }
        let length = embeddings.dimensions ?? dimensions.flatMap { $0 > 0 ? $0 : nil }
            ?? embeddings.vectors.first { $0.model == model }?.vector.count ?? 256
        return Self.hashedEmbedding(of: text, dimensions: length)
    }

    /// A unit vector of `dimensions` that counts the words of `text` (case-folded, a plural `s` dropped), each word
    /// hashed (FNV-1a) to one coordinate and a sign. Texts sharing words are close in cosine similarity, unrelated
    /// texts nearly orthogonal: enough to index and search offline. A text with no word gets the first unit vector.
    public static func hashedEmbedding(of text: String, dimensions: Int) -> [Float] {
        let length = max(1, dimensions)
        var vector = [Float](repeating: 0, count: length)
        for word in words(of: text) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in word.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            vector[Int(hash % UInt64(length))] += (hash >> 63) == 0 ? 1 : -1
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else {
            vector[0] = 1
            return vector
        }
        return vector.map { $0 / norm }
    }

    private static func words(of text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map { word in
            word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") ? String(word.dropLast()) : String(word)
        }
    }
}

extension CassetteProvider: EmbeddingProvider {
    /// Answers from the cassette's ``Cassette/embeddings``; never fails and never touches the network.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let vectors = request.texts.map {
            cassette.embedding(of: $0, model: request.qualifiedModel, dimensions: request.dimensions)
        }
        return EmbeddingResponse(vectors: vectors, promptTokens: request.texts.reduce(0) { $0 + max(1, $1.count / 4) })
    }
}
