import Foundation
import Synchronization
import Testing
import Workflow

@testable import Engine

/// LLM_INDEX_TEXT, LLM_SEARCH_INDEX and the embedding tasks on the engine, with the embedded SQLite vector store
/// and cassette embeddings (no network).
@Suite("RAG tasks")
struct RAGTaskTests {
    static let documents: [(id: String, text: String)] = [
        ("refunds", "Refunds are accepted within 30 days of purchase with the receipt."),
        ("shipping", "Shipping takes five working days; express shipping takes two."),
        ("holidays", "The office is closed on public holidays and on Sundays."),
    ]

    static func engine(path: String? = temporaryDatabasePath()) async throws -> WorkflowEngine {
        try await makeEngine(path: path, llm: CassetteProvider(cassette: Cassette(), file: "test.yaml"))
    }

    static func indexTask(_ ref: String, docId: String, text: String, extra: String = "") -> String {
        """
        {"name": "index", "taskReferenceName": "\(ref)", "type": "LLM_INDEX_TEXT", "inputParameters": {
          "vectorDB": "kb", "index": "articles", "namespace": "support", "embeddingModelProvider": "openai",
          "embeddingModel": "text-embedding-3-small", "docId": "\(docId)", "text": "\(text)",
          "metadata": {"source": "\(docId).md"}\(extra)}}
        """
    }

    /// Runs `tasks` as one workflow to its end (a generous deadline: the suite runs in parallel on a loaded machine).
    static func run(_ engine: WorkflowEngine, _ tasks: [String]) async throws -> WorkflowExecution {
        let def = try decodeDef(#"{"name": "rag", "tasks": [\#(tasks.joined(separator: ","))]}"#)
        return try await engine.waitFor(
            try await engine.startWorkflow(StartWorkflowRequest(name: "rag", workflowDef: def)), timeout: .seconds(120))
    }

    static let search = """
        {"name": "search", "taskReferenceName": "search", "type": "LLM_SEARCH_INDEX", "inputParameters": {
          "vectorDB": "kb", "index": "articles", "namespace": "support", "embeddingModelProvider": "openai",
          "embeddingModel": "text-embedding-3-small", "query": "${workflow.input.question}", "maxResults": 2}}
        """

    @Test("indexed texts are found again by meaning: the closest first, with id, text, score and metadata")
    func indexThenSearch() async throws {
        let engine = try await Self.engine()
        defer { Task { await engine.shutdown() } }
        let tasks = Self.documents.enumerated().map { Self.indexTask("index_\($0.offset)", docId: $0.element.id, text: $0.element.text) }
        let def = try decodeDef(#"{"name": "rag", "tasks": [\#((tasks + [Self.search]).joined(separator: ","))]}"#)
        let id = try await engine.startWorkflow(
            StartWorkflowRequest(name: "rag", input: ["question": "How many days do I have to get a refund?"], workflowDef: def))
        let run = try await engine.waitFor(id, timeout: .seconds(120))
        #expect(run.status == .completed)
        let indexed = try #require(run.task("index_0"))
        #expect(indexed.outputData["chunks"] == 1)
        #expect(indexed.outputData["store"] == "sqlite")
        #expect(indexed.outputData["dimensions"] == 256)
        let results = try #require(run.task("search")?.outputData["result"]?.arrayValue)
        #expect(results.count == 2)
        #expect(results[0]["docId"] == "refunds")
        #expect(results[0]["parentDocId"] == "refunds")
        #expect(results[0]["text"].stringValue == Self.documents[0].text)
        #expect(results[0]["metadata"] == ["source": "refunds.md"])
        let first = try #require(results[0]["score"].doubleValue)
        let second = try #require(results[1]["score"].doubleValue)
        #expect(first > second)
    }

    @Test("namespaces and vectorDB names are kept apart; indexing a docId again replaces it")
    func namespacesAndReplacement() async throws {
        let engine = try await Self.engine()
        defer { Task { await engine.shutdown() } }
        let other = Self.indexTask("other", docId: "refunds", text: "Refunds elsewhere.")
            .replacingOccurrences(of: "\"support\"", with: "\"sales\"")
        let first = try await Self.run(engine, [Self.indexTask("a", docId: "refunds", text: "Refunds take 30 days."), other])
        #expect(first.status == .completed)
        let replaced = try await Self.run(engine, [Self.indexTask("b", docId: "refunds", text: "Refunds take 14 days now.")])
        #expect(replaced.status == .completed)
        let searchAll = Self.search.replacingOccurrences(of: "\"maxResults\": 2", with: "\"maxResults\": 10")
        let def = try decodeDef(#"{"name": "s", "tasks": [\#(searchAll)]}"#)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "s", input: ["question": "refunds"], workflowDef: def))
        let results = try #require(try await engine.waitFor(id, timeout: .seconds(120)).task("search")?.outputData["result"]?.arrayValue)
        // One record in namespace support (the re-indexed text), none from sales.
        #expect(results.map { $0["text"] } == ["Refunds take 14 days now."])
    }

    @Test("a long text is cut into overlapping chunks stored under docId#n; re-indexing shorter drops the old chunks")
    func chunking() async throws {
        let sentence = "Refunds are accepted within thirty days. "
        let long = String(repeating: sentence, count: 12)
        let pieces = IndexTextTask.chunks(of: long, size: 100, overlap: 20)
        #expect(pieces.count > 4)
        #expect(pieces.allSatisfy { $0.count <= 100 })
        // Consecutive chunks overlap by the requested characters.
        for (a, b) in zip(pieces, pieces.dropFirst()) { #expect(b.hasPrefix(String(a.suffix(20)))) }
        #expect(IndexTextTask.chunks(of: "short", size: 100, overlap: 20) == ["short"])

        let engine = try await Self.engine()
        defer { Task { await engine.shutdown() } }
        let extra = #", "chunkSize": 100, "chunkOverlap": 20"#
        let run = try await Self.run(engine, [Self.indexTask("long", docId: "policy", text: long, extra: extra)])
        #expect(run.task("long")?.outputData["chunks"] == .int(pieces.count))
        let all = Self.search.replacingOccurrences(of: "\"maxResults\": 2", with: "\"maxResults\": 100")
        func found() async throws -> [JSONValue] {
            let def = try decodeDef(#"{"name": "s", "tasks": [\#(all)]}"#)
            let id = try await engine.startWorkflow(StartWorkflowRequest(name: "s", input: ["question": "refunds"], workflowDef: def))
            return try #require(try await engine.waitFor(id, timeout: .seconds(120)).task("search")?.outputData["result"]?.arrayValue)
        }
        let chunks = try await found()
        #expect(Set(chunks.compactMap { $0["docId"].stringValue }) == Set((0..<pieces.count).map { "policy#\($0)" }))
        #expect(chunks.allSatisfy { $0["parentDocId"] == "policy" && $0["metadata"]["chunks"] == .int(pieces.count) })
        _ = try await Self.run(engine, [Self.indexTask("short", docId: "policy", text: "Refunds in 30 days.")])
        #expect(try await found().map { $0["docId"] } == ["policy"])
    }

    /// Embeds like a cassette and records the size of every request.
    final class CountingEmbeddings: EmbeddingProvider {
        let batches = Mutex<[Int]>([])

        func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
            batches.withLock { $0.append(request.texts.count) }
            return EmbeddingResponse(vectors: request.texts.map { Cassette.hashedEmbedding(of: $0, dimensions: 16) })
        }
    }

    @Test("a document of many chunks is embedded in requests of at most 96 texts")
    func batches() async throws {
        let counting = CountingEmbeddings()
        let engine = try await makeEngine(llm: CassetteProvider(cassette: Cassette(), file: "t.yaml")) { $0.embeddings = counting }
        defer { Task { await engine.shutdown() } }
        let text = (0..<200).map { "Line \($0) of the handbook." }.joined(separator: " ")
        let pieces = IndexTextTask.chunks(of: text, size: 30, overlap: 5)
        #expect(pieces.count > 192)
        let run = try await Self.run(engine, [Self.indexTask("big", docId: "handbook", text: text, extra: #", "chunkSize": 30, "chunkOverlap": 5"#)])
        #expect(run.status == .completed, "\(run.reasonForIncompletion ?? "")")
        #expect(run.task("big")?.outputData["chunks"] == .int(pieces.count))
        let sizes = counting.batches.withLock { $0 }
        #expect(sizes.allSatisfy { $0 <= 96 })
        #expect(sizes.reduce(0, +) == pieces.count)
    }

    @Test("generate, store and search embeddings: the Conductor shapes of result")
    func embeddingTasks() async throws {
        let engine = try await Self.engine()
        defer { Task { await engine.shutdown() } }
        let tasks = [
            #"{"name": "gen", "taskReferenceName": "gen", "type": "LLM_GENERATE_EMBEDDINGS", "inputParameters": {"llmProvider": "openai", "model": "text-embedding-3-small", "text": "refund policy", "dimensions": 8}}"#,
            #"{"name": "store", "taskReferenceName": "store", "type": "LLM_STORE_EMBEDDINGS", "inputParameters": {"vectorDB": "kb", "index": "raw", "namespace": "n", "id": "v1", "embeddings": "${gen.output.result}", "metadata": {"k": 1}}}"#,
            #"{"name": "find", "taskReferenceName": "find", "type": "LLM_SEARCH_EMBEDDINGS", "inputParameters": {"vectorDB": "kb", "index": "raw", "namespace": "n", "embeddings": "${gen.output.result}", "maxResults": 3}}"#,
            #"{"name": "get", "taskReferenceName": "get", "type": "LLM_GET_EMBEDDINGS", "inputParameters": {"vectorDB": "kb", "index": "raw", "namespace": "n", "embeddings": "${gen.output.result}"}}"#,
        ]
        let run = try await Self.run(engine, tasks)
        #expect(run.status == .completed)
        let vector = try #require(run.task("gen")?.outputData["result"]?.arrayValue)
        #expect(vector.count == 8)
        #expect(run.task("store")?.outputData["result"] == 1)
        let found = try #require(run.task("find")?.outputData["result"]?.arrayValue)
        #expect(found.count == 1)
        #expect(found[0]["docId"] == "v1")
        #expect(abs((found[0]["score"].doubleValue ?? 0) - 1) < 1e-5)
        #expect(found[0]["metadata"] == ["k": 1])
        #expect(run.task("get")?.outputData["result"]?.arrayValue?.count == 1)
    }

    @Test("bad input fails the task for good with a message naming the field; nothing is retried")
    func badInput() async throws {
        let engine = try await Self.engine()
        defer { Task { await engine.shutdown() } }
        let cases: [(String, String)] = [
            (Self.indexTask("t", docId: "", text: "x"), "docId is empty"),
            (Self.indexTask("t", docId: "d", text: ""), "text is required"),
            (Self.indexTask("t", docId: "d", text: "x").replacingOccurrences(of: "\"articles\"", with: "\"bad name!\""),
             "index \"bad name!\" is not a valid index name"),
            (Self.indexTask("t", docId: "d", text: "x").replacingOccurrences(of: "\"embeddingModel\": \"text-embedding-3-small\",", with: ""),
             "embeddingModel is required"),
            (Self.indexTask("t", docId: "d", text: "x").replacingOccurrences(of: "\"kb\"", with: "\"pineconedb\""),
             "vectorDB \"pineconedb\" is not supported"),
            (Self.indexTask("t", docId: "d", text: "x", extra: #", "chunkSize": 10, "chunkOverlap": 10"#),
             "chunkOverlap (10) must be smaller than chunkSize (10)"),
        ]
        for (task, message) in cases {
            let run = try await Self.run(engine, [task])
            #expect(run.status == .failed)
            let failed = try #require(run.tasks.first)
            #expect(failed.status == .failedWithTerminalError)
            #expect(failed.reasonForIncompletion?.contains(message) == true, "\(failed.reasonForIncompletion ?? "")")
            #expect(run.tasks.count == 1)
        }
    }

    @Test("vectors of another length than the index holds are refused, naming both lengths")
    func dimensionMismatch() async throws {
        let engine = try await Self.engine()
        defer { Task { await engine.shutdown() } }
        _ = try await Self.run(engine, [Self.indexTask("a", docId: "d1", text: "Refunds.")])
        let longer = Self.indexTask("b", docId: "d2", text: "Shipping.", extra: #", "dimensions": 64"#)
        let run = try await Self.run(engine, [longer])
        #expect(run.status == .failed)
        #expect(run.tasks.first?.reasonForIncompletion?.contains("holds 256-dimensional vectors; these have 64") == true)
    }

    @Test("indexed vectors survive a restart of the engine")
    func durable() async throws {
        let path = temporaryDatabasePath()
        let engine = try await Self.engine(path: path)
        _ = try await Self.run(engine, [Self.indexTask("a", docId: "refunds", text: Self.documents[0].text)])
        await engine.shutdown()
        let reopened = try await Self.engine(path: path)
        defer { Task { await reopened.shutdown() } }
        let def = try decodeDef(#"{"name": "s", "tasks": [\#(Self.search)]}"#)
        let id = try await reopened.startWorkflow(StartWorkflowRequest(name: "s", input: ["question": "refund"], workflowDef: def))
        let results = try #require(try await reopened.waitFor(id, timeout: .seconds(120)).task("search")?.outputData["result"]?.arrayValue)
        #expect(results.first?["docId"] == "refunds")
    }
}
