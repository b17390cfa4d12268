import Foundation
import NIOHTTP1
import Testing
import Workflow

/// Query parameters are read as form values, the way Conductor's servlet container reads them.
struct QueryDecodingTests {
    @Test(arguments: [
        ("done+testing", "done testing"), ("done%20testing", "done testing"), ("a%2Bb+c", "a+b c"), ("plain", "plain"),
    ])
    func terminationReasonIsFormDecoded(raw: String, expected: String) async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (registered, _) = try await server.request(.POST, "/api/metadata/workflow", body: ConductorAPITests.oneTaskWorkflow)
        #expect(registered == 200)
        let (started, id) = try await server.request(.POST, "/api/workflow/greet", body: #"{"who":"Ada"}"#)
        #expect(started == 200)
        let (terminated, _) = try await server.request(.DELETE, "/api/workflow/\(id)?reason=\(raw)")
        #expect(terminated == 200)
        let workflow: WorkflowExecution = try await server.json(.GET, "/api/workflow/\(id)")
        #expect(workflow.status == .terminated)
        #expect(workflow.reasonForIncompletion == expected)
    }
}
