import Workflow

/// A JSON object of a framework's serialised agent, read key by key: ``finish()`` refuses every key nobody read that
/// holds more than a default, so nothing is dropped without a word.
struct RawObject {
    let path: String
    private let fields: [String: JSONValue]
    private var read: Set<String> = []

    init(_ value: JSONValue, path: String) throws(FrameworkImportError) {
        guard let fields = value.objectValue else {
            throw FrameworkImportError(path: path, "expected an object, found \(Self.kind(of: value))")
        }
        self.path = path
        self.fields = fields
    }

    /// The `_type` the SDK's serialiser stamps on objects (`Agent`, `LlmAgent`, `SequentialAgent`, …).
    var typeName: String? { fields["_type"]?.stringValue }

    func has(_ key: String) -> Bool { !(fields[key] ?? .null).isNull }

    /// The object's keys, sorted (for maps keyed by user names: reducer fields, node names).
    var keys: [String] { fields.keys.sorted() }

    /// The value at `key` (`.null` when absent), marked as read.
    mutating func take(_ key: String) -> JSONValue {
        read.insert(key)
        return fields[key] ?? .null
    }

    /// Marks keys as read without looking at them (back-references and markers the mapping does not need).
    mutating func ignore(_ keys: String...) { read.formUnion(keys) }

    func at(_ key: String) -> String { "\(path).\(key)" }

    /// The value at `key` as `extract` reads it (nil when absent or null); anything else is an error naming
    /// `expected`.
    private mutating func typed<T>(
        _ key: String, _ expected: String, _ extract: (JSONValue) -> T?
    ) throws(FrameworkImportError) -> T? {
        let value = take(key)
        if value.isNull { return nil }
        guard let typed = extract(value) else {
            throw FrameworkImportError(path: at(key), "expected \(expected), found \(Self.kind(of: value))")
        }
        return typed
    }

    mutating func string(_ key: String) throws(FrameworkImportError) -> String? { try typed(key, "a string") { $0.stringValue } }

    mutating func int(_ key: String) throws(FrameworkImportError) -> Int? { try typed(key, "an integer") { $0.intValue } }

    mutating func double(_ key: String) throws(FrameworkImportError) -> Double? { try typed(key, "a number") { $0.doubleValue } }

    mutating func bool(_ key: String) throws(FrameworkImportError) -> Bool? { try typed(key, "true or false") { $0.boolValue } }

    /// The array at `key` (empty when absent or null).
    mutating func array(_ key: String) throws(FrameworkImportError) -> [JSONValue] {
        try typed(key, "a list") { $0.arrayValue } ?? []
    }

    /// The object at `key` as a reader, or nil when absent or null.
    mutating func object(_ key: String) throws(FrameworkImportError) -> RawObject? {
        let value = take(key)
        if value.isNull { return nil }
        return try RawObject(value, path: at(key))
    }

    /// Refuses a field that holds anything but its default: `what` says what agentspanc lacks.
    mutating func refuse(_ key: String, unless defaults: JSONValue..., what: String) throws(FrameworkImportError) {
        let value = take(key)
        if Self.isEmpty(value) || defaults.contains(value) { return }
        throw FrameworkImportError(path: at(key), "\(what) cannot be mapped to an agentspanc agent (found \(Self.preview(value)))")
    }

    /// Throws for the first unread key that holds more than null/empty/false or one of its `defaults`.
    func finish(defaults: [String: [JSONValue]] = [:]) throws(FrameworkImportError) {
        for key in fields.keys.sorted() where !read.contains(key) && key != "_type" {
            let value = fields[key] ?? .null
            if Self.isEmpty(value) || (defaults[key] ?? []).contains(value) { continue }
            throw FrameworkImportError(
                path: at(key), "this field cannot be mapped to an agentspanc agent (found \(Self.preview(value)))")
        }
    }

    /// null, `false`, `""`, `[]`, `{}`, or an object whose fields are all empty (a settings object left at defaults).
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .bool(let flag): return !flag
        case .string(let text): return text.isEmpty
        case .array(let items): return items.isEmpty
        case .object(let fields): return fields.allSatisfy { $0.key == "_type" || isEmpty($0.value) }
        default: return false
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// A short rendering of a value for messages.
    static func preview(_ value: JSONValue) -> String {
        let text = value.jsonText()
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
