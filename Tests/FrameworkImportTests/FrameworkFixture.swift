import Foundation
import Testing
import Workflow

/// One captured payload of `Fixtures/` (see its README): the framework, the `rawConfig` and the SDK's worker names.
struct FrameworkFixture {
    let name: String
    let framework: String
    let rawConfig: JSONValue
    let workers: [String]

    static var directory: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    init(_ name: String) throws {
        self.name = name
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name + ".json"))
        let document = try JSONDecoder().decode(JSONValue.self, from: data)
        framework = try #require(document["framework"].stringValue)
        rawConfig = document["rawConfig"]
        workers = (document["workers"].arrayValue ?? []).compactMap(\.stringValue)
    }
}
