import Yams

/// Where each case of a test file and each of its keys starts, so a tool can rewrite part of the file and leave
/// the rest (other cases, comments) as it is.
public struct SpecTestLayout: Sendable, Hashable {
    /// One case: its name, the line its item starts on, and the line of each of its keys (1-based).
    public struct Case: Sendable, Hashable {
        public var name: String?
        public var line: Int
        public var keyLines: [String: Int]
    }

    /// The cases in file order.
    public var cases: [Case]

    /// The layout of test file text; nil when it is not a YAML list.
    public init?(text: String) {
        guard let root = try? Yams.compose(yaml: text), case .sequence(let items) = root else { return nil }
        cases = items.map { item in
            var keys: [String: Int] = [:]
            if case .mapping(let mapping) = item {
                for (key, _) in mapping { if let name = key.string, let line = key.mark?.line { keys[name] = line } }
            }
            return Case(name: item.mapping?["name"]?.string, line: item.mark?.line ?? 1, keyLines: keys)
        }
    }
}
