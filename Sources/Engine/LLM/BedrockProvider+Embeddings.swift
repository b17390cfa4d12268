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
        let path = "/model/\(SigV4Signer.encode(request.model))/invoke"
        guard let components = URLComponents(string: root), let host = components.host else {
            throw LLMError(message: "\(request.qualifiedModel): invalid Bedrock endpoint \(root) (AWS_BEDROCK_BASE_URL)", retryable: false)
        }
        let prefix = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        let data = Data(body.jsonText().utf8)
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        let headers = [("Host", hostHeader), ("Content-Type", "application/json"), ("Accept", "application/json")]
        let signed = signer.signingHeaders(method: "POST", path: prefix + path, headers: headers, body: data, date: now())
        let payload = try await transport.request(
            method: .POST, url: LLMTransport.join(root, path), headers: headers + signed, body: data,
            label: request.qualifiedModel, keyVariable: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
        return try LLMTransport.json(payload.data, label: request.qualifiedModel)
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
