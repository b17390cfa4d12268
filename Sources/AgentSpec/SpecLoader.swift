import Foundation
import Workflow
import YAMLGuard
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

/// How far a spec's `ref:` sub-agent files may reach.
///
/// By default a `ref:` must name a file inside the directory tree of the top-level spec (after symlinks and `..`
/// are resolved), so a spec from a pull request cannot pull `/etc/shadow` or a CI secret into a diagnostic.
public struct SpecLoadOptions: Sendable, Hashable {
    /// More directories whose trees `ref:` may read (`--allow-ref-outside DIR`).
    public var refRoots: [String]
    /// `ref:` may read any file (`--allow-any-ref`).
    public var allowsAnyRef: Bool

    /// Creates options; the defaults confine `ref:` to the spec's own directory tree.
    public init(refRoots: [String] = [], allowsAnyRef: Bool = false) {
        self.refRoots = refRoots
        self.allowsAnyRef = allowsAnyRef
    }
}

/// Loads spec files: YAML (or JSON) whose keys are the Agentspan agent-config fields.
public enum SpecLoader {
    /// Bounds on every file a spec load reads; the node bound also caps all files of one spec together.
    static let limits = YAMLLimits.standard
    /// Deepest chain of `ref:` files.
    static let maxRefDepth = 32

    /// Reads, validates and decodes the spec at `path`. Every problem is reported in one ``SpecError``.
    public static func load(path: String, options: SpecLoadOptions = SpecLoadOptions()) throws(SpecError) -> LoadedSpec {
        let text: String
        switch readText(path) {
        case .success(let read): text = read
        case .failure(let problem): throw SpecError(diagnostics: [problem.diagnostic(file: path)])
        }
        return try load(source: text, path: path, options: options)
    }

    /// Validates and decodes spec text; `path` names it in diagnostics and anchors relative `ref:` paths (and the
    /// directory tree `ref:` is confined to).
    public static func load(source: String, path: String, options: SpecLoadOptions = SpecLoadOptions()) throws(SpecError) -> LoadedSpec {
        let directory = resolved(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        var context = LoadContext(
            refRoots: options.allowsAnyRef ? nil : [directory] + options.refRoots.map(resolved), specDirectory: directory)
        let json = context.readFile(path: path, text: source, stack: [resolved(path)])
        context.diagnostics.sort { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
        let errors = context.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let json else {
            throw SpecError(diagnostics: context.diagnostics.isEmpty
                ? [Diagnostic(file: path, line: 0, column: 0, message: "empty spec")] : context.diagnostics)
        }
        do {
            let config = try ValueDecoder.decode(AgentConfig.self, from: json)
            return LoadedSpec(path: path, source: source, config: config, json: json, warnings: context.diagnostics, files: context.files)
        } catch {
            throw SpecError(diagnostics: context.diagnostics + [
                Diagnostic(file: path, line: 0, column: 0, message: "cannot decode agent: \(describe(error))"),
            ])
        }
    }

    /// The YAML (or JSON) text as plain JSON, before any validation (for tools such as schema checks).
    public static func plainJSON(source: String, path: String = "spec.yaml") throws(SpecError) -> JSONValue {
        let reader = SpecReader(source: SpecReader.Source(path: path, text: source)) { _, _ in nil }
        do {
            try YAMLGuard.check(source, limits: limits)
        } catch {
            throw SpecError(diagnostics: [error.diagnostic(file: path, source: reader.source)])
        }
        do {
            guard let node = try Yams.compose(yaml: source) else { return .null }
            return reader.plain(node)
        } catch {
            throw SpecError(diagnostics: [yamlDiagnostic(error, file: path)])
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `path` with symlinks and `..` resolved; for a missing file, its directory resolved and the name kept.
    static func resolved(_ path: String) -> String {
        let absolute = absolute(path)
        if let real = realPath(absolute) { return real }
        let url = URL(fileURLWithPath: absolute)
        guard let parent = realPath(url.deletingLastPathComponent().path) else { return absolute }
        return (parent == "/" ? "" : parent) + "/" + url.lastPathComponent
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Whether the resolved `path` is `root` or inside its tree.
    static func isInside(_ path: String, root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    /// A file's text: at most `limits.maxBytes` are read (so `/dev/zero` is refused, not read forever), and bytes
    /// that are not UTF-8 are located.
    static func readText(_ path: String) -> Result<String, YAMLGuardProblem> {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            return .failure(.unreadable("cannot read file: \(reason)"))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limits.maxBytes + 1) ?? Data()
            return .success(try YAMLGuard.decode(data, limits: limits))
        } catch let problem as YAMLGuardProblem {
            return .failure(problem)
        } catch {
            return .failure(.unreadable("cannot read file: \(error.localizedDescription)"))
        }
    }

    /// A composer error as a located diagnostic. The file did not parse, so no line of it is quoted (it may not be
    /// YAML at all).
    static func yamlDiagnostic(_ error: any Error, file: String) -> Diagnostic {
        func located(_ problem: String, _ mark: Mark) -> Diagnostic {
            Diagnostic(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        }
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return located(problem, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return located("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in mapping", context.mark)
        case .reader(let problem, let offset, _, _):
            return Diagnostic(file: file, line: 0, column: 0, message: "invalid text: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return Diagnostic(file: file, line: 0, column: 0, message: "invalid YAML")
        }
    }

    /// A decoding error as a sentence naming the key path.
    public static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "'\(path(context.codingPath))': \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "'\(path(context.codingPath + [key]))' is missing"
        default:
            return "the agent does not have the expected shape"
        }
    }
}

extension YAMLGuardProblem {
    static func unreadable(_ message: String) -> YAMLGuardProblem {
        YAMLGuardProblem(kind: .notText, line: 0, column: 0, message: message)
    }

    /// The problem as a diagnostic; the offending line is shown only when the file is text.
    func diagnostic(file: String, source: SpecReader.Source? = nil) -> Diagnostic {
        let quoted = showsSource ? source : nil
        return Diagnostic(
            file: file, line: line, column: column, message: message, sourceLine: quoted?.line(line),
            notes: note.map { [Diagnostic.Note(line: $0.line, column: $0.column, message: $0.message, sourceLine: quoted?.line($0.line))] } ?? [])
    }
}

/// State shared across the files of one load (diagnostics, files read, the `ref:` stack).
private final class RefResolver {
    var context: LoadContext
    init(_ context: LoadContext) { self.context = context }
}

private struct LoadContext {
    /// Resolved directories `ref:` may read from; nil: anywhere.
    var refRoots: [String]?
    /// The top-level spec's resolved directory, which source maps name files relative to.
    var specDirectory: String
    var diagnostics: [Diagnostic] = []
    var files: [String] = []
    /// Nodes read so far over all files, against the one budget of ``SpecLoader/limits``.
    var nodes = 0
    /// The budget ran out (reported once; later refs fail silently).
    var budgetExhausted = false

    init(refRoots: [String]?, specDirectory: String) {
        self.refRoots = refRoots
        self.specDirectory = specDirectory
    }

    /// How a source map names `path`: relative to the spec's directory when inside it, else absolute.
    func locationFile(_ path: String) -> String {
        let file = SpecLoader.resolved(path)
        guard SpecLoader.isInside(file, root: specDirectory), file != specDirectory else { return file }
        return String(file.dropFirst(specDirectory == "/" ? 1 : specDirectory.count + 1))
    }

    /// An agent key, an `x-` or merge key, or a near miss of an agent key (which gets a "did you mean").
    static func looksLikeAgentKey(_ key: String?) -> Bool {
        guard let key else { return false }
        let fields = SpecSchema.agent.fields.map(\.name)
        return fields.contains(key) || key.hasPrefix("x-") || key == "<<" || Suggestion.closest(to: key, in: fields) != nil
    }

    /// Parses and reads one file; nil when it is not a usable agent. `stack` holds the resolved paths of the files
    /// that include this one, itself last.
    mutating func readFile(path: String, text: String, stack: [String]) -> JSONValue? {
        files.append(path)
        let source = SpecReader.Source(path: path, text: text)
        let document: YAMLGuard.Document
        do {
            var budget = SpecLoader.limits
            budget.maxNodes = max(budget.maxNodes - nodes, 0)
            document = try YAMLGuard.compose(text, limits: budget)
            nodes += document.nodes
        } catch {
            var problem = error
            if problem.kind == .tooManyNodes, nodes > 0 {
                // One budget covers the spec and its sub-agent files, so a fan of small refs cannot multiply either.
                if budgetExhausted { return nil }
                budgetExhausted = true
                problem.message = "the spec and its sub-agent files together have more than \(SpecLoader.limits.maxNodes) "
                    + "nodes (each ref: counts every time it is used)"
            }
            diagnostics.append(problem.diagnostic(file: path, source: source))
            return nil
        }
        let node: Node
        switch document.root {
        case .success(let composed?):
            node = composed
        case .success(nil):
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "the spec is empty; expected an agent mapping"))
            return nil
        case .failure(let error):
            diagnostics.append(SpecLoader.yamlDiagnostic(error, file: path))
            return nil
        }
        // Not an agent, perhaps not a spec at all (a ref: to a password file reads as a mapping of odd keys): its
        // content is not repeated.
        guard case .mapping(let mapping) = node else {
            diagnostics.append(Diagnostic(
                file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                message: "agent must be a mapping, found \(SpecReader.kind(of: node))"))
            return nil
        }
        if !mapping.isEmpty, !mapping.keys.contains(where: { Self.looksLikeAgentKey($0.string) }) {
            diagnostics.append(Diagnostic(
                file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                message: "not an agent spec: none of its \(mapping.count) top-level keys is an agent key "
                    + "(name, model, instructions, tools, agents, …); its content is not shown"))
            return nil
        }
        let resolver = RefResolver(self)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var reader = SpecReader(source: source) { refPath, mark in
            let target = refPath.hasPrefix("/") ? refPath : directory.appendingPathComponent(refPath).path
            let key = SpecLoader.resolved(target)
            func fail(_ message: String) -> JSONValue? {
                resolver.context.diagnostics.append(Diagnostic(
                    file: path, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message,
                    sourceLine: source.line(mark?.line ?? 0)))
                return nil
            }
            if let roots = resolver.context.refRoots, !roots.contains(where: { SpecLoader.isInside(key, root: $0) }) {
                return fail("'\(refPath)' is outside the spec's directory (\(roots[0])); sub-agent files must be in "
                    + "its tree (allow more with --allow-ref-outside DIR or --allow-any-ref)")
            }
            if stack.contains(key) { return fail("'\(refPath)' includes itself (cycle through \(stack.count) file(s))") }
            if stack.count > SpecLoader.maxRefDepth {
                return fail("'\(refPath)' nests sub-agent files more than \(SpecLoader.maxRefDepth) deep")
            }
            // Only regular files: opening a FIFO or a device would block or never end.
            let type = (try? FileManager.default.attributesOfItem(atPath: key))?[.type] as? FileAttributeType
            guard type == .typeRegular else {
                return fail("cannot read sub-agent file '\(refPath)' (looked for \(target))"
                    + (type == nil ? "" : "; it is not a regular file"))
            }
            let text: String
            switch SpecLoader.readText(target) {
            case .success(let read): text = read
            case .failure(let problem) where problem.line == 0:
                return fail("cannot read sub-agent file '\(refPath)' (looked for \(target))")
            case .failure(let problem):
                resolver.context.files.append(target)
                resolver.context.diagnostics.append(problem.diagnostic(file: target))
                return nil
            }
            let agent = resolver.context.readFile(path: target, text: text, stack: stack + [key])
            let referencedDirectory = (refPath as NSString).deletingLastPathComponent
            return agent.map { BindingPaths.rebase(agent: $0, by: referencedDirectory) }
        }
        reader.locationFile = locationFile(path)
        resolver.context = self
        let value = reader.readAgent(node)
        self = resolver.context
        diagnostics += reader.diagnostics
        return value == .null ? nil : value
    }
}
