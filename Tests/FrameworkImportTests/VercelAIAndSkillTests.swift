import AgentCompiler
import AgentSpec
import FrameworkImport
import Testing
import Workflow

/// `framework: vercel_ai` (the TypeScript SDK's generic serialisation of a Vercel AI SDK agent) and `framework:
/// skill` (an agentskills.io directory as the Python SDK's `skill()` packs it).
struct VercelAIAndSkillTests {
    @Test func vercelAIAgentWithAToolMap() throws {
        let raw: JSONValue = [
            "name": "helper", "model": ["modelId": "gpt-4o-mini", "provider": "openai.chat", "specificationVersion": "v2"],
            "system": "Be helpful.", "maxSteps": 4, "temperature": 0.3, "maxTokens": 200,
            "tools": [
                "weather": [
                    "description": "Weather for a city", "_worker_ref": "weather",
                    "parameters": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
                ],
            ],
            "schema": ["type": "object", "properties": ["answer": ["type": "string"]]],
        ]
        let config = try FrameworkImporter.normalize(framework: "vercel_ai", rawConfig: raw)
        #expect(config.name == "helper" && config.model == "openai/gpt-4o-mini")
        #expect(config.instructions == "Be helpful.")
        #expect(config.maxTurns == 4 && config.temperature == 0.3 && config.maxTokens == 200)
        #expect(config.tools.map(\.name) == ["weather"] && config.tools[0].toolType == "worker")
        #expect(config.tools[0].inputSchema?["required"] == ["city"])
        #expect(config.outputType?.schema?["properties"]["answer"]["type"] == "string")
        let def = try AgentCompiler().compile(config)
        #expect(def.name == "helper" && !def.tasks.isEmpty)
    }

    @Test func vercelAIDefaultsAndRefusals() throws {
        let bare = try FrameworkImporter.normalize(framework: "vercel_ai", rawConfig: ["id": "x", "tools": [["_worker_ref": "lookup"]]])
        #expect(bare.name == "x" && bare.model == "openai/gpt-4o" && bare.tools.map(\.name) == ["lookup"])
        #expect(throws: FrameworkImportError.self) {
            try FrameworkImporter.normalize(framework: "vercel_ai", rawConfig: ["name": "x", "stopWhen": ["steps": 3]])
        }
        do {
            _ = try FrameworkImporter.normalize(framework: "vercel_ai", rawConfig: ["name": "x", "onStepFinish": ["_worker_ref": "cb"]])
            Issue.record("a step callback was accepted")
        } catch {
            #expect(error.path == "rawConfig.onStepFinish", "\(error)")
        }
        do {
            _ = try FrameworkImporter.normalize(framework: "vercel_ai", rawConfig: ["name": "x", "system": "a", "instructions": "b"])
            Issue.record("two instructions were accepted")
        } catch {
            #expect(error.path == "rawConfig.instructions", "\(error)")
        }
    }

    @Test func skillBecomesAnOrchestratorWithItsAgentsScriptsAndFiles() throws {
        let fixture = try FrameworkFixture("skill_greeter")
        let config = try FrameworkImporter.normalize(framework: fixture.framework, rawConfig: fixture.rawConfig)
        #expect(config.name == "greeter" && config.model == "openai/gpt-4o")
        #expect(config.description == "Greets people by name.")
        #expect(config.instructions == "Greet the user. Use the shout script for emphasis and ask the poet agent for a rhyme.")
        #expect(config.tools.map(\.name) == ["greeter__poet", "greeter__shout", "greeter__read_skill_file"])
        #expect(config.tools.map(\.toolType) == ["agent_tool", "worker", "worker"])
        let poet = config.tools[0].config?["agentConfig"]
        #expect(poet?["instructions"] == "Write a two-line rhyme.\n" && poet?["model"] == "anthropic/claude-sonnet-4")
        #expect(config.tools[1].inputSchema?["required"] == ["command"])
        #expect(config.tools[2].inputSchema?["properties"]["path"]["enum"] == ["references/style.md"])
        let def = try AgentCompiler().compile(config)
        #expect(def.name == "greeter")
    }

    @Test func skillCrossReferencesSectionsAndRefusals() throws {
        let long = "Intro.\n\n## First part\n" + String(repeating: "a", count: 30_000) + "\n\n## Second, part!\n"
            + String(repeating: "b", count: 30_000)
        let raw: JSONValue = [
            "model": "openai/gpt-4o", "skillMd": .string("---\nname: big\ndescription: Long one.\n---\n" + long),
            "crossSkillRefs": ["helper": ["skillMd": "---\nname: helper\ndescription: Helps.\n---\nHelp out."]],
        ]
        let config = try FrameworkImporter.normalize(framework: "skill", rawConfig: raw)
        let instructions = config.instructions?.stringValue ?? ""
        #expect(instructions.hasPrefix("Long one.\n\nIntro.\n\n## Available sections"), "\(instructions.prefix(200))")
        #expect(instructions.contains("- skill_section:first-part — First part"))
        #expect(instructions.contains("- skill_section:second-part — Second, part!"))
        let reader = try #require(config.tools.first { $0.name == "big__read_skill_file" })
        #expect(reader.inputSchema?["properties"]["path"]["enum"] == ["skill_section:first-part", "skill_section:second-part"])
        let helper = try #require(config.tools.first { $0.name == "helper" })
        #expect(helper.toolType == "agent_tool" && helper.description == "Helps.")
        #expect(helper.config?["agentConfig"]?["model"] == "openai/gpt-4o")

        func refusal(_ raw: JSONValue) -> String {
            do {
                _ = try FrameworkImporter.normalize(framework: "skill", rawConfig: raw)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(refusal(["model": "openai/gpt-4o"]).hasPrefix("rawConfig.skillMd: a skill needs its SKILL.md text"))
        #expect(refusal(["skillMd": "---\nname: s\n---\nBody."]).hasPrefix("rawConfig.model: a skill needs a model"))
        #expect(refusal(["model": "m/x", "skillMd": "---\ndescription: no name\n---\nBody."]).contains("needs a 'name'"))
        #expect(refusal(["model": "m/x", "skillMd": "---\nname: s\n---\nB.", "agentModels": ["ghost": "m/y"]])
            .hasPrefix("rawConfig.agentModels.ghost: no ghost-agent.md"))
        let loop: JSONValue = [
            "model": "m/x", "skillMd": "---\nname: s\n---\nB.",
            "crossSkillRefs": ["s": ["skillMd": "---\nname: s\n---\nAgain."]],
        ]
        #expect(refusal(loop).contains("circular skill reference"))
    }
}
