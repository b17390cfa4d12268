import AgentSpec
import Foundation
import Workflow

/// An agentskills.io skill directory as the agentspan SDK's `skill()` packs it: `SKILL.md` (YAML front matter with
/// `name`, `description`, `metadata`; the body is the orchestrator's instructions), `agentFiles` (each
/// `<name>-agent.md` a sub-agent, called as the agent tool `<skill>__<name>`), `scripts` (each the worker tool
/// `<skill>__<script>` taking `command`), `resourceFiles` (read through the worker `<skill>__read_skill_file`) and
/// `crossSkillRefs` (other skills it invokes, each an agent tool). The SDK's workers serve the scripts and the reader.
enum SkillNormalizer {
    /// Bodies longer than this are split into `##` sections the agent reads on demand, as the SDK does.
    static let sectionSplitThreshold = 50_000

    static func agent(_ source: RawObject) throws(FrameworkImportError) -> AgentConfig {
        var raw = source
        var active: [String] = []
        return try agent(&raw, parentModel: nil, active: &active)
    }

    private static func agent(
        _ raw: inout RawObject, parentModel: String?, active: inout [String]
    ) throws(FrameworkImportError) -> AgentConfig {
        guard let skillMd = try raw.string("skillMd"), !skillMd.isEmpty else {
            throw FrameworkImportError(path: raw.at("skillMd"), "a skill needs its SKILL.md text")
        }
        let (frontMatter, body) = try split(skillMd, path: raw.at("skillMd"))
        guard let name = frontMatter["name"]?.stringValue, !name.isEmpty else {
            throw FrameworkImportError(path: raw.at("skillMd"), "SKILL.md's front matter needs a 'name'")
        }
        // The SDK sends the agent's name beside the skill's; they are the same.
        if let outer = try raw.string("name"), outer != name {
            throw FrameworkImportError(path: raw.at("name"), "the agent is named '\(outer)' but SKILL.md names '\(name)'")
        }
        guard !active.contains(name) else {
            throw FrameworkImportError(path: raw.path, "circular skill reference: '\(name)' invokes itself through \(active.joined(separator: " → "))")
        }
        active.append(name)
        defer { active.removeLast() }
        let model = try raw.string("model").flatMap { $0.isEmpty ? nil : $0 } ?? parentModel
        guard let model else {
            throw FrameworkImportError(path: raw.at("model"), "a skill needs a model (skill(path, model=…))")
        }
        let description = frontMatter["description"]?.stringValue ?? ""
        var config = AgentConfig(name: name)
        config.model = model
        config.description = description
        if let metadata = frontMatter["metadata"]?.objectValue { config.metadata = metadata }

        var instructions = body
        var sections: [(slug: String, text: String)] = []
        if body.count > sectionSplitThreshold {
            sections = splitSections(body)
            if !sections.isEmpty { instructions = splitInstructions(description: description, body: body, sections: sections) }
        }
        config.instructions = .string(instructions)

        let agentModels = try stringMap(&raw, "agentModels")
        let agentFiles = try stringMap(&raw, "agentFiles")
        for agentName in agentModels.keys.sorted() where agentFiles[agentName] == nil {
            throw FrameworkImportError(path: raw.at("agentModels.\(agentName)"), "no \(agentName)-agent.md in the skill for this model")
        }
        for (agentName, text) in agentFiles.sorted(by: { $0.key < $1.key }) {
            var sub = AgentConfig(name: agentName)
            sub.instructions = .string(text)
            sub.model = agentModels[agentName] ?? model
            config.tools.append(agentTool(
                "\(name)__\(agentName)", description: "Invoke the \(agentName) agent", agent: sub,
                request: "The request or question to send to the \(agentName) agent"))
        }
        if let scripts = try raw.object("scripts") {
            var reader = scripts
            for script in scripts.keys {
                if var info = try reader.object(script) {
                    info.ignore("filename", "language", "path")
                    try info.finish()
                }
                config.tools.append(ToolConfig(
                    name: "\(name)__\(script)", description: "Run \(script) script from \(name) skill",
                    inputSchema: [
                        "type": "object",
                        "properties": ["command": ["type": "string", "description": .string("Arguments to pass to the \(script) script")]],
                        "required": ["command"],
                    ],
                    toolType: "worker"))
            }
        }
        var readable: [JSONValue] = []
        for (i, file) in try raw.array("resourceFiles").enumerated() {
            guard let path = file.stringValue else {
                throw FrameworkImportError(path: raw.at("resourceFiles[\(i)]"), "expected a file path")
            }
            readable.append(.string(path))
        }
        // The SDK lists its own sections in resourceFiles already; add only what it did not.
        for section in sections where !readable.contains(.string("skill_section:\(section.slug)")) {
            readable.append(.string("skill_section:\(section.slug)"))
        }
        if !readable.isEmpty {
            config.tools.append(ToolConfig(
                name: "\(name)__read_skill_file",
                description: sections.isEmpty
                    ? "Read a reference or resource file from the \(name) skill directory"
                    : "Read a reference file or skill section from the \(name) skill. Use skill_section:* paths to load instruction sections on demand.",
                inputSchema: [
                    "type": "object",
                    "properties": [
                        "path": [
                            "type": "string",
                            "description": "Relative path within the skill directory, or skill_section:<name> for instruction sections",
                            "enum": .array(readable),
                        ],
                    ],
                    "required": ["path"],
                ],
                toolType: "worker"))
        }
        if let references = try raw.object("crossSkillRefs") {
            var reader = references
            for reference in references.keys {
                guard var nested = try reader.object(reference) else { continue }
                let other = try agent(&nested, parentModel: model, active: &active)
                config.tools.append(agentTool(
                    other.name, description: other.description, agent: other,
                    request: "The request or question to send to the \(other.name) agent"))
            }
        }
        // Parameters are already written into SKILL.md by the SDK; sections travel inside skillMd's body.
        raw.ignore("defaultParams", "params", "skillSections", "_framework")
        try raw.finish()
        return config
    }

    private static func agentTool(_ name: String, description: String?, agent: AgentConfig, request: String) -> ToolConfig {
        var tool = ToolConfig(
            name: name, description: description,
            inputSchema: [
                "type": "object", "properties": ["request": ["type": "string", "description": .string(request)]],
                "required": ["request"],
            ],
            toolType: "agent_tool")
        tool.config = ["agentConfig": (try? JSONValue.from(agent)) ?? .null]
        return tool
    }

    /// A map of strings at `key` (empty when absent).
    private static func stringMap(_ raw: inout RawObject, _ key: String) throws(FrameworkImportError) -> [String: String] {
        guard let object = try raw.object(key) else { return [:] }
        var reader = object
        var out: [String: String] = [:]
        for name in object.keys {
            guard let text = try reader.string(name) else { continue }
            out[name] = text
        }
        return out
    }

    /// SKILL.md → (front matter as JSON, body). Without front matter the whole text is the body.
    static func split(_ text: String, path: String) throws(FrameworkImportError) -> ([String: JSONValue], String) {
        let pattern = #"^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*\r?\n([\s\S]*)$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let yamlRange = Range(match.range(at: 1), in: text), let bodyRange = Range(match.range(at: 2), in: text)
        else { return ([:], text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let frontMatter: JSONValue
        do {
            frontMatter = try SpecLoader.plainJSON(source: String(text[yamlRange]), path: "SKILL.md")
        } catch {
            throw FrameworkImportError(path: path, "SKILL.md's front matter is not valid YAML: \(error)")
        }
        guard let fields = frontMatter.objectValue else {
            throw FrameworkImportError(path: path, "SKILL.md's front matter must be a YAML mapping")
        }
        return (fields, String(text[bodyRange]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The body's `## ` sections by slug, in order (the preamble before the first heading is not a section).
    static func splitSections(_ body: String) -> [(slug: String, text: String)] {
        var sections: [(slug: String, text: String)] = []
        var current: [Substring] = []
        func close() {
            let text = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            current = []
            guard text.hasPrefix("## ") else { return }
            let heading = text.split(separator: "\n", maxSplits: 1).first.map { String($0.dropFirst(3)) } ?? ""
            let slug = slugify(heading)
            if !slug.isEmpty, !sections.contains(where: { $0.slug == slug }) { sections.append((slug, text)) }
        }
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { close() }
            current.append(line)
        }
        close()
        return sections
    }

    static func slugify(_ text: String) -> String {
        let kept = text.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0.isWhitespace) }
        let words = kept.split(whereSeparator: \.isWhitespace).joined(separator: "-")
        let collapsed = words.split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return collapsed
    }

    /// The orchestrator's instructions for a split body: description, preamble and the table of sections.
    private static func splitInstructions(description: String, body: String, sections: [(slug: String, text: String)]) -> String {
        var text = description.isEmpty ? "" : description + "\n\n"
        let preamble = body.hasPrefix("## ") ? "" : (body.components(separatedBy: "\n## ").first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !preamble.isEmpty { text += preamble + "\n\n" }
        text += "## Available sections (use read_skill_file to load):\n"
        for section in sections {
            let heading = section.text.split(separator: "\n", maxSplits: 1).first.map { String($0.dropFirst(3)).trimmingCharacters(in: .whitespaces) } ?? section.slug
            text += "- skill_section:\(section.slug) — \(heading)\n"
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
