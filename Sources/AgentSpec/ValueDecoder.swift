import Workflow

/// Decodes `Decodable` values straight from a `JSONValue` tree (no JSON text round trip), for loading specs
/// quickly.
enum ValueDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: TreeDecoder(value: value, codingPath: []))
    }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw DecodingError.typeMismatch([String: JSONValue].self, .init(codingPath: codingPath, debugDescription: "expected an object"))
        }
        return KeyedDecodingContainer(KeyedTree<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw DecodingError.typeMismatch([JSONValue].self, .init(codingPath: codingPath, debugDescription: "expected an array"))
        }
        return UnkeyedTree(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleTree(value: value, codingPath: codingPath) }
}

/// Scalar conversions shared by the containers.
private func scalar<T>(_ value: JSONValue, _ type: T.Type, _ path: [any CodingKey]) throws -> T {
    let result: Any?
    switch type {
    case is String.Type: result = value.stringValue
    case is Bool.Type: result = value.boolValue
    case is Double.Type: result = value.doubleValue
    case is Float.Type: result = value.doubleValue.map { Float($0) }
    case is Int.Type: result = value.intValue
    case is Int64.Type: result = value.intValue.map { Int64($0) }
    case is Int32.Type: result = value.intValue.flatMap(Int32.init(exactly:))
    case is UInt.Type: result = value.intValue.flatMap(UInt.init(exactly:))
    case is Int8.Type: result = value.intValue.flatMap(Int8.init(exactly:))
    case is Int16.Type: result = value.intValue.flatMap(Int16.init(exactly:))
    case is UInt8.Type: result = value.intValue.flatMap(UInt8.init(exactly:))
    case is UInt16.Type: result = value.intValue.flatMap(UInt16.init(exactly:))
    case is UInt32.Type: result = value.intValue.flatMap(UInt32.init(exactly:))
    case is UInt64.Type: result = value.intValue.flatMap(UInt64.init(exactly:))
    default: result = nil
    }
    guard let typed = result as? T else {
        throw DecodingError.typeMismatch(T.self, .init(codingPath: path, debugDescription: "expected \(T.self), found \(value)"))
    }
    return typed
}

private func decodeValue<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
    if T.self == JSONValue.self { return value as! T }
    if T.self == String.self || T.self == Bool.self || T.self == Int.self || T.self == Double.self {
        return try scalar(value, T.self, path)
    }
    return try T(from: TreeDecoder(value: value, codingPath: path))
}

private struct KeyedTree<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    var codingPath: [any CodingKey]
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(_ key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing \(key.stringValue)"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { (object[key.stringValue] ?? .null) == .null }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decodeValue(type, value(key), codingPath + [key]) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(value(key), type, codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(value(key), type, codingPath + [key]) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try decodeValue(type, value, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: value(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: value(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { TreeDecoder(value: .object(object), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { TreeDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key]) }
}

private struct UnkeyedTree: UnkeyedDecodingContainer {
    let items: [JSONValue]
    var codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(items: [JSONValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    private mutating func next() throws -> (JSONValue, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "no more items"))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], codingPath + [ArrayIndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try decodeValue(type, value, path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return TreeDecoder(value: value, codingPath: path)
    }
}

private struct SingleTree: SingleValueDecodingContainer {
    let value: JSONValue
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, value, codingPath) }
    func decode(_ type: Bool.Type) throws -> Bool { try scalar(value, type, codingPath) }
    func decode(_ type: String.Type) throws -> String { try scalar(value, type, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try scalar(value, type, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try scalar(value, type, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try scalar(value, type, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalar(value, type, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalar(value, type, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalar(value, type, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalar(value, type, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalar(value, type, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(value, type, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(value, type, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(value, type, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(value, type, codingPath) }
}
