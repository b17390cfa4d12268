import Foundation
import Workflow

/// LLM_STORE_EMBEDDINGS: stores the vector `embeddings` under `id` (a fresh UUID when absent) with `metadata` in
/// `vectorDB` / `index` / `namespace`, replacing a record of the same id. Output: `{result: 1}` (records written).
enum StoreEmbeddingsTask {
    static func run(_ input: [String: JSONValue], services: RAGServices) async -> EngineTaskOutcome {
        await ragOutcome {
            let fields = RAGTaskInput(input)
            let collection = try fields.collection()
            let vector = try fields.embeddings()
            let id = fields.string("id") ?? UUID().uuidString
            let store = try services.stores.store(for: collection.vectorDB)
            let record = VectorRecord(id: id, parentDocId: id, text: "", metadata: try fields.metadata(), vector: vector)
            let written = try await store.store([record], replacingParent: nil, in: collection)
            return ["result": .int(written)]
        }
    }
}
