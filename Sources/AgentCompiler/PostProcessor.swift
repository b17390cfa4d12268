import Workflow

/// Post-processing applied to every compiled workflow (§2.4, §2.6): task names and unique references.
enum PostProcessor {
    static func finish(_ def: inout WorkflowDef) {
        var seen: [String: Int] = [:]
        var renames: [(old: String, new: String)] = []
        def.tasks = def.tasks.map { walk($0, seen: &seen, renames: &renames) }
        guard !renames.isEmpty else { return }
        def.tasks = def.tasks.map { rewrite($0, renames) }
        def.outputParameters = def.outputParameters?.mapValues { rewrite($0, renames) }
    }

    /// Fixes names and renames repeated refs (`ref_2`, `ref_3`, …) in task order; inline sub-workflows were
    /// finished when they were compiled and are their own namespace.
    private static func walk(_ task: WorkflowTask, seen: inout [String: Int], renames: inout [(old: String, new: String)]) -> WorkflowTask {
        var t = task
        if t.type == "LLM_CHAT_COMPLETE" { t.name = "llm_chat_complete" } else if t.name.isEmpty { t.name = t.taskReferenceName }
        let count = (seen[t.taskReferenceName] ?? 0) + 1
        seen[t.taskReferenceName] = count
        if count > 1 {
            var candidate = "\(t.taskReferenceName)_\(count)"
            while seen[candidate] != nil { candidate += "_" }
            seen[candidate] = 1
            renames.append((t.taskReferenceName, candidate))
            t.taskReferenceName = candidate
        }
        t.loopOver = t.loopOver?.map { walk($0, seen: &seen, renames: &renames) }
        if let cases = t.decisionCases {
            var out: [String: [WorkflowTask]] = [:]
            for key in cases.keys.sorted() { out[key] = cases[key]!.map { walk($0, seen: &seen, renames: &renames) } }
            t.decisionCases = out
        }
        t.defaultCase = t.defaultCase?.map { walk($0, seen: &seen, renames: &renames) }
        t.forkTasks = t.forkTasks?.map { $0.map { walk($0, seen: &seen, renames: &renames) } }
        return t
    }

    private static func rewrite(_ task: WorkflowTask, _ renames: [(old: String, new: String)]) -> WorkflowTask {
        var t = task
        t.inputParameters = t.inputParameters.mapValues { rewrite($0, renames) }
        if let expression = t.expression { t.expression = rewrite(expression, renames) }
        t.loopOver = t.loopOver?.map { rewrite($0, renames) }
        t.decisionCases = t.decisionCases?.mapValues { $0.map { rewrite($0, renames) } }
        t.defaultCase = t.defaultCase?.map { rewrite($0, renames) }
        t.forkTasks = t.forkTasks?.map { $0.map { rewrite($0, renames) } }
        return t
    }

    private static func rewrite(_ value: JSONValue, _ renames: [(old: String, new: String)]) -> JSONValue {
        switch value {
        case .string(let text): return .string(rewrite(text, renames))
        case .array(let items): return .array(items.map { rewrite($0, renames) })
        case .object(let object): return .object(object.mapValues { rewrite($0, renames) })
        default: return value
        }
    }

    private static func rewrite(_ text: String, _ renames: [(old: String, new: String)]) -> String {
        guard text.contains("${") else { return text }
        var out = text
        for (old, new) in renames {
            out = out.replacingAll("${\(old).", with: "${\(new).").replacingAll("${\(old)}", with: "${\(new)}")
        }
        return out
    }
}
