import AgentSpec
import Foundation
import Workflow

/// LangGraph graph structures (`metadata._graph_structure`, §17.2): the graph is walked from `__start__` and every
/// node becomes the tasks of its kind, each taking the graph state and producing `{state, result}`:
/// - a plain node: one SIMPLE task of its `_worker_ref` (the SDK's node worker);
/// - an LLM node: prep worker → SWITCH on `_skip_llm` (the prep's own answer, or LLM_CHAT_COMPLETE → finish worker)
///   → INLINE `_llm_out_<node>`;
/// - a subgraph node: the same with a SUB_WORKFLOW of the compiled subgraph in place of the LLM call;
/// - a human node: the HUMAN pipeline `human_<node>` whose answer's fields are merged into the state.
///
/// Plain edges to several nodes fork (FORK_JOIN, JOIN, INLINE merge of the branch states, up to the first node every
/// branch reaches); a conditional edge runs its router worker and a SWITCH on the router's `decision` (with an INLINE
/// `_coalesce_<node>` picking the chosen branch's state); a conditional edge back to a node already run is a
/// DO_WHILE `_loop_<node>` around the nodes from there, bounded by `_recursion_limit`.
struct GraphWorkflow {
    let compiler: AgentCompiler
    let agent: AgentUnit
    let graph: JSONValue

    /// Where the walk stands: the expressions of the current state and result.
    struct Position {
        var state: JSONValue
        var result: JSONValue
    }

    private enum Kind {
        case plain
        case llm(prep: String, finish: String)
        case human(prompt: String?)
        case subgraph(prep: String, finish: String)
    }

    private struct Node {
        var name: String
        var worker: String
        var kind: Kind
    }

    private struct Route {
        var router: String
        /// `(decision, target node)`, sorted by decision.
        var targets: [(decision: String, target: String)]
        /// The router returns `Send`s: a dynamic fork over its targets.
        var dynamic = false
    }

    func compile() throws(CompileError) -> WorkflowDef {
        var walk = try Walk(compiler: compiler, agent: agent, graph: graph)
        guard let first = walk.adjacency["__start__"], !first.isEmpty else {
            throw CompileError("Graph agent '\(agent.x)': no edge from __start__")
        }
        let isSubgraph = graph["_is_subgraph"].boolValue == true
        let start = Position(state: isSubgraph ? "${workflow.input.state}" : walk.initialState, result: .null)
        let (tasks, end, _) = try walk.chain(from: nil, next: first, until: nil, at: start, path: [])
        guard !tasks.isEmpty else { throw CompileError("Graph agent '\(agent.x)': no node runs between __start__ and __end__") }
        var outputs: [String: JSONValue] = ["result": end.result]
        var inputs = ["prompt", "session_id", "media", "cwd", "context", "__agentspan_ctx__"]
        if isSubgraph {
            outputs["state"] = end.state
            inputs.append("state")
        }
        var def = WorkflowDef(
            name: agent.x, version: 1, tasks: tasks, inputParameters: inputs, outputParameters: outputs, schemaVersion: 2,
            restartable: true, timeoutPolicy: "ALERT_ONLY", timeoutSeconds: 0)
        var metadata = agent.config.metadata ?? [:]
        metadata["_graph_workflow"] = true
        if let model = agent.config.model { metadata["model"] = .string(model) }
        def.metadata = metadata
        return def
    }

    /// The walk over one graph: its parsed nodes and edges, and the task references given out so far.
    private struct Walk {
        let compiler: AgentCompiler
        let agent: AgentUnit
        let nodes: [String: Node]
        let adjacency: [String: [String]]
        let routes: [String: Route]
        let initialState: JSONValue
        let recursionLimit: Int
        let addFields: [String]
        let retryPolicies: [String: JSONValue]
        let subgraphs: [String: JSONValue]
        var refs: Set<String> = []

        init(compiler: AgentCompiler, agent: AgentUnit, graph: JSONValue) throws(CompileError) {
            self.compiler = compiler
            self.agent = agent
            let x = agent.x
            var nodes: [String: Node] = [:]
            for node in graph["nodes"].arrayValue ?? [] {
                guard let name = node["name"].stringValue, let worker = node["_worker_ref"].stringValue, !worker.isEmpty else {
                    throw CompileError("Graph agent '\(x)': every node needs a name and a _worker_ref")
                }
                var kind = Kind.plain
                if node["_llm_node"].boolValue == true {
                    guard let prep = node["_llm_prep_ref"].stringValue, let finish = node["_llm_finish_ref"].stringValue else {
                        throw CompileError("Graph agent '\(x)': LLM node '\(name)' needs _llm_prep_ref and _llm_finish_ref")
                    }
                    kind = .llm(prep: prep, finish: finish)
                } else if node["_subgraph_node"].boolValue == true {
                    guard let prep = node["_subgraph_prep_ref"].stringValue, let finish = node["_subgraph_finish_ref"].stringValue else {
                        throw CompileError("Graph agent '\(x)': subgraph node '\(name)' needs _subgraph_prep_ref and _subgraph_finish_ref")
                    }
                    kind = .subgraph(prep: prep, finish: finish)
                } else if node["_human_node"].boolValue == true {
                    kind = .human(prompt: node["_human_prompt"].stringValue)
                }
                nodes[name] = Node(name: name, worker: worker, kind: kind)
            }
            var adjacency: [String: [String]] = [:]
            for edge in graph["edges"].arrayValue ?? [] {
                guard let source = edge["source"].stringValue, let target = edge["target"].stringValue else {
                    throw CompileError("Graph agent '\(x)': every edge needs a source and a target")
                }
                guard target == "__end__" || nodes[target] != nil else {
                    throw CompileError("Graph agent '\(x)': edge from '\(source)' goes to unknown node '\(target)'")
                }
                if !(adjacency[source] ?? []).contains(target) { adjacency[source, default: []].append(target) }
            }
            // The SDK serialises edges from a set: sorted, the workflow is the same for the same graph.
            for key in adjacency.keys { adjacency[key]?.sort() }
            var routes: [String: Route] = [:]
            for edge in graph["conditional_edges"].arrayValue ?? [] {
                guard let source = edge["source"].stringValue, let router = edge["_router_ref"].stringValue,
                    let targets = edge["targets"].objectValue, !targets.isEmpty
                else {
                    throw CompileError("Graph agent '\(x)': every conditional edge needs a source, a _router_ref and targets")
                }
                var pairs: [(decision: String, target: String)] = []
                for (decision, target) in targets.sorted(by: { $0.key < $1.key }) {
                    guard let name = target.stringValue, name == "__end__" || nodes[name] != nil else {
                        throw CompileError("Graph agent '\(x)': the conditional edge from '\(source)' goes to unknown node '\(target.stringValue ?? "")'")
                    }
                    pairs.append((decision, name))
                }
                routes[source] = Route(router: router, targets: pairs, dynamic: edge["_dynamic_fanout"].boolValue == true)
            }
            self.nodes = nodes
            self.adjacency = adjacency
            self.routes = routes
            let messages = graph["_input_is_messages"].boolValue == true
            let inputKey = graph["input_key"].stringValue ?? (messages ? "messages" : "request")
            initialState =
                messages || inputKey == "messages"
                ? .object([inputKey: [["role": "user", "content": "${workflow.input.prompt}"]]])
                : .object([inputKey: "${workflow.input.prompt}"])
            let metadata = agent.config.metadata ?? [:]
            recursionLimit = metadata["_recursion_limit"]?.intValue ?? 25
            addFields = (metadata["_reducers"]?.objectValue ?? [:]).filter {
                ["add", "operator.add", "concat"].contains($0.value.stringValue ?? "")
            }.keys.sorted()
            retryPolicies = metadata["_retry_policies"]?.objectValue ?? [:]
            subgraphs = metadata["_subgraph_configs"]?.objectValue ?? [:]
        }

        /// `desired`, or `desired_2`, `desired_3` … when taken.
        mutating func alloc(_ desired: String) -> String {
            if refs.insert(desired).inserted { return desired }
            var n = 2
            while !refs.insert("\(desired)_\(n)").inserted { n += 1 }
            return "\(desired)_\(n)"
        }

        /// The tasks of the nodes from `next` along the edges until `stop` (a join point), `__end__`, or a node
        /// with no edge out; `path` holds the nodes already run on the way here. A plain edge back to a node of
        /// `path` outside this chain ends it with `backTo` set: the conditional edge whose branch this is loops.
        /// `from` names the node whose edges lead to `next`, for messages.
        mutating func chain(
            from: String?, next: [String], until stop: String?, at start: Position, path: [String]
        ) throws(CompileError) -> (tasks: [WorkflowTask], end: Position, backTo: String?) {
            var tasks: [WorkflowTask] = []
            var position = start
            var path = path
            /// Where each node of this chain starts in `tasks`, and the position it started from (for loops).
            var starts: [String: (index: Int, entry: Position)] = [:]
            var targets = next
            var source = from
            while !targets.isEmpty {
                if targets.count > 1 {
                    let (forked, after, join) = try fork(from: source, targets: targets, until: stop, at: position, path: path)
                    tasks += forked
                    position = after
                    guard let join else { break }
                    targets = [join]
                    continue
                }
                let name = targets[0]
                if name == "__end__" || name == stop { break }
                guard let node = nodes[name] else {
                    throw CompileError("Graph agent '\(agent.x)': edge from '\(source ?? "__start__")' goes to unknown node '\(name)'")
                }
                if path.contains(name) {
                    if starts[name] == nil { return (tasks, position, name) }
                    throw CompileError(
                        "Graph agent '\(agent.x)': the plain edge from '\(source ?? "__start__")' back to '\(name)' loops forever; a loop needs a conditional edge that can leave it")
                }
                starts[name] = (tasks.count, position)
                path.append(name)
                let (nodeTasks, nodeEnd) = try emit(node, at: position)
                tasks += nodeTasks
                position = nodeEnd
                source = name
                guard let route = routes[name] else {
                    targets = adjacency[name] ?? []
                    continue
                }
                if route.dynamic {
                    let (forked, after, next) = try send(from: name, route: route, at: position)
                    tasks += forked
                    position = after
                    targets = next
                    continue
                }
                // Each decision goes back to a node of this chain (directly, or through a branch of plain edges),
                // leaves the loop, or ends the graph.
                var head: String?
                var again: [String] = []
                var through: [(decision: String, target: String)] = []
                var exits: [(decision: String, target: String)] = []
                for (decision, target) in route.targets {
                    var back: String?
                    if starts[target] != nil {
                        back = target
                    } else if target != "__end__", let loop = loopsBack(from: target, path: path) {
                        back = loop
                        through.append((decision, target))
                    }
                    guard let back else {
                        exits.append((decision, target))
                        continue
                    }
                    guard starts[back] != nil else {
                        throw CompileError(
                            "Graph agent '\(agent.x)': the conditional edge from '\(name)' loops back to '\(back)' from inside a branch, which is not supported")
                    }
                    guard head == nil || head == back else {
                        throw CompileError("Graph agent '\(agent.x)': the conditional edge from '\(name)' loops back to two different nodes, which is not supported")
                    }
                    head = back
                    again.append(decision)
                }
                let routerRef = alloc(route.router)
                let router = WorkflowTask.simple(route.router, ref: routerRef, ["state": position.state])
                let routed = Position(state: expr("\(routerRef).output.state"), result: position.result)
                if let head, let entry = starts[head] {
                    guard !exits.isEmpty else {
                        throw CompileError("Graph agent '\(agent.x)': the loop from '\(name)' back to '\(head)' has no way out")
                    }
                    let bridgeRef = alloc("_loop_bridge_\(head)")
                    var body = tasks[entry.index...].map { $0.replacing(entry.entry.state, with: expr("\(bridgeRef).output.result.state")) }
                    tasks.removeSubrange(entry.index...)
                    body.append(router)
                    var loopEnd = routed.state
                    if !through.isEmpty {
                        let (switched, after, _) = try branch(name, routerRef: routerRef, targets: through, until: stop, at: routed, path: path)
                        body += switched
                        loopEnd = after.state
                    }
                    body.insert(
                        .inline(bridgeRef, Scripts.graphLoopBridge, ["loop_state": loopEnd, "pre_loop_state": entry.entry.state]), at: 0)
                    let loopRef = alloc("_loop_\(name)")
                    let decisions = again.map { "$.\(routerRef)['decision'] == \(Scripts.literal($0))" }.joined(separator: " || ")
                    let condition = "if ( $.\(loopRef)['iteration'] < \(recursionLimit) && (\(decisions)) ) { true; } else { false; }"
                    tasks.append(.doWhile(loopRef, condition: condition, inputs: [loopRef: expr(loopRef)], body: body))
                } else {
                    tasks.append(router)
                }
                position = routed
                let ends = Set(exits.map { $0.target })
                if ends == ["__end__"] { break }
                if ends.count == 1 {
                    targets = [exits[0].target]
                    continue
                }
                let (switched, after, join) = try branch(name, routerRef: routerRef, targets: exits, until: stop, at: routed, path: path)
                tasks += switched
                position = after
                guard let join else { break }
                targets = [join]
            }
            return (tasks, position, nil)
        }

        /// A router that fans out with `Send`: the router, an INLINE turning its `Send`s into tasks, FORK_JOIN_DYNAMIC,
        /// JOIN and the merge of what the branches changed; returns the nodes after the targets.
        private mutating func send(
            from name: String, route: Route, at position: Position
        ) throws(CompileError) -> ([WorkflowTask], Position, [String]) {
            var workers: [String: String] = [:]
            var next: [String] = []
            for target in Set(route.targets.map { $0.target }).sorted() where target != "__end__" {
                guard let node = nodes[target], case .plain = node.kind else {
                    throw CompileError("Graph agent '\(agent.x)': the router of '\(name)' sends to '\(target)', which is not a plain node")
                }
                workers[target] = node.worker
                for after in adjacency[target] ?? [] where !next.contains(after) { next.append(after) }
            }
            let routerRef = alloc(route.router)
            let enrichRef = alloc("_dyn_enrich_\(name)"), forkRef = alloc("_dyn_fork_\(name)")
            let joinRef = alloc("_dyn_join_\(name)"), mergeRef = alloc("_dyn_merge_\(name)")
            let tasks: [WorkflowTask] = [
                .simple(route.router, ref: routerRef, ["state": position.state]),
                .inline(enrichRef, Scripts.graphSendEnrich(workers: workers), ["dynamic_tasks": expr("\(routerRef).output.dynamic_tasks")]),
                WorkflowTask(
                    name: "FORK_JOIN_DYNAMIC", taskReferenceName: forkRef, type: "FORK_JOIN_DYNAMIC",
                    inputParameters: [
                        "dynamicTasks": expr("\(enrichRef).output.result.dynamicTasks"),
                        "dynamicTasksInputs": expr("\(enrichRef).output.result.dynamicTasksInputs"),
                    ],
                    dynamicForkTasksParam: "dynamicTasks", dynamicForkTasksInputParamName: "dynamicTasksInputs"),
                WorkflowTask(name: "JOIN", taskReferenceName: joinRef, type: "JOIN"),
                .inline(mergeRef, Scripts.graphSendMerge(addFields: addFields), [
                    "joinOutput": expr("\(joinRef).output"), "parentState": expr("\(routerRef).output.state"),
                    "tasks": expr("\(enrichRef).output.result.dynamicTasks"),
                ]),
            ]
            let after = Position(state: expr("\(mergeRef).output.result.state"), result: expr("\(mergeRef).output.result.result"))
            return (tasks, after, next.filter { $0 != "__end__" })
        }

        /// The node of `path` that plain edges from `target` lead back to (through nodes without conditional edges
        /// or fan-out), if any.
        private func loopsBack(from target: String, path: [String]) -> String? {
            var node = target
            var seen: Set<String> = []
            while seen.insert(node).inserted {
                if path.contains(node) { return node }
                guard routes[node] == nil, let next = adjacency[node], next.count == 1 else { return nil }
                node = next[0]
            }
            return nil
        }

        /// Parallel branches from `targets`: FORK_JOIN, JOIN and the merge of their states; returns the node they
        /// meet at (nil when they run to the end).
        private mutating func fork(
            from source: String?, targets: [String], until stop: String?, at position: Position, path: [String]
        ) throws(CompileError) -> ([WorkflowTask], Position, String?) {
            let suffix = source.map { "_\($0)" } ?? ""
            if targets.contains("__end__") {
                throw CompileError("Graph agent '\(agent.x)': '\(source ?? "__start__")' has edges both to __end__ and to other nodes, which is not supported")
            }
            let join = joinPoint(of: targets, stop: stop, path: path)
            var branches: [[WorkflowTask]] = []
            var states: [JSONValue] = []
            for target in targets {
                let (tasks, end, back) = try chain(from: source, next: [target], until: join ?? stop, at: position, path: path)
                if let back {
                    throw CompileError("Graph agent '\(agent.x)': a parallel branch from '\(source ?? "__start__")' loops back to '\(back)', which is not supported")
                }
                guard !tasks.isEmpty else { continue }
                branches.append(tasks)
                states.append(end.state)
            }
            let forkRef = alloc("_fork\(suffix)")
            let joinRef = alloc("_join\(suffix)")
            let mergeRef = alloc("_fork_merge\(suffix)")
            let last = branches.map { $0.last!.taskReferenceName }
            var mergeInputs: [String: JSONValue] = ["base": position.state]
            for (i, state) in states.enumerated() { mergeInputs["b\(i)"] = state }
            let tasks: [WorkflowTask] = [
                WorkflowTask(name: forkRef, taskReferenceName: forkRef, type: "FORK_JOIN", forkTasks: branches, joinOn: last),
                WorkflowTask(name: joinRef, taskReferenceName: joinRef, type: "JOIN", joinOn: last),
                .inline(mergeRef, Scripts.graphForkMerge(branches: states.count, addFields: addFields), mergeInputs),
            ]
            return (tasks, Position(state: expr("\(mergeRef).output.result.state"), result: expr("\(mergeRef).output.result.result")), join)
        }

        /// The SWITCH of a conditional edge on the router's decision, one case per decision that leads somewhere, and
        /// the INLINE that picks the chosen case's state; returns the node every case meets at (nil when a decision
        /// ends the graph or the cases never meet: then each case runs to the end).
        private mutating func branch(
            _ name: String, routerRef: String, targets: [(decision: String, target: String)], until stop: String?,
            at position: Position, path: [String]
        ) throws(CompileError) -> ([WorkflowTask], Position, String?) {
            let nodesOut = targets.map { $0.target }.filter { $0 != "__end__" }
            let join = targets.contains { $0.target == "__end__" } ? nil : joinPoint(of: Array(Set(nodesOut)).sorted(), stop: stop, path: path)
            let switchRef = alloc("_route_\(name)")
            let coalesceRef = alloc("_coalesce_\(name)")
            var cases: [String: [WorkflowTask]] = [:]
            var indices: [String: Int] = [:]
            var inputs: [String: JSONValue] = [
                "decision": expr("\(routerRef).output.decision"), "s_pre": position.state, "r_pre": position.result,
            ]
            for (decision, target) in targets where target != "__end__" {
                let (tasks, end, _) = try chain(from: name, next: [target], until: join ?? stop, at: position, path: path)
                let index = indices.count
                indices[decision] = index
                cases[decision] = tasks
                inputs["s\(index)"] = end.state
                inputs["r\(index)"] = end.result
            }
            let tasks: [WorkflowTask] = [
                .switchOn(switchRef, "${\(routerRef).output.decision}", cases: cases),
                .inline(coalesceRef, Scripts.graphRouteCoalesce(cases: indices), inputs),
            ]
            return (tasks, Position(state: expr("\(coalesceRef).output.result.state"), result: expr("\(coalesceRef).output.result.result")), join)
        }

        /// The first node (other than the targets, `__end__`, nodes of `path` and beyond `stop`) every target
        /// reaches, in the order the first target reaches them.
        private func joinPoint(of targets: [String], stop: String?, path: [String]) -> String? {
            func reachable(from start: String) -> [String] {
                var seen: Set<String> = []
                var order: [String] = []
                var queue = [start]
                while !queue.isEmpty {
                    let node = queue.removeFirst()
                    guard node != "__end__", node != stop, !path.contains(node), seen.insert(node).inserted else { continue }
                    order.append(node)
                    queue += adjacency[node] ?? []
                    queue += routes[node]?.targets.map { $0.target } ?? []
                }
                return order
            }
            let sets = targets.map { Set(reachable(from: $0)) }
            return reachable(from: targets[0]).first { node in !targets.contains(node) && sets.allSatisfy { $0.contains(node) } }
        }

        /// The tasks of one node run from `position`.
        private mutating func emit(_ node: Node, at position: Position) throws(CompileError) -> ([WorkflowTask], Position) {
            switch node.kind {
            case .plain:
                let ref = alloc(node.worker)
                var task = WorkflowTask.simple(node.worker, ref: ref, ["state": position.state])
                applyRetry(&task, node: node.name)
                return ([task], Position(state: expr("\(ref).output.state"), result: expr("\(ref).output.result")))
            case .llm(let prepName, let finishName):
                guard let model = agent.config.model else {
                    throw CompileError("Graph agent '\(agent.x)': LLM node '\(node.name)' needs the graph's model")
                }
                let parsed = try ModelRef(model)
                let prep = alloc(prepName), llm = alloc("\(node.worker)_llm"), finish = alloc(finishName)
                var prepTask = WorkflowTask.simple(prepName, ref: prep, ["state": position.state])
                applyRetry(&prepTask, node: node.name)
                let call = WorkflowTask.llm(
                    llm, ["llmProvider": .string(parsed.provider), "model": .string(parsed.model), "messages": expr("\(prep).output.messages")])
                let finishTask = WorkflowTask.simple(
                    finishName, ref: finish, ["state": expr("\(prep).output.state"), "llm_result": expr("\(llm).output.result")])
                return skippable(node, kind: "llm", prep: prep, prepTask: prepTask, skipFlag: "_skip_llm", work: [call, finishTask], finish: finish)
            case .subgraph(let prepName, let finishName):
                guard let configJSON = subgraphs[node.name], let child = try? configJSON.decode(AgentConfig.self) else {
                    throw CompileError("Graph agent '\(agent.x)': subgraph node '\(node.name)' has no subgraph config")
                }
                let prep = alloc(prepName), sub = alloc("_sg_sub_\(node.name)"), finish = alloc(finishName)
                let prepTask = WorkflowTask.simple(prepName, ref: prep, ["state": position.state])
                let definition = try compiler.compileAgent(child)
                let call = WorkflowTask.subWorkflow(
                    sub, name: definition.name,
                    ["state": expr("\(prep).output.subgraph_input"), "__agentspan_ctx__": "${workflow.input.__agentspan_ctx__}"],
                    definition: definition)
                let finishTask = WorkflowTask.simple(
                    finishName, ref: finish, ["state": expr("\(prep).output.state"), "subgraph_result": expr("\(sub).output.state")])
                return skippable(node, kind: "sg", prep: prep, prepTask: prepTask, skipFlag: "_skip_subgraph", work: [call, finishTask], finish: finish)
            case .human(let prompt):
                let h = alloc("human_\(node.name)")
                let model = agent.config.model.flatMap { try? ModelRef($0) }
                let tasks = HumanTaskBuilder.pipeline(
                    prefix: h, displayName: "\(agent.config.name) — \(node.name)", schema: HumanTaskBuilder.graphNodeSchema,
                    uiSchema: HumanTaskBuilder.graphNodeUISchema,
                    context: ["state": position.state, "_prompt": prompt.map(JSONValue.string) ?? .null],
                    validate: Scripts.graphHumanValidate, process: Scripts.graphHumanProcess,
                    processInputs: ["previousState": position.state], model: model,
                    normalizerPrompt: Scripts.graphHumanNormalizerPrompt(prompt))
                for task in tasks { refs.insert(task.taskReferenceName) }
                refs.formUnion(["\(h)_normalizer", "\(h)_normalize_noop"])
                return (tasks, Position(state: expr("\(h)_process.output.result.state"), result: expr("\(h)_process.output.result.result")))
            }
        }

        /// prep → SWITCH `_<kind>_skip_<node>` (the prep's own answer when it set `skipFlag`, else `work`) → INLINE
        /// `_<kind>_out_<node>`.
        private mutating func skippable(
            _ node: Node, kind: String, prep: String, prepTask: WorkflowTask, skipFlag: String, work: [WorkflowTask], finish: String
        ) -> ([WorkflowTask], Position) {
            let switchRef = alloc("_\(kind)_skip_\(node.name)")
            let passRef = alloc("_\(kind)_pt_\(node.name)")
            let outRef = alloc("_\(kind)_out_\(node.name)")
            let pass = WorkflowTask.inline(
                passRef, "(function() { return { state: $.state, result: $.result }; })()",
                ["state": expr("\(prep).output.state"), "result": expr("\(prep).output.result")])
            let out = WorkflowTask.inline(
                outRef, Scripts.graphSkipCoalesce,
                [
                    "skip": expr("\(prep).output.\(skipFlag)"), "pt_state": expr("\(prep).output.state"),
                    "pt_result": expr("\(prep).output.result"), "fin_state": expr("\(finish).output.state"),
                    "fin_result": expr("\(finish).output.result"),
                ])
            let tasks: [WorkflowTask] = [
                prepTask, .switchOn(switchRef, "${\(prep).output.\(skipFlag)}", cases: ["true": [pass]], default: work), out,
            ]
            return (tasks, Position(state: expr("\(outRef).output.result.state"), result: expr("\(outRef).output.result.result")))
        }

        /// A node's LangGraph `RetryPolicy`: attempts → retries, the first interval → the delay (at least 1 s),
        /// a backoff factor above 1 → exponential backoff.
        private func applyRetry(_ task: inout WorkflowTask, node: String) {
            guard let policy = retryPolicies[node] else { return }
            if let attempts = policy["max_attempts"].intValue { task.retryCount = max(0, attempts - 1) }
            if let interval = policy["initial_interval"].doubleValue { task.retryDelaySeconds = max(1, Int(interval.rounded(.up))) }
            if let factor = policy["backoff_factor"].doubleValue { task.retryLogic = factor > 1 ? "EXPONENTIAL_BACKOFF" : "FIXED" }
        }
    }
}

extension WorkflowTask {
    /// This task with every input value equal to `old` (at any depth, in nested tasks too) replaced by `new`.
    func replacing(_ old: JSONValue, with new: JSONValue) -> WorkflowTask {
        func swap(_ value: JSONValue) -> JSONValue {
            if value == old { return new }
            switch value {
            case .array(let items): return .array(items.map(swap))
            case .object(let fields): return .object(fields.mapValues(swap))
            default: return value
            }
        }
        var task = self
        task.inputParameters = inputParameters.mapValues(swap)
        task.decisionCases = decisionCases?.mapValues { $0.map { $0.replacing(old, with: new) } }
        task.defaultCase = defaultCase?.map { $0.replacing(old, with: new) }
        task.loopOver = loopOver?.map { $0.replacing(old, with: new) }
        task.forkTasks = forkTasks?.map { $0.map { $0.replacing(old, with: new) } }
        return task
    }
}
