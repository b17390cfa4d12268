import Workflow

extension JSONValue {
    /// The length of this value's compact JSON text in bytes (escapes not counted), counting no further than just
    /// past `limit`: a linear walk, cheap enough to run on every task input and output.
    func jsonSize(upTo limit: Int) -> Int {
        var total = 0
        var stack: [JSONValue] = [self]
        while let value = stack.popLast() {
            switch value {
            case .null: total += 4
            case .bool(let b): total += b ? 4 : 5
            case .int(let i): total += String(i).utf8.count
            case .double: total += 8
            case .string(let s): total += s.utf8.count + 2
            case .array(let a):
                total += 2 + max(a.count - 1, 0)
                stack.append(contentsOf: a)
            case .object(let o):
                total += 2 + max(o.count - 1, 0)
                for (k, v) in o {
                    total += k.utf8.count + 3
                    stack.append(v)
                }
            }
            if total > limit { return total }
        }
        return total
    }
}

extension JSONValue {
    /// How many arrays and objects nest in this value (a scalar is 0), counting no further than just past `limit`.
    func nestingDepth(upTo limit: Int) -> Int {
        var deepest = 0
        var stack: [(JSONValue, Int)] = [(self, 1)]
        while let (value, level) = stack.popLast() {
            let children: [JSONValue]
            switch value {
            case .array(let a): children = a
            case .object(let o): children = Array(o.values)
            default: continue
            }
            deepest = max(deepest, level)
            if deepest > limit { return deepest }
            for child in children { stack.append((child, level + 1)) }
        }
        return deepest
    }
}

extension Session {
    /// Why `payload` (a task's input or output) is refused, or nil when it is within ``EngineLimits/maxTaskPayloadBytes``.
    func payloadProblem(_ payload: [String: JSONValue], _ what: String) -> String? {
        let limit = services.limits.maxTaskPayloadBytes
        guard JSONValue.object(payload).jsonSize(upTo: limit) > limit else { return nil }
        let size = JSONValue.object(payload).jsonSize(upTo: .max)
        return "Task \(what) is \(size) bytes of JSON; the limit is \(limit) bytes"
    }
}
