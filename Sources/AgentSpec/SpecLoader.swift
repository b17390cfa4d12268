import Foundation
import Workflow
import Yams

/// A spec file that loaded cleanly.
public struct LoadedSpec: Sendable {
    /// The file path as given to the loader.
    public var path: String
    /// The file's text.
    public var source: String
    /// The agent, with `{ref: …}` sub-agents inlined.
    public var config: AgentConfig
    /// The same agent as JSON (what the Agentspan server receives as `agentConfig`).
    public var json: JSONValue
    /// Warnings (problems that do not stop compilation).
    public var warnings: [Diagnostic]
    /// Every file read, the root first (for staleness checks).
    public var files: [String]
}

/// Loads spec files: YAML (or JSON) whose keys are the Agentspan agent-config fields.
public enum SpecLoader {
    /// Reads, validates and decodes the spec at `path`. Every problem is reported in one ``SpecError``.
    public static func load(path: String) throws(SpecError) -> LoadedSpec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SpecError(diagnostics: [Diagnostic(file: path, line: 0, column: 0, message: "cannot read file: \(error.localizedDescription)")])
        }
        return try load(source: text, path: path)
    }

    /// Validates and decodes spec text; `path` names it in diagnostics and anchors relative `ref:` paths.
    public static func load(source: String, path: String) throws(SpecError) -> LoadedSpec {
        var context = LoadContext()
        let json = context.readFile(path: path, text: source, stack: [absolute(path)])
        let errors = context.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let json else {
            throw SpecError(diagnostics: context.diagnostics.isEmpty
                ? [Diagnostic(file: path, line: 0, column: 0, message: "empty spec")] : context.diagnostics)
        }
        do {
            let config = try ValueDecoder.decode(AgentConfig.self, from: json)
            return LoadedSpec(path: path, source: source, config: config, json: json, warnings: context.diagnostics, files: context.files)
        } catch {
            throw SpecError(diagnostics: context.diagnostics + [Diagnostic(file: path, line: 0, column: 0, message: "cannot decode agent: \(error)")])
        }
    }

    /// The YAML (or JSON) text as plain JSON, before any validation (for tools such as schema checks).
    public static func plainJSON(source: String, path: String = "spec.yaml") throws(SpecError) -> JSONValue {
        let reader = SpecReader(source: SpecReader.Source(path: path, text: source)) { _, _ in nil }
        do {
            guard let node = try Yams.compose(yaml: source) else { return .null }
            return reader.plain(node)
        } catch {
            throw SpecError(diagnostics: [Diagnostic(file: path, line: 0, column: 0, message: "invalid YAML: \(error)")])
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// State shared across the files of one load (diagnostics, files read, the `ref:` stack).
private final class RefResolver {
    var context: LoadContext
    init(_ context: LoadContext) { self.context = context }
}

private struct LoadContext {
    var diagnostics: [Diagnostic] = []
    var files: [String] = []

    /// Parses and reads one file; nil when it is not a usable agent.
    mutating func readFile(path: String, text: String, stack: [String]) -> JSONValue? {
        files.append(path)
        let source = SpecReader.Source(path: path, text: text)
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "the spec is empty; expected an agent mapping", sourceLine: source.line(1)))
                return nil
            }
            node = composed
        } catch {
            diagnostics.append(yamlDiagnostic(error, source: source))
            return nil
        }
        let resolver = RefResolver(self)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var reader = SpecReader(source: source) { refPath, mark in
            let target = refPath.hasPrefix("/") ? refPath : directory.appendingPathComponent(refPath).path
            let key = SpecLoader.absolute(target)
            func fail(_ message: String) -> JSONValue? {
                resolver.context.diagnostics.append(Diagnostic(
                    file: path, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message,
                    sourceLine: source.line(mark?.line ?? 0)))
                return nil
            }
            if stack.contains(key) { return fail("'\(refPath)' includes itself (cycle through \(stack.count) file(s))") }
            guard let text = try? String(contentsOfFile: target, encoding: .utf8) else {
                return fail("cannot read sub-agent file '\(refPath)' (looked for \(target))")
            }
            let agent = resolver.context.readFile(path: target, text: text, stack: stack + [key])
            let referencedDirectory = (refPath as NSString).deletingLastPathComponent
            return agent.map { BindingPaths.rebase(agent: $0, by: referencedDirectory) }
        }
        resolver.context = self
        let value = reader.readAgent(node)
        self = resolver.context
        diagnostics += reader.diagnostics
        diagnostics.sort { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
        return value == .null ? nil : value
    }

    private func yamlDiagnostic(_ error: any Error, source: SpecReader.Source) -> Diagnostic {
        func located(_ problem: String, _ mark: Mark) -> Diagnostic {
            Diagnostic(file: source.path, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)",
                       sourceLine: source.line(mark.line))
        }
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return located(problem, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return located("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in mapping", context.mark)
        case .reader(let problem, _, _, _):
            return Diagnostic(file: source.path, line: 0, column: 0, message: "invalid text: \(problem)")
        default:
            return Diagnostic(file: source.path, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }
}
