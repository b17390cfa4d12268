import Workflow

/// Where each task configuration of a definition sits, for computing "the next task" (conductor.md §5.2).
struct DefinitionIndex {
    enum Container {
        case top
        case switchCase(parent: String)
        case forkBranch(parent: String)
        case loopBody(parent: String)
    }

    struct Location {
        var container: Container
        var list: [WorkflowTask]
        var position: Int
    }

    private(set) var locations: [String: Location] = [:]

    init(_ definition: WorkflowDef) {
        add(definition.tasks, container: .top)
    }

    private mutating func add(_ list: [WorkflowTask], container: Container) {
        for (i, task) in list.enumerated() {
            locations[task.taskReferenceName] = Location(container: container, list: list, position: i)
            for (_, caseTasks) in task.decisionCases ?? [:] {
                add(caseTasks, container: .switchCase(parent: task.taskReferenceName))
            }
            if let defaultCase = task.defaultCase {
                add(defaultCase, container: .switchCase(parent: task.taskReferenceName))
            }
            for branch in task.forkTasks ?? [] {
                add(branch, container: .forkBranch(parent: task.taskReferenceName))
            }
            if let body = task.loopOver {
                add(body, container: .loopBody(parent: task.taskReferenceName))
            }
        }
    }

    func task(_ ref: String) -> WorkflowTask? {
        guard let l = locations[ref] else { return nil }
        return l.list[l.position]
    }

    /// The configuration that follows `ref` in sequence, leaving SWITCH cases; nil at the end of the workflow,
    /// of a fork branch (the JOIN already exists) or of a loop body (the DO_WHILE decides).
    func next(after ref: String) -> WorkflowTask? {
        guard let l = locations[ref] else { return nil }
        if l.position + 1 < l.list.count { return l.list[l.position + 1] }
        switch l.container {
        case .switchCase(let parent): return next(after: parent)
        case .top, .forkBranch, .loopBody: return nil
        }
    }

    /// Every reference name inside a DO_WHILE body, recursively.
    func bodyRefs(of loop: WorkflowTask) -> Set<String> {
        var refs: Set<String> = []
        func walk(_ list: [WorkflowTask]) {
            for t in list {
                refs.insert(t.taskReferenceName)
                for (_, c) in t.decisionCases ?? [:] { walk(c) }
                walk(t.defaultCase ?? [])
                for b in t.forkTasks ?? [] { walk(b) }
                walk(t.loopOver ?? [])
            }
        }
        walk(loop.loopOver ?? [])
        return refs
    }
}
