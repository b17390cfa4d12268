/// The coding key of an array element (its index), for the JSON-value encoders and decoders.
public struct ArrayIndexKey: CodingKey, Sendable {
    public var intValue: Int?
    public var stringValue: String { String(intValue ?? 0) }
    public init(_ index: Int) { intValue = index }
    public init?(stringValue: String) { nil }
    public init?(intValue: Int) { self.intValue = intValue }
}
