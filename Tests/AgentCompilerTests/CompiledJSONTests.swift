import AgentCompiler
import Foundation
import Testing
import Workflow

/// `CompiledJSON` writes what `JSONEncoder` with sorted keys would write, from any `Encodable`.
@Suite struct CompiledJSONTests {
    /// Encodes `name` twice and its fields out of order, as hand-written `encode(to:)` methods may.
    private struct Repeating: Encodable {
        enum Keys: String, CodingKey { case zebra, name, alpha, nested }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("first", forKey: .name)
            try container.encode(2, forKey: .zebra)
            try container.encode("second", forKey: .name)
            try container.encode(["b": JSONValue.int(1), "a": .string("x/y\n\"q\"")], forKey: .nested)
            try container.encodeNil(forKey: .alpha)
        }
    }

    @Test func keysAreSortedARepeatedKeyKeepsItsLastValueAndStringsAreEscapedAsJSONEncoderDoes() throws {
        let ours = String(decoding: try CompiledJSON.data(Repeating()), as: UTF8.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let foundation = String(decoding: try encoder.encode(Repeating()), as: UTF8.self) + "\n"
        #expect(ours == foundation.replacingOccurrences(of: " : ", with: ": "))
        #expect(ours.contains(#""name": "second""#) && !ours.contains("first"))
        #expect(try CompiledJSON.jsonValue(Repeating())["name"] == "second")
    }
}
