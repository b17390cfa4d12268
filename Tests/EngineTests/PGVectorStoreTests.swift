import Foundation
import TestSupport
import Testing
import Workflow

@testable import Engine

/// The pgvector store against a real PostgreSQL with pgvector, started by the suite (skipped, saying why, only when
/// no such PostgreSQL is installed).
@Suite(
    "pgvector store", .serialized,
    .enabled(
        if: PostgresServer.unavailableReason == nil,
        Comment(rawValue: "pgvector tests skipped: \(PostgresServer.unavailableReason ?? "")")))
struct PGVectorStoreTests {
    static func engine(pgvectorURL: String?, timeout: Duration = .seconds(30)) async throws -> WorkflowEngine {
        try await makeEngine(llm: CassetteProvider(cassette: Cassette(), file: "test.yaml")) {
            $0.pgvectorURL = pgvectorURL
            $0.pgvectorTimeout = timeout
        }
    }

    static func index(_ ref: String, vectorDB: String, index: String, docId: String, text: String, extra: String = "") -> String {
        RAGTaskTests.indexTask(ref, docId: docId, text: text, extra: extra)
            .replacingOccurrences(of: "\"vectorDB\": \"kb\"", with: "\"vectorDB\": \"\(vectorDB)\"")
            .replacingOccurrences(of: "\"articles\"", with: "\"\(index)\"")
    }

    static func search(_ engine: WorkflowEngine, vectorDB: String, index: String, question: String, max: Int = 3)
        async throws -> WorkflowExecution
    {
        let task = RAGTaskTests.search
            .replacingOccurrences(of: "\"vectorDB\": \"kb\"", with: "\"vectorDB\": \"\(vectorDB)\"")
            .replacingOccurrences(of: "\"articles\"", with: "\"\(index)\"")
            .replacingOccurrences(of: "\"maxResults\": 2", with: "\"maxResults\": \(max)")
        let def = try decodeDef(#"{"name": "s", "tasks": [\#(task)]}"#)
        return try await engine.waitFor(
            try await engine.startWorkflow(StartWorkflowRequest(name: "s", input: ["question": .string(question)], workflowDef: def)),
            timeout: .seconds(120))
    }

    @Test("vectorDB pgvectordb stores in PostgreSQL and ranks as the embedded store does")
    func sameRankingAsSQLite() async throws {
        let postgres = try await PostgresServer.shared()
        let engine = try await Self.engine(pgvectorURL: postgres.url)
        defer { Task { await engine.shutdown() } }
        let index = "ranking_\(UInt32.random(in: 0...UInt32.max))"
        for vectorDB in ["pgvectordb", "kb"] {
            let tasks = RAGTaskTests.documents.enumerated().map {
                Self.index("i\($0.offset)", vectorDB: vectorDB, index: index, docId: $0.element.id, text: $0.element.text)
            }
            let run = try await RAGTaskTests.run(engine, tasks)
            #expect(run.status == .completed, "\(run.tasks.compactMap(\.reasonForIncompletion))")
            #expect(run.task("i0")?.outputData["store"] == .string(vectorDB == "kb" ? "sqlite" : "pgvector"))
        }
        let question = "How many days do I have to get a refund?"
        let fromPostgres = try #require(
            try await Self.search(engine, vectorDB: "pgvectordb", index: index, question: question).task("search")?
                .outputData["result"]?.arrayValue)
        let fromSQLite = try #require(
            try await Self.search(engine, vectorDB: "kb", index: index, question: question).task("search")?
                .outputData["result"]?.arrayValue)
        #expect(fromPostgres.count == 3)
        #expect(fromPostgres.first?["docId"] == "refunds")
        #expect(fromPostgres.first?["metadata"] == ["source": "refunds.md"])
        #expect(fromPostgres.map { $0["docId"] } == fromSQLite.map { $0["docId"] })
        for (a, b) in zip(fromPostgres, fromSQLite) {
            #expect(abs((a["score"].doubleValue ?? 0) - (b["score"].doubleValue ?? 9)) < 1e-4)
        }
    }

    @Test("re-indexing replaces a document's chunks; namespaces are apart; a wrong length is refused")
    func replacementAndDimensions() async throws {
        let postgres = try await PostgresServer.shared()
        let engine = try await Self.engine(pgvectorURL: postgres.url)
        defer { Task { await engine.shutdown() } }
        let index = "replace_\(UInt32.random(in: 0...UInt32.max))"
        let long = String(repeating: "Refunds are accepted within thirty days. ", count: 8)
        let chunked = try await RAGTaskTests.run(
            engine, [Self.index("a", vectorDB: "pgvectordb", index: index, docId: "policy", text: long,
                                extra: #", "chunkSize": 100, "chunkOverlap": 10"#)])
        #expect((chunked.task("a")?.outputData["chunks"]?.intValue ?? 0) > 2)
        let sales = Self.index("s", vectorDB: "pgvectordb", index: index, docId: "other", text: "Refunds for sales.")
            .replacingOccurrences(of: "\"support\"", with: "\"sales\"")
        _ = try await RAGTaskTests.run(
            engine, [Self.index("b", vectorDB: "pgvectordb", index: index, docId: "policy", text: "Refunds in 14 days."), sales])
        let results = try #require(
            try await Self.search(engine, vectorDB: "pgvectordb", index: index, question: "refunds", max: 50)
                .task("search")?.outputData["result"]?.arrayValue)
        #expect(results.map { $0["docId"] } == ["policy"])
        #expect(results.first?["text"] == "Refunds in 14 days.")

        let wrong = try await RAGTaskTests.run(
            engine, [Self.index("c", vectorDB: "pgvectordb", index: index, docId: "x", text: "x", extra: #", "dimensions": 32"#)])
        #expect(wrong.status == .failed)
        #expect(wrong.tasks.first?.status == .failedWithTerminalError)
        #expect(wrong.tasks.first?.reasonForIncompletion?.contains("holds 256-dimensional vectors") == true)
    }

    @Test("parallel tasks indexing into a new index both succeed (its table is created once)")
    func parallelFirstUse() async throws {
        let postgres = try await PostgresServer.shared()
        let engine = try await Self.engine(pgvectorURL: postgres.url)
        defer { Task { await engine.shutdown() } }
        let index = "parallel_\(UInt32.random(in: 0...UInt32.max))"
        let branches = (0..<4).map { "[\(Self.index("p\($0)", vectorDB: "pgvectordb", index: index, docId: "d\($0)", text: "Note \($0) about refunds."))]" }
        let fork = #"{"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN", "forkTasks": [\#(branches.joined(separator: ","))]}"#
        let join = #"{"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": ["p0", "p1", "p2", "p3"]}"#
        let run = try await RAGTaskTests.run(engine, [fork, join])
        #expect(run.status == .completed, "\(run.tasks.compactMap(\.reasonForIncompletion))")
        let results = try #require(
            try await Self.search(engine, vectorDB: "pgvectordb", index: index, question: "refunds", max: 10)
                .task("search")?.outputData["result"]?.arrayValue)
        #expect(Set(results.compactMap { $0["docId"].stringValue }) == ["d0", "d1", "d2", "d3"])
    }

    @Test("a small namespace beside a large one in the same index still gets all its nearest records")
    func smallNamespace() async throws {
        let postgres = try await PostgresServer.shared()
        let store = try PGVectorStore(url: postgres.url, logger: .init(label: "pgvector-test"))
        let runner = Task { await store.run() }
        defer { runner.cancel() }
        let index = "crowded_\(UInt32.random(in: 0...UInt32.max))"
        var generator = SystemRandomNumberGenerator()
        func random() -> [Float] { (0..<32).map { _ in Float.random(in: -1...1, using: &generator) } }
        let crowd = (0..<600).map { VectorRecord(id: "a\($0)", parentDocId: "a\($0)", text: "crowd", vector: random()) }
        _ = try await store.store(crowd, replacingParent: nil, in: VectorCollection(vectorDB: "pgvectordb", index: index, namespace: "big"))
        let few = VectorCollection(vectorDB: "pgvectordb", index: index, namespace: "small")
        _ = try await store.store(
            [VectorRecord(id: "b0", parentDocId: "b0", text: "one", vector: random()),
             VectorRecord(id: "b1", parentDocId: "b1", text: "two", vector: random())],
            replacingParent: nil, in: few)
        let found = try await store.search(random(), in: few, maxResults: 5)
        #expect(Set(found.map(\.docId)) == ["b0", "b1"])
    }

    @Test("an unreachable PostgreSQL fails the attempt as retryable within the store's time limit, naming the server")
    func unreachable() async throws {
        let engine = try await Self.engine(
            pgvectorURL: "postgres://postgres@127.0.0.1:\(freePort())/postgres?sslmode=disable", timeout: .seconds(3))
        defer { Task { await engine.shutdown() } }
        let task = Self.index("a", vectorDB: "pgvectordb", index: "x", docId: "d", text: "t")
            .replacingOccurrences(of: #""type": "LLM_INDEX_TEXT","#, with: #""type": "LLM_INDEX_TEXT", "retryCount": 0,"#)
        let run = try await RAGTaskTests.run(engine, [task])
        #expect(run.status == .failed)
        #expect(run.tasks.first?.status == .failed)
        let reason = run.tasks.first?.reasonForIncompletion ?? ""
        #expect(reason.contains("pgvector database at 127.0.0.1:"), "\(reason)")
    }
}

/// pgvector names without a configured PostgreSQL.
@Suite("pgvector fallback")
struct PGVectorFallbackTests {
    @Test("without --pgvector-url, vectorDB pgvectordb uses the embedded store and says so")
    func fallback() async throws {
        let engine = try await PGVectorStoreTests.engine(pgvectorURL: nil)
        defer { Task { await engine.shutdown() } }
        let run = try await RAGTaskTests.run(
            engine, [PGVectorStoreTests.index("a", vectorDB: "pgvectordb", index: "docs", docId: "d", text: "Refunds.")])
        #expect(run.status == .completed)
        #expect(run.task("a")?.outputData["store"] == "sqlite")
    }

    @Test("a malformed pgvector URL is refused with what is wrong, its password hidden")
    func badURL() {
        #expect(WorkflowEngine.Configuration.problem(withPGVectorURL: "postgres://u:p@db.example.com:5432/v") == nil)
        let problem = WorkflowEngine.Configuration.problem(withPGVectorURL: "mysql://u:secret@host/db")
        #expect(problem?.contains("postgres://user:password@host:5432/database") == true)
        #expect(problem?.contains("secret") == false)
        #expect(WorkflowEngine.Configuration.problem(withPGVectorURL: "postgres://h/db?sslmode=bogus")?.contains("sslmode") == true)
    }
}
