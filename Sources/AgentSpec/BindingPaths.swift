import Workflow

/// Keeps the relative paths of `run:` bindings meaning what their author wrote when a sub-agent file is pulled
/// in with `ref:`.
///
/// A binding's relative paths (`command[0]` when it names a path, `plugin`, `cwd`) are relative to the file
/// the binding is written in, and the worker resolves them against the root spec's directory. So when a file
/// in another directory is inlined, its bindings are rebased by that directory (as written in the `ref:`), and
/// a binding without `cwd` gets the referenced file's directory as its working directory. The result stays
/// relative, so compiled output and plans do not depend on where the checkout lives.
enum BindingPaths {
    /// Rebases every binding in `agent` (a JSON agent config, sub-agents included) by `directory`, the
    /// referenced file's directory relative to the including file's (or absolute).
    static func rebase(agent: JSONValue, by directory: String) -> JSONValue {
        guard !directory.isEmpty, directory != "." else { return agent }
        return rebase(agent, schema: SpecSchema.agent, by: directory)
    }

    private static func rebase(_ value: JSONValue, schema: ObjectSchema, by directory: String) -> JSONValue {
        guard case .object(var object) = value else { return value }
        for field in schema.fields {
            guard let child = object[field.name] else { continue }
            object[field.name] = rebase(child, type: field.type, by: directory)
        }
        return .object(object)
    }

    private static func rebase(_ value: JSONValue, type: SchemaType, by directory: String) -> JSONValue {
        switch type {
        case .object(let schema) where schema.kind == SpecSchema.toolBinding.kind:
            return rebaseBinding(value, by: directory)
        case .object(let schema):
            return rebase(value, schema: schema, by: directory)
        case .array(let element):
            guard case .array(let items) = value else { return value }
            return .array(items.map { rebase($0, type: element, by: directory) })
        case .agent:
            return rebase(value, schema: SpecSchema.agent, by: directory)
        case .router:
            // `{taskName, run}` for a worker router, otherwise an agent config.
            if case .object(let object) = value, object["taskName"] != nil {
                return rebase(value, schema: SpecSchema.workerRef, by: directory)
            }
            return rebase(value, schema: SpecSchema.agent, by: directory)
        default:
            return value
        }
    }

    private static func rebaseBinding(_ value: JSONValue, by directory: String) -> JSONValue {
        guard case .object(var binding) = value else { return value }
        if case .string(let plugin) = binding["plugin"] {
            binding["plugin"] = .string(join(directory, plugin))
        }
        if binding["shell"] != .bool(true), case .array(var command) = binding["command"],
           case .string(let program) = command.first, program.contains("/") {
            command[0] = .string(join(directory, program))
            binding["command"] = .array(command)
        }
        if case .string(let cwd) = binding["cwd"] {
            binding["cwd"] = .string(join(directory, cwd))
        } else if binding["cwd"] == nil {
            binding["cwd"] = .string(directory)
        }
        return .object(binding)
    }

    /// `directory/path` for a relative `path` (without a leading `./`); an absolute path unchanged.
    static func join(_ directory: String, _ path: String) -> String {
        if path.hasPrefix("/") || path.hasPrefix("~") || path.hasPrefix("${") { return path }
        var rest = Substring(path)
        while rest.hasPrefix("./") { rest = rest.dropFirst(2) }
        if rest.isEmpty || rest == "." { return directory }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return base + "/" + rest
    }
}
