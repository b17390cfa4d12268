import Workflow

extension Dictionary where Key == String, Value == JSONValue {
    /// The value for `key`, `.null` when absent; setting stores the value.
    subscript(value key: String) -> JSONValue {
        get { self[key] ?? .null }
        set { self[key] = newValue }
    }
}
