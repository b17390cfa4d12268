import GRDB

/// Opens the engine's SQLite database and applies its append-only migrations.
enum Schema {
    /// Opens the database at `path` (in memory when nil), checks its integrity and migrates it. A damaged file is
    /// refused with an error naming it, so a server never starts on a database every write would fail on.
    static func open(path: String?) throws(EngineError) -> any DatabaseWriter {
        do {
            let writer = try connect(path: path)
            if path != nil {
                let problems = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
                if problems != ["ok"] {
                    throw damaged(path, problems.prefix(3).joined(separator: "; "))
                }
            }
            try migrator.migrate(writer)
            return writer
        } catch let error as EngineError {
            throw error
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: throw damaged(path, error.message ?? "\(error.resultCode)")
            default:
                throw EngineError(.internal, "Cannot open the database file \(path ?? ":memory:"): \(error.message ?? "\(error.resultCode)")")
            }
        } catch {
            throw EngineError(.internal, "Cannot open the database file \(path ?? ":memory:"): \(error)")
        }
    }

    private static func damaged(_ path: String?, _ detail: String) -> EngineError {
        EngineError(
            .internal,
            "The database file \(path ?? ":memory:") is damaged (SQLite integrity check: \(detail)). Restore it from a backup, "
                + "or move it aside to start with an empty database.")
    }

    private static func connect(path: String?) throws -> any DatabaseWriter {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let writer: any DatabaseWriter
        if let path {
            writer = try DatabasePool(path: path, configuration: config)
        } else {
            writer = try DatabaseQueue(configuration: config)
        }
        return writer
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: definitions, executions, tasks, journal") { db in
            try db.execute(
                sql: """
                    CREATE TABLE task_def(name TEXT PRIMARY KEY, json TEXT NOT NULL);
                    CREATE TABLE workflow_def(
                        name TEXT NOT NULL, version INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY(name, version));
                    CREATE TABLE execution(
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, root_id TEXT NOT NULL,
                        parent_id TEXT, create_time INTEGER NOT NULL, timeout_at INTEGER, json TEXT NOT NULL);
                    CREATE INDEX execution_status ON execution(status);
                    CREATE INDEX execution_name ON execution(name, create_time);
                    CREATE INDEX execution_timeout ON execution(timeout_at) WHERE timeout_at IS NOT NULL;
                    CREATE TABLE task(
                        id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL,
                        queue TEXT, engine_async INTEGER NOT NULL, priority INTEGER NOT NULL, wake_at INTEGER,
                        json TEXT NOT NULL);
                    CREATE INDEX task_workflow ON task(workflow_id, seq);
                    CREATE INDEX task_queue ON task(queue, status, priority, wake_at) WHERE queue IS NOT NULL;
                    CREATE INDEX task_wake ON task(wake_at) WHERE wake_at IS NOT NULL;
                    CREATE TABLE journal(
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, root_id TEXT NOT NULL, workflow_id TEXT NOT NULL,
                        parent_id TEXT, task_id TEXT, kind TEXT NOT NULL, time INTEGER NOT NULL);
                    CREATE INDEX journal_root ON journal(root_id, seq);
                    """)
        }
        m.registerMigration("v2: claim order served by the queue index") { db in
            // The claim query orders by `priority DESC, wake_at, seq`; an index in exactly that order lets SQLite stop
            // after LIMIT rows instead of sorting every scheduled task of the queue (CPU per poll grew with depth).
            try db.execute(
                sql: """
                    DROP INDEX task_queue;
                    CREATE INDEX task_claim ON task(queue, status, priority DESC, wake_at, seq) WHERE queue IS NOT NULL;
                    """)
        }
        m.registerMigration("v3: execution search (newest first, sub-workflow trees)") { db in
            // The dashboard's search pages newest first, counts top-level executions (parent_id IS NULL) and sums
            // tokens through each page row's sub-workflow tree (parent_id = ?): both served by execution_tree.
            try db.execute(
                sql: """
                    CREATE INDEX execution_recent ON execution(create_time);
                    CREATE INDEX execution_tree ON execution(parent_id, create_time);
                    """)
        }
        m.registerMigration("media: files generated by GENERATE_IMAGE, _AUDIO, _VIDEO and _PDF") { db in
            try db.execute(
                sql: """
                    CREATE TABLE media(
                        id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, task_id TEXT NOT NULL, mime_type TEXT NOT NULL,
                        data BLOB NOT NULL, create_time INTEGER NOT NULL);
                    CREATE INDEX media_workflow ON media(workflow_id);
                    """)
        }
        m.registerMigration("v4: workflow message queue") { db in
            // Messages pushed to an execution (POST /api/workflow/{id}/messages) wait here, oldest first, until a
            // PULL_WORKFLOW_MESSAGES task of that execution takes them; taking them and completing the task is one
            // transaction, so a message is delivered exactly once, across restarts.
            try db.execute(
                sql: """
                    CREATE TABLE workflow_message(
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, workflow_id TEXT NOT NULL, id TEXT NOT NULL,
                        received_at TEXT NOT NULL, payload TEXT NOT NULL);
                    CREATE INDEX workflow_message_queue ON workflow_message(workflow_id, seq);
                    """)
        }
        m.registerMigration("v5: execution definitions stored once") { db in
            // An execution row is rewritten on every commit of its execution; its definition (tens of kilobytes for
            // a compiled agent) never changes, so it is stored once here, by a key of its content (DefinitionStore).
            try db.execute(sql: "CREATE TABLE execution_definition(key TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID")
        }
        m.registerMigration("v6: status pages newest first") { db in
            // Search pages filtered by status are ordered by create_time: with the status index alone SQLite sorted
            // every execution of that status (tens of thousands in a large store) for each page.
            try db.execute(
                sql: """
                    DROP INDEX execution_status;
                    CREATE INDEX execution_status_recent ON execution(status, create_time);
                    """)
        }
        return m
    }
}
