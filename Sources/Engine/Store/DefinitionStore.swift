import Foundation
import GRDB
import Synchronization
import Workflow

/// Workflow definitions of executions, stored once per distinct definition (table `execution_definition`) instead
/// of inside every execution row, which is rewritten on every commit of a running execution: a compiled agent's
/// definition is tens of kilobytes, and encoding and writing it again each time was most of a commit's cost.
///
/// A definition's key is a hash of its JSON (sorted keys) and its length; a row is only ever inserted, never
/// changed, so a key read once can be kept in memory. A key whose row holds other text (a hash collision) is not
/// used: that execution keeps its definition in its own row, as every row written before this table existed does.
final class DefinitionStore: Sendable {
    private let decoded = Mutex<[String: WorkflowDef]>([:])
    private let capacity = 256

    /// Stores `definition` (if no row has it yet) and returns its key; nil when the key is taken by other text.
    func store(_ definition: WorkflowDef, in db: Database) throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(definition)
        let key = Self.key(of: json)
        let text = String(decoding: json, as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO execution_definition(key, json) VALUES (?, ?) ON CONFLICT(key) DO NOTHING", arguments: [key, text])
        if db.changesCount == 0 {
            let same = try Bool.fetchOne(db, sql: "SELECT json = ? FROM execution_definition WHERE key = ?", arguments: [text, key])
            guard same == true else { return nil }
        }
        return key
    }

    /// The definition stored under `key`.
    func definition(_ key: String, in db: Database) throws -> WorkflowDef {
        if let known = decoded.withLock({ $0[key] }) { return known }
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM execution_definition WHERE key = ?", arguments: [key]) else {
            throw EngineError(.internal, "The definition \(key) of an execution is missing from the database")
        }
        let definition = try JSONDecoder().decode(WorkflowDef.self, from: Data(json.utf8))
        decoded.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = definition
        }
        return definition
    }

    /// Puts the definition back into a record read from the database.
    func attach(to record: inout ExecutionRecord, in db: Database) throws {
        guard let key = record.definitionKey, record.execution.workflowDefinition == nil else { return }
        record.execution.workflowDefinition = try definition(key, in: db)
    }

    /// FNV-1a (64 bits) of the bytes, in hex, and their count.
    static func key(of bytes: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16) + "-" + String(bytes.count)
    }
}
