import Foundation
import Workflow

/// Deterministic JSON text of compiled output (sorted keys, two-space indent, `/` unescaped), about ten times
/// faster than `JSONEncoder` on the deep `JSONValue` trees a workflow holds.
public enum CompiledJSON {
    /// The pretty, sorted JSON of `value`, ending with a newline.
    public static func data<T: Encodable>(_ value: T) throws -> Data {
        let slot = Slot()
        try slot.store(value)
        var out: [UInt8] = []
        out.reserveCapacity(64 * 1024)
        write(slot, indent: 0, into: &out)
        out.append(0x0A)
        return Data(out)
    }

    /// Compact, sorted JSON text of `value` (no whitespace), as baked into scripts.
    public static func compactText(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, indent: nil, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as a `JSONValue` (absent optionals omitted, as `JSONEncoder` does).
    public static func jsonValue<T: Encodable>(_ value: T) throws -> JSONValue {
        let slot = Slot()
        try slot.store(value)
        return slot.json
    }

    // MARK: - Text

    /// Appends `value`; `indent` nil writes compact text.
    private static func write(_ value: JSONValue, indent: Int?, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if !d.isFinite {
                out.append(contentsOf: "null".utf8)
            } else if d.rounded() == d && abs(d) < 1e15 {
                out.append(contentsOf: String(Int(d)).utf8)
            } else {
                out.append(contentsOf: String(d).utf8)
            }
        case .string(let s): quote(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent.map { $0 + 1 }, into: &out)
                write(item, indent: indent.map { $0 + 1 }, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent.map { $0 + 1 }, into: &out)
                quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                write(member.value, indent: indent.map { $0 + 1 }, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends what `slot` holds, as ``write(_:indent:into:)`` would append its `json`, without building it.
    private static func write(_ slot: Slot, indent: Int, into out: inout [UInt8]) {
        if let members = slot.object {
            guard !members.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            for (i, member) in Slot.sorted(members).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                quote(member.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                write(member.value, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        } else if let array = slot.array {
            guard !array.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (i, item) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        } else {
            write(slot.scalar, indent: indent, into: &out)
        }
    }

    private static func newline(_ indent: Int?, into out: inout [UInt8]) {
        guard let indent else { return }
        out.append(0x0A)
        var remaining = indent * 2
        while remaining > 0 {
            let n = min(remaining, spaces.count)
            out.append(contentsOf: spaces[0..<n])
            remaining -= n
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)
    private static let hex = Array("0123456789abcdef".utf8)
    /// Bytes that a JSON string cannot hold as they are: control characters, `"` and `\`.
    private static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    private static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let utf8 = s.utf8
        // Fast path: copy runs of bytes that need no escaping in one go.
        let copied: Bool = utf8.withContiguousStorageIfAvailable { bytes in
            needsEscape.withUnsafeBufferPointer { table in
                var start = 0
                var i = 0
                let count = bytes.count
                while i < count {
                    let byte = bytes[i]
                    if table[Int(byte)] {
                        if i > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                        escape(byte, into: &out)
                        start = i + 1
                    }
                    i += 1
                }
                if count > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<count])) }
            }
            return true
        } ?? false
        if !copied {
            for byte in utf8 { if byte < 0x20 || byte == 0x22 || byte == 0x5C { escape(byte, into: &out) } else { out.append(byte) } }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
}

// MARK: - Encoder to JSONValue

/// One value under construction.
private final class Slot {
    var scalar: JSONValue = .null
    /// Members in the order they were encoded; a key encoded twice keeps its last value (see ``sorted(_:)``).
    var object: [(key: String, value: Slot)]?
    var array: [Slot]?

    var json: JSONValue {
        if let object { return .object(Dictionary(object.map { ($0.key, $0.value.json) }, uniquingKeysWith: { _, last in last })) }
        if let array { return .array(array.map(\.json)) }
        return scalar
    }

    /// Members sorted by key, the last of any repeated key kept (as a dictionary would keep it).
    static func sorted(_ members: [(key: String, value: Slot)]) -> [(key: String, value: Slot)] {
        // The sort is stable, so of equal keys the last encoded comes last.
        let ordered = members.enumerated().sorted { $0.element.key < $1.element.key || ($0.element.key == $1.element.key && $0.offset < $1.offset) }
        var result: [(key: String, value: Slot)] = []
        result.reserveCapacity(ordered.count)
        for (_, member) in ordered {
            if let last = result.last, last.key == member.key {
                result[result.count - 1] = member
            } else {
                result.append(member)
            }
        }
        return result
    }

    /// Comparing types first keeps the common leaves (strings, JSON values) off the runtime's dynamic casts.
    func store<T: Encodable>(_ value: T) throws {
        if T.self == JSONValue.self {
            scalar = value as! JSONValue
        } else if T.self == String.self {
            scalar = .string(value as! String)
        } else if T.self == Int.self {
            scalar = .int(value as! Int)
        } else if T.self == Bool.self {
            scalar = .bool(value as! Bool)
        } else if T.self == Double.self {
            scalar = .double(value as! Double)
        } else {
            try value.encode(to: SlotEncoder(slot: self))
        }
    }
}

/// The encoder keeps no coding path: compiled types never throw while encoding, so no error needs one.
private struct SlotEncoder: Encoder {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if slot.object == nil { slot.object = [] }
        return KeyedEncodingContainer(KeyedSlot<Key>(slot: slot))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if slot.array == nil { slot.array = [] }
        return UnkeyedSlot(slot: slot)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleSlot(slot: slot) }
}

private struct KeyedSlot<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }

    private func child(_ key: Key) -> Slot {
        let child = Slot()
        slot.object!.append((key.stringValue, child))
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).scalar = .null }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).store(value) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).scalar = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { child(key).scalar = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { child(key).scalar = .double(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { child(key).scalar = .double(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { child(key).scalar = .int(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { child(key).scalar = .int(Int(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).scalar = .int(Int(truncatingIfNeeded: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        SlotEncoder(slot: child(key)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        SlotEncoder(slot: child(key)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { SlotEncoder(slot: child(key)) }
}

private struct UnkeyedSlot: UnkeyedEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }
    var count: Int { slot.array!.count }

    private func next() -> Slot {
        let child = Slot()
        slot.array!.append(child)
        return child
    }

    mutating func encodeNil() throws { next().scalar = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().store(value) }
    mutating func encode(_ value: Bool) throws { next().scalar = .bool(value) }
    mutating func encode(_ value: String) throws { next().scalar = .string(value) }
    mutating func encode(_ value: Double) throws { next().scalar = .double(value) }
    mutating func encode(_ value: Float) throws { next().scalar = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { next().scalar = .int(value) }
    mutating func encode(_ value: Int8) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: Int16) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: Int32) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: Int64) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt) throws { next().scalar = .int(Int(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt8) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt16) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt32) throws { next().scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt64) throws { next().scalar = .int(Int(truncatingIfNeeded: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        SlotEncoder(slot: next()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        SlotEncoder(slot: next()).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: next()) }
}

private struct SingleSlot: SingleValueEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { slot.scalar = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { try slot.store(value) }
    mutating func encode(_ value: Bool) throws { slot.scalar = .bool(value) }
    mutating func encode(_ value: String) throws { slot.scalar = .string(value) }
    mutating func encode(_ value: Double) throws { slot.scalar = .double(value) }
    mutating func encode(_ value: Float) throws { slot.scalar = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { slot.scalar = .int(value) }
    mutating func encode(_ value: Int8) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: Int16) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: Int32) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: Int64) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt) throws { slot.scalar = .int(Int(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt8) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt16) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt32) throws { slot.scalar = .int(Int(value)) }
    mutating func encode(_ value: UInt64) throws { slot.scalar = .int(Int(truncatingIfNeeded: value)) }
}
