import Foundation
import GRDB
import Testing
import Workflow

@testable import Engine

/// A damaged database file is refused at start with a message naming it; database failures reach callers as a
/// plain sentence, never SQL.
@Suite struct DatabaseIntegrityTests {
    /// A database with some executions, closed, then with garbage written over everything after its first page.
    static func damagedDatabase() async throws -> String {
        let path = temporaryDatabasePath()
        do {
            let engine = try await makeEngine(path: path)
            let def = try decodeDef(#"{"name": "fill", "tasks": [{"name": "fill_work", "taskReferenceName": "f", "type": "SIMPLE"}]}"#)
            for i in 0..<200 {
                _ = try await engine.startWorkflow(StartWorkflowRequest(name: "fill", input: ["i": .int(i), "pad": .string(String(repeating: "p", count: 500))], workflowDef: def))
            }
            try await engine.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            await engine.shutdown()
        }
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        #expect(size > 16_384)
        try handle.seek(toOffset: 4096)
        var garbage = Data(count: Int(size) - 4096)
        for i in garbage.indices { garbage[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try handle.write(contentsOf: garbage)
        try handle.close()
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        return path
    }

    @Test func aDamagedDatabaseIsRefusedAtStartNamingTheFile() async throws {
        let path = try await Self.damagedDatabase()
        do {
            let engine = try await makeEngine(path: path)
            await engine.shutdown()
            Issue.record("the engine opened a damaged database")
        } catch let error as EngineError {
            #expect(error.message.contains("The database file \(path) is damaged"), "\(error.message)")
            #expect(error.message.contains("Restore it from a backup"))
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefusedNamingTheFile() async throws {
        let path = temporaryDatabasePath()
        try Data(String(repeating: "not a database ", count: 1000).utf8).write(to: URL(fileURLWithPath: path))
        do {
            let engine = try await makeEngine(path: path)
            await engine.shutdown()
            Issue.record("the engine opened a file that is no database")
        } catch let error as EngineError {
            #expect(error.message.contains("The database file \(path) is damaged"), "\(error.message)")
        }
    }

    @Test func databaseFailuresReachCallersWithoutSQL() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        // Break the schema underneath the engine: every later write fails inside SQLite.
        try await engine.writer.write { db in try db.execute(sql: "DROP TABLE task_def") }
        do {
            try await engine.registerTaskDefs([TaskDef(name: "x")])
            Issue.record("the write succeeded")
        } catch let error as EngineError {
            #expect(error.code == .internal)
            #expect(error.message == "The engine could not read or write its database; the server log has the details")
            #expect(!error.message.contains("task_def") && !error.message.contains("INSERT"))
        }
    }
}
