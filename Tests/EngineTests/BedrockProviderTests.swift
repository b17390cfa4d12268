import Foundation
import Testing
import Workflow

@testable import Engine

@Suite("BedrockProvider")
struct BedrockProviderTests {
    static let signer = SigV4Signer(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "sess",
        region: "eu-west-1", service: "bedrock")
    static let model = "anthropic.claude-3-5-sonnet-20241022-v2:0"

    @Test("Converse: toolUse and toolResult blocks, signed with SigV4 over the double-encoded model id; usage back")
    func toolRoundTrip() async throws {
        let answer: JSONValue = [
            "output": ["message": ["role": "assistant", "content": [
                ["text": "Restarting payments."],
                ["toolUse": ["toolUseId": "tooluse_9", "name": "restart_service", "input": ["service_name": "payments"]]],
            ]]],
            "stopReason": "tool_use",
            "usage": ["inputTokens": 210, "outputTokens": 31, "totalTokens": 241],
        ]
        let messages: [ChatMessage] = [
            ChatMessage(role: .system, content: "You are an operations agent."),
            ChatMessage(role: .user, content: "Payments is down."),
            ChatMessage(
                role: .assistant, content: "Checking.",
                toolCalls: [ToolCall(id: "tooluse_1", name: "check_service", arguments: ["service_name": "payments"])]),
            ChatMessage(role: .tool, content: #"{"status":"unhealthy"}"#, toolCallID: "tooluse_1", toolName: "check_service"),
            ChatMessage(role: .user, content: "Go on."),
        ]
        let tool = ToolSpec(
            name: "check_service", description: "Check a service.",
            inputSchema: ["type": "object", "properties": ["service_name": ["type": "string"]]])
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = BedrockProvider(signer: Self.signer, baseURL: base)
            let request = ChatRequest(
                provider: "aws_bedrock", model: Self.model, messages: messages, tools: [tool], temperature: 0, maxTokens: 800)
            return (try await provider.complete(request), await server.received)
        }
        let call = try #require(received.first)
        #expect(call.path == "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse")
        #expect(call.headers["x-amz-security-token"] == "sess")
        let authorization = try #require(call.headers["authorization"])
        let amzDate = try #require(call.headers["x-amz-date"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(amzDate.prefix(8))/eu-west-1/bedrock/aws4_request, "))
        // The double verifies the signature as AWS would: from the request it received.
        let signedNames = authorization.components(separatedBy: "SignedHeaders=")[1].components(separatedBy: ",")[0]
            .split(separator: ";").map(String.init)
        let expected = Self.signer.signature(
            method: "POST", path: call.path, query: [], headers: signedNames.map { ($0, call.headers[$0] ?? "") },
            body: call.rawBody, amzDate: amzDate)
        #expect(authorization == expected.authorization, "\(expected.canonicalRequest)")
        #expect(signedNames == ["accept", "content-type", "host", "x-amz-date", "x-amz-security-token"])

        let expectedBody: JSONValue = [
            "system": [["text": "You are an operations agent."]],
            "messages": [
                ["role": "user", "content": [["text": "Payments is down."]]],
                ["role": "assistant", "content": [
                    ["text": "Checking."],
                    ["toolUse": ["toolUseId": "tooluse_1", "name": "check_service", "input": ["service_name": "payments"]]],
                ]],
                ["role": "user", "content": [
                    ["toolResult": ["toolUseId": "tooluse_1", "content": [["json": ["status": "unhealthy"]]]]],
                    ["text": "Go on."],
                ]],
            ],
            "toolConfig": ["tools": [["toolSpec": [
                "name": "check_service", "description": "Check a service.",
                "inputSchema": ["json": ["type": "object", "properties": ["service_name": ["type": "string"]]]],
            ]]]],
            "inferenceConfig": ["maxTokens": 800, "temperature": 0],
        ]
        #expect(call.body == expectedBody)
        #expect(response.finishReason == "TOOL_CALLS")
        #expect(response.text == "Restarting payments.")
        #expect(response.promptTokens == 210)
        #expect(response.completionTokens == 31)
        #expect(response.toolCalls == [ToolCall(id: "tooluse_9", name: "restart_service", arguments: ["service_name": "payments"])])
    }

    @Test("Titan embeddings: one signed invoke per text with dimensions and normalize; Cohere on Bedrock: one call, input_type")
    func embeddings() async throws {
        let titan: [ProviderTestServer.Reply] = [
            .json(["embedding": [0.6, 0.8], "inputTextTokenCount": 3]), .json(["embedding": [1, 0], "inputTextTokenCount": 2]),
        ]
        let (response, received) = try await ProviderTestServer.with(titan) { server, base in
            let provider = BedrockProvider(signer: Self.signer, baseURL: base)
            let request = EmbeddingRequest(
                provider: "aws_bedrock", model: "amazon.titan-embed-text-v2:0", texts: ["disk full", "all good"], dimensions: 2)
            return (try await provider.embed(request), await server.received)
        }
        #expect(received.map(\.path) == Array(repeating: "/model/amazon.titan-embed-text-v2%3A0/invoke", count: 2))
        #expect(received.map(\.body) == [
            ["inputText": "disk full", "dimensions": 2, "normalize": true], ["inputText": "all good", "dimensions": 2, "normalize": true],
        ])
        let call = try #require(received.first)
        let authorization = try #require(call.headers["authorization"])
        let amzDate = try #require(call.headers["x-amz-date"])
        let signedNames = authorization.components(separatedBy: "SignedHeaders=")[1].components(separatedBy: ",")[0]
            .split(separator: ";").map(String.init)
        let expected = Self.signer.signature(
            method: "POST", path: call.path, query: [], headers: signedNames.map { ($0, call.headers[$0] ?? "") },
            body: call.rawBody, amzDate: amzDate)
        #expect(authorization == expected.authorization, "the double checks the SigV4 signature")
        #expect(response.vectors == [[0.6, 0.8], [1, 0]])
        #expect(response.promptTokens == 5)

        let (cohere, cohereReceived) = try await ProviderTestServer.with([.json(["embeddings": [[0.1, 0.2]]])]) { server, base in
            let provider = BedrockProvider(signer: Self.signer, baseURL: base)
            let request = EmbeddingRequest(
                provider: "aws_bedrock", model: "cohere.embed-english-v3", texts: ["where is the disk?"], purpose: .query)
            return (try await provider.embed(request), await server.received)
        }
        #expect(cohereReceived.first?.body == ["texts": ["where is the disk?"], "input_type": "search_query"])
        #expect(cohere.vectors == [[0.1, 0.2]])

        let router = ProviderRouter(environment: ["AWS_ACCESS_KEY_ID": "AKID"])
        #expect(throws: LLMError.self) {
            _ = try router.embeddingProvider(for: EmbeddingRequest(provider: "aws_bedrock", model: "amazon.titan-embed-text-v2:0", texts: ["x"]))
        }
        do {
            _ = try router.embeddingProvider(for: EmbeddingRequest(provider: "aws_bedrock", model: "amazon.titan-embed-text-v2:0", texts: ["x"]))
        } catch let error as LLMError {
            #expect(error.message.contains("AWS_SECRET_ACCESS_KEY"), "\(error.message)")
        }
    }

    @Test("ThrottlingException is retried; a refused credential is terminal and names the AWS variables")
    func errorShapes() async throws {
        let throttled = ProviderTestServer.Reply.json(
            ["message": "Too many requests, please wait before trying again."], status: 429,
            headers: ["x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", "Retry-After": "0"])
        let ok = ProviderTestServer.Reply.json([
            "output": ["message": ["role": "assistant", "content": [["text": "ok"]]]], "stopReason": "end_turn",
            "usage": ["inputTokens": 3, "outputTokens": 1],
        ])
        let denied = ProviderTestServer.Reply.json(
            ["message": "The security token included in the request is invalid."], status: 403,
            headers: ["x-amzn-ErrorType": "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/"])
        let request = ChatRequest(provider: "aws_bedrock", model: Self.model, messages: [ChatMessage(role: .user, content: "hi")])
        let count = try await ProviderTestServer.with([throttled, ok]) { server, base in
            let router = ProviderRouter(environment: [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-west-2", "AWS_BEDROCK_BASE_URL": base,
            ])
            let response = try await router.complete(request)
            #expect(response.text == "ok")
            #expect(response.finishReason == "STOP")
            let received = await server.received
            #expect(received.first?.headers["authorization"]?.contains("/us-west-2/bedrock/aws4_request") == true)
            return received.count
        }
        #expect(count == 2)
        try await ProviderTestServer.with([denied]) { _, base in
            let error = await #expect(throws: LLMError.self) {
                try await BedrockProvider(signer: Self.signer, baseURL: base).complete(request)
            }
            #expect(error?.retryable == false)
            #expect(error?.status == 403)
            #expect(error?.message.contains("The security token included in the request is invalid.") == true)
            #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
        }
    }
}
