import AgentSpec
import Foundation
import Workflow

/// The agent's LLM_CHAT_COMPLETE task (§3): model, instructions and prompt additions, memory, tools, limits.
enum LLMTaskBuilder {
    /// Where the LLM's tool specs come from.
    enum Tools {
        case none
        /// Specs known at compile time.
        case specs([JSONValue])
        /// Specs discovered at run time (`${<resolve>.output.result.tools}`).
        case discovered(String)
    }

    static let plannerText = "Before executing, create a step-by-step plan. Think through each step carefully, then execute the plan systematically using your available tools. After each step, verify progress before moving to the next."

    /// Builds `R(X)_llm` (or `ref`). `userMessage` replaces the first user message (context injection).
    static func build(
        _ agent: AgentUnit, ref: String? = nil, tools: Tools, userMessage: String? = nil, extraMessages: [JSONValue] = []
    ) throws(CompileError) -> WorkflowTask {
        let config = agent.config
        let model = try ModelRef(config.model)
        var inputs: [String: JSONValue] = ["llmProvider": .string(model.provider), "model": .string(model.model)]
        if let baseUrl = config.baseUrl, !baseUrl.trimmingCharacters(in: .whitespaces).isEmpty {
            inputs["baseUrl"] = .string(baseUrl)
        }
        let staticSpecs: Bool
        if case .specs = tools { staticSpecs = true } else { staticSpecs = false }

        var messages: [JSONValue] = []
        if let template = agent.promptTemplate {
            inputs["instructionsTemplate"] = template["name"]
            if template["variables"] != .null { inputs["templateVariables"] = template["variables"] }
            if template["version"] != .null { inputs["promptVersion"] = template["version"] }
        } else {
            var text = instructionText(agent)
            if staticSpecs && text.isEmpty { text = "You are a helpful assistant." }
            if let schema = config.outputType?.schema, schema != .null {
                let shape = StructuredOutput.describe(schema)
                if staticSpecs {
                    text += "\n\nWhen providing your final answer, respond with a JSON object matching this schema: \(shape). Output only valid JSON."
                } else {
                    text += (text.isEmpty ? "" : "\n\n") + "Respond with a JSON object matching this schema: \(shape). Output only valid JSON, no other text."
                    inputs["jsonOutput"] = true
                }
            }
            if config.codeExecution?.enabled == true { text += "\n\n" + codeExecutionText(config.codeExecution!) }
            if config.cliConfig?.enabled == true { text += "\n\n" + cliText(config.cliConfig!) }
            if config.planner == true { text += "\n\n" + plannerText }
            if !text.isEmpty { messages.append(["role": "system", "message": .string(text)]) }
        }
        messages += config.memory?.messages ?? []
        messages.append(["role": "user", "message": "${workflow.input.prompt}", "media": "${workflow.input.media}"])
        if let userMessage, let index = messages.firstIndex(where: { $0["role"].stringValue == "user" }) {
            messages[index] = ["role": "user", "message": .string(userMessage), "media": "${workflow.input.media}"]
        }
        inputs["messages"] = .array(messages + extraMessages)

        switch tools {
        case .none: break
        case .specs(let specs): inputs["tools"] = .array(specs)
        case .discovered(let path): inputs["tools"] = expr(path)
        }
        inputs["maxTokens"] = .int(config.maxTokens ?? 16384)
        if let temperature = config.temperature {
            inputs["temperature"] = temperature.rounded() == temperature && abs(temperature) < 1e9 ? .int(Int(temperature)) : .double(temperature)
        } else if staticSpecs {
            inputs["temperature"] = 0
        }
        if let thinking = config.thinkingConfig, thinking.enabled ?? true {
            var value: [String: JSONValue] = ["enabled": true]
            if let budget = thinking.budgetTokens { value["budgetTokens"] = .int(budget) }
            inputs["thinkingConfig"] = .object(value)
        }
        inputs["__agentspan_ctx__"] = "${workflow.input.__agentspan_ctx__}"
        return .llm(ref ?? "\(agent.r)_llm", inputs)
    }

    /// The instruction text `T`: a string, the dynamic-instructions result reference, or the JSON of any other
    /// object.
    static func instructionText(_ agent: AgentUnit) -> String {
        switch agent.config.instructions {
        case .string(let text)?: return text
        case nil, .null?: return ""
        case let other?:
            if agent.instructionsWorker != nil { return "${\(agent.r)_instructions.output.result}" }
            if other["_worker_ref"] != .null { return "" }
            return CompiledJSON.compactText(other)
        }
    }

    static func codeExecutionText(_ config: CodeExecutionConfig) -> String {
        let languages = (config.allowedLanguages ?? []).isEmpty ? "python, javascript, bash" : config.allowedLanguages!.joined(separator: ", ")
        var text = "You have code execution capabilities. Use the execute_code tool to write and run code. Supported languages: \(languages). Each execution runs in an isolated environment — no state, variables, or imports persist between calls. Always include all necessary imports at the top of every code block (e.g. import subprocess, import os, import json)."
        if let commands = config.allowedCommands, !commands.isEmpty {
            text += " Allowed shell commands: \(commands.joined(separator: ", ")). Do not use other commands."
        }
        return text
    }

    static func cliText(_ config: CliConfig) -> String {
        var text = "You have CLI command execution capabilities. Use the run_command tool to execute shell commands directly. By default commands run without a shell interpreter (safer). Set shell=True only when you need pipes, redirects, or glob expansion."
        if let commands = config.allowedCommands, !commands.isEmpty {
            text += " Allowed commands: \(commands.joined(separator: ", ")). Do not use other commands."
        }
        if config.allowShell != true { text += " Shell mode is disabled — do not set shell=True." }
        return text
    }

    /// An ad-hoc LLM task (judges, normalisers, filters): no token limit or execution token unless given.
    static func plain(
        _ ref: String, model: ModelRef, system: String, user: String, assistant: String? = nil,
        jsonOutput: Bool = false, maxTokens: Int? = nil, temperature: Bool = true, tools: [JSONValue]? = nil
    ) -> WorkflowTask {
        var messages: [JSONValue] = [["role": "system", "message": .string(system)], ["role": "user", "message": .string(user)]]
        if let assistant { messages.append(["role": "assistant", "message": .string(assistant)]) }
        var inputs: [String: JSONValue] = [
            "llmProvider": .string(model.provider), "model": .string(model.model), "messages": .array(messages),
        ]
        if temperature { inputs["temperature"] = 0 }
        if jsonOutput { inputs["jsonOutput"] = true }
        if let maxTokens { inputs["maxTokens"] = .int(maxTokens) }
        if let tools { inputs["tools"] = .array(tools) }
        return .llm(ref, inputs)
    }
}
