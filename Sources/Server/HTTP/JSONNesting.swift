/// How deep a JSON text nests arrays and objects, found by one pass over its bytes before any decoding.
///
/// Foundation's decoder (and `JSONValue`'s type probing) spends time that grows much faster than the depth of a
/// document, so a body nested hundreds of levels deep is refused before it is decoded at all.
enum JSONNesting {
    /// The deepest nesting any request body may have. The engine refuses task parameters nested past 64 levels; a
    /// workflow definition adds a handful of levels around them.
    static let maxDepth = 100

    /// The first nesting level past `limit`, as the byte offset of its opening bracket; nil when the text stays within.
    static func firstOffset(deeperThan limit: Int, in bytes: some Sequence<UInt8>) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return offset }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }
}
