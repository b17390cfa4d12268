import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import Workflow

@testable import Server

/// Errors nobody expected become a plain 500; their text (which may hold SQL or Swift types) stays in the log.
@Suite struct ErrorMappingTests {
    struct StoreFailure: Error, CustomStringConvertible {
        var description: String { "SQLite error 1: no such table: execution - while executing `SELECT json FROM execution`" }
    }

    @Test func anUnexpectedErrorIsAPlain500WithoutItsText() async throws {
        let router = Router(context: ServerRequestContext.self)
        let table = RouteTable()
        router.add(middleware: ErrorMappingMiddleware(routes: table, logger: Logger(label: "test")))
        let routes = RecordingRouter(router: router, table: table)
        routes.get("boom") { _, _ -> Response in throw StoreFailure() }
        routes.get("engine") { _, _ -> Response in throw EngineError(.internal, "SQLite error 19: UNIQUE constraint failed: task.id") }
        let app = Application(router: router)
        try await app.test(.router) { client in
            for path in ["/boom", "/engine"] {
                try await client.execute(uri: path, method: .get) { response in
                    let body = String(buffer: response.body)
                    #expect(response.status == .internalServerError)
                    #expect(!body.contains("SQL") && !body.contains("SELECT") && !body.contains("Error("), "\(body)")
                    let error = try JSONValue.parse(body)
                    #expect(error["message"].stringValue == ErrorMappingMiddleware.internalMessage)
                    #expect(error["retryable"] == true)
                }
            }
        }
    }
}
