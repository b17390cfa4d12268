import Foundation
import Workflow

/// Azure OpenAI: the Chat Completions wire of ``OpenAIProvider`` at
/// `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`, the key in an `api-key` header.
///
/// The deployment is `AZURE_OPENAI_DEPLOYMENT`, or the model part of `azure_openai/<model>` when that is unset (a
/// deployment named after its model, as the Azure portal suggests).
public struct AzureOpenAIProvider: LLMProvider {
    /// The API version sent when `AZURE_OPENAI_API_VERSION` is unset.
    public static let defaultAPIVersion = "2024-10-21"

    public var apiKey: String?
    /// `https://<resource>.openai.azure.com`.
    public var endpoint: String
    public var deployment: String?
    public var apiVersion: String
    public var transport: LLMTransport

    public init(
        apiKey: String?, endpoint: String, deployment: String? = nil,
        apiVersion: String = AzureOpenAIProvider.defaultAPIVersion, transport: LLMTransport = .init()
    ) {
        self.apiKey = apiKey
        self.endpoint = endpoint
        self.deployment = deployment
        self.apiVersion = apiVersion
        self.transport = transport
    }

    /// The chat completions URL of a deployment.
    func url(for model: String) -> String {
        let name = deployment.flatMap { $0.isEmpty ? nil : $0 } ?? model
        let path = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? name
        let version = apiVersion.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? apiVersion
        return LLMTransport.join(endpoint, "openai/deployments/\(path)/chat/completions") + "?api-version=\(version)"
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("api-key", apiKey)) }
        let json = try await transport.postJSON(
            url: url(for: request.model), headers: headers, body: OpenAIProvider.requestBody(for: request),
            label: request.qualifiedModel, keyVariable: "AZURE_OPENAI_API_KEY")
        return try OpenAIProvider.response(from: json, label: request.qualifiedModel)
    }
}
