import Foundation
import Workflow

/// Embeddings on AWS Bedrock (`POST …/model/{modelId}/invoke`, SigV4-signed like Converse): Amazon Titan text
/// embeddings (`amazon.titan-embed-*`: one text per call, `{inputText, dimensions?, normalize}` →
/// `{embedding, inputTextTokenCount}`) and Cohere's (`cohere.embed-*`: `{texts, input_type}` → `{embeddings}`).
extension BedrockProvider: EmbeddingProvider {
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        if request.model.hasPrefix("cohere.") {
            let body: JSONValue = [
                "texts": .array(request.texts.map(JSONValue.string)),
                "input_type": .string(request.purpose == .query ? "search_query" : "search_document"),
            ]
            let json = try await invoke(request, body: body)
            guard let rows = json["embeddings"].arrayValue else {
                throw LLMError(message: "\(request.qualifiedModel): the answer has no 'embeddings' list", retryable: false)
            }
            return try EmbeddingResponse(vectors: rows.map { try Self.vector($0, request) }).checked(against: request)
        }
        var vectors: [[Float]] = []
        var tokens = 0
        for text in request.texts {
            var body: [String: JSONValue] = ["inputText": .string(text), "normalize": true]
            if let dimensions = request.dimensions { body["dimensions"] = .int(dimensions) }
            let json = try await invoke(request, body: .object(body))
            vectors.append(try Self.vector(json["embedding"], request))
            tokens += json["inputTextTokenCount"].intValue ?? 0
        }
        return try EmbeddingResponse(vectors: vectors, promptTokens: tokens).checked(against: request)
    }

    private func invoke(_ request: EmbeddingRequest, body: JSONValue) async throws -> JSONValue {
        try await post(model: request.model, action: "invoke", body: body, label: request.qualifiedModel)
    }

    private static func vector(_ value: JSONValue, _ request: EmbeddingRequest) throws -> [Float] {
        guard let numbers = value.arrayValue?.compactMap(\.doubleValue), !numbers.isEmpty,
            numbers.count == value.arrayValue?.count
        else {
            throw LLMError(message: "\(request.qualifiedModel): the answer holds no embedding vector", retryable: false)
        }
        return numbers.map(Float.init)
    }
}
