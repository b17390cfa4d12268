import Workflow

extension Dictionary where Key == String, Value == JSONValue {
    /// The value for `key`, `.null` when absent; setting stores the value.
    subscript(value key: String) -> JSONValue {
        get { self[key] ?? .null }
        set { self[key] = newValue }
    }
}

extension ScriptEvaluator {
    /// ``evaluate(_:input:)`` as a `Result`, for callers inside untyped `throws` contexts.
    func result(_ script: String, input: [String: JSONValue]) -> Result<JSONValue, ScriptError> {
        do throws(ScriptError) {
            return .success(try evaluate(script, input: input))
        } catch {
            return .failure(error)
        }
    }
}
