import AgentCompiler
import AgentSpec
import Testing
import Workflow

/// Every model string Agentspan's `docs/ai-models.md` documents loads and compiles, split at the first `/`.
@Suite("Agentspan model strings")
struct ProviderModelStringTests {
    static let models: [(String, String, String)] = [
        ("openai/gpt-4o", "openai", "gpt-4o"),
        ("anthropic/claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4-20250514"),
        ("google_gemini/gemini-2.0-flash", "google_gemini", "gemini-2.0-flash"),
        ("azure_openai/gpt-4o", "azure_openai", "gpt-4o"),
        ("aws_bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0", "aws_bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0"),
        ("mistral/mistral-large-latest", "mistral", "mistral-large-latest"),
        ("cohere/command-r-plus", "cohere", "command-r-plus"),
        ("grok/grok-3", "grok", "grok-3"),
        ("perplexity/sonar-pro", "perplexity", "sonar-pro"),
        ("hugging_face/meta-llama/Llama-3-70b-chat-hf", "hugging_face", "meta-llama/Llama-3-70b-chat-hf"),
        ("ollama/llama3", "ollama", "llama3"),
    ]

    @Test("the spec loader and the compiler accept it", arguments: models)
    func accepted(model: String, provider: String, name: String) throws {
        let spec = try SpecLoader.load(source: "name: a\nmodel: \(model)\ninstructions: Help.\n", path: "a.yaml")
        let def = try AgentCompiler().compile(spec.config)
        let llm = try #require(def.tasks.first { $0.type == "LLM_CHAT_COMPLETE" })
        #expect(llm.inputParameters["llmProvider"] == .string(provider))
        #expect(llm.inputParameters["model"] == .string(name))
    }

    @Test("a media tool's provider and model reach its task configuration")
    func mediaTool() throws {
        let spec = try SpecLoader.load(
            source: """
                name: a
                model: google_gemini/gemini-2.0-flash
                tools:
                  - {name: draw, toolType: generate_image, config: {llmProvider: stabilityai, model: sd3.5-large}}
                """, path: "a.yaml")
        let def = try AgentCompiler().compile(spec.config)
        #expect(try String(decoding: CompiledJSON.data(def), as: UTF8.self).contains(#"\"draw\":{\"llmProvider\":\"stabilityai\",\"model\":\"sd3.5-large\",\"taskType\":\"GENERATE_IMAGE\"}"#))
    }
}
