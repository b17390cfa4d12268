extension AgentPlan {
    /// For review: what `new` lets the agent run or reach that `old` could not (`+` lines), what it no longer can
    /// (`-`), and every tool whose commands, rules or policy changed (`~`, with its changed lines). Empty when
    /// the two plans allow the same.
    public static func diff(from old: AgentPlan, to new: AgentPlan) -> [String] {
        var out: [String] = []
        let reach: [(String, KeyPath<AgentPlan, [String]>)] = [
            ("command", \.commands), ("plugin", \.plugins), ("host", \.hosts), ("model", \.models),
        ]
        for (label, list) in reach {
            for item in new[keyPath: list] where !old[keyPath: list].contains(item) { out.append("+ \(label) \(item)") }
        }
        for (label, list) in reach {
            for item in old[keyPath: list] where !new[keyPath: list].contains(item) { out.append("- \(label) \(item)") }
        }
        for name in new.toolLines.keys.sorted() {
            let lines = new.toolLines[name]!
            guard let before = old.toolLines[name] else {
                out.append("+ tool \(name)")
                out += lines.dropFirst().map { "    \($0)" }
                continue
            }
            let added = lines.filter { !before.contains($0) }
            let removed = before.filter { !lines.contains($0) }
            guard !added.isEmpty || !removed.isEmpty else { continue }
            out.append("~ tool \(name)")
            out += removed.map { "    - \($0)" } + added.map { "    + \($0)" }
        }
        for name in old.toolLines.keys.sorted() where new.toolLines[name] == nil { out.append("- tool \(name)") }
        return out
    }
}
