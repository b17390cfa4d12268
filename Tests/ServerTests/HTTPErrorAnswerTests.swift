import Foundation
import NIOHTTP1
import Testing
import Workflow

/// Every refusal is a JSON error with a plain sentence: wrong method, too large, unknown values, ranges, and
/// updates that contradict the task. None shows Swift's debug text.
@Suite struct HTTPErrorAnswerTests {
    /// The error body's message, checked for the shape every error has.
    func message(_ body: String, status: Int) throws -> String {
        let error = try JSONValue.parse(body)
        #expect(error["status"] == .int(status), "\(body)")
        #expect(!body.contains("APIError("), "\(body)")
        #expect(!body.contains("EngineError"), "\(body)")
        #expect(!body.lowercased().contains("sqlite"), "\(body)")
        return error["message"].stringValue ?? ""
    }

    @Test func aWrongMethodIs405WithAllow() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, headers, body) = try await server.exchange(.GET, "/api/workflow")
        #expect(status == 405, "\(body)")
        #expect(headers.first(name: "Allow") == "POST")
        #expect(try message(body, status: 405).contains("GET is not allowed on /api/workflow"))
        let (deleteList, deleteHeaders, _) = try await server.exchange(.DELETE, "/api/agent/list")
        #expect(deleteList == 405)
        #expect(deleteHeaders.first(name: "Allow") == "GET")
        let (patch, patchHeaders, _) = try await server.exchange(.PATCH, "/api/metadata/taskdefs")
        #expect(patch == 405)
        #expect(patchHeaders.first(name: "Allow") == "GET, POST, PUT")
        let (unknown, _, unknownBody) = try await server.exchange(.GET, "/api/nothing/here")
        #expect(unknown == 404)
        #expect(try message(unknownBody, status: 404).contains("no route GET /api/nothing/here"))
    }

    @Test func aBodyAboveTheLimitIs413() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let huge = #"{"name":""# + String(repeating: "x", count: 17 * 1024 * 1024) + #""}"#
        let (status, body) = try await server.request(.POST, "/api/workflow", body: huge)
        #expect(status == 413)
        #expect(try message(body, status: 413).contains("larger than 16 MiB"), "\(body)")
    }

    @Test func aBodyNestedHundredsOfLevelsDeepIsRefusedBeforeDecoding() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let deep = String(repeating: #"{"a":"#, count: 500) + "1" + String(repeating: "}", count: 500)
        let def = #"{"name":"deep","version":1,"tasks":[{"name":"w","taskReferenceName":"w","type":"SIMPLE","inputParameters":"#
            + deep + "}]}"
        let (status, body) = try await server.request(.POST, "/api/metadata/workflow", body: def)
        #expect(status == 400, "\(body)")
        #expect(try message(body, status: 400).contains("nested deeper than 100 levels"), "\(body)")
        // Brackets inside strings do not count, and a shallow body with many of them is accepted.
        let text = String(repeating: "[{", count: 200)
        let shallow = #"{"name":"brackets","version":1,"description":""# + text
            + #"","tasks":[{"name":"w","taskReferenceName":"w","type":"SIMPLE"}]}"#
        let (accepted, acceptedBody) = try await server.request(.POST, "/api/metadata/workflow", body: shallow)
        #expect(accepted == 200, "\(acceptedBody)")
    }

    @Test func pathIdsArePercentDecoded() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let def = #"{"name":"my flow","version":1,"tasks":[{"name":"w","taskReferenceName":"w","type":"SIMPLE"}]}"#
        let (registered, text) = try await server.request(.POST, "/api/metadata/workflow", body: def)
        #expect(registered == 200, "\(text)")
        let found: WorkflowDef = try await server.json(.GET, "/api/metadata/workflow/my%20flow")
        #expect(found.name == "my flow")
        let (started, id) = try await server.request(.POST, "/api/workflow/my%20flow", body: "{}")
        #expect(started == 200, "\(id)")
    }

    @Test func unknownValuesAndOutOfRangeNumbersAre400NamingTheField() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let cases: [(HTTPMethod, String, String?, String)] = [
            (.POST, "/api/metadata/workflow",
             #"{"name":"t","tasks":[{"name":"a","taskReferenceName":"a","type":"SIMPEL"}]}"#, "tasks[0].type: unknown task type 'SIMPEL'"),
            (.POST, "/api/metadata/taskdefs", #"[{"name":"ok"},{"name":"bad","retryCount":-5}]"#, "[1].retryCount: -5 is out of range"),
            (.PUT, "/api/metadata/taskdefs", #"{"name":"bad","responseTimeoutSeconds":-1}"#, "responseTimeoutSeconds: -1 is out of range"),
            (.POST, "/api/metadata/taskdefs", #"[{"name":"bad","timeoutSeconds":9223372036854775807}]"#, "[0].timeoutSeconds"),
            (.POST, "/api/metadata/taskdefs", #"[{"name":"bad","pollTimeoutSeconds":-3}]"#, "[0].pollTimeoutSeconds"),
            (.POST, "/api/metadata/taskdefs", #"[{"name":"bad","retryDelaySeconds":-3}]"#, "[0].retryDelaySeconds"),
            (.POST, "/api/metadata/workflow",
             #"{"name":"t","timeoutSeconds":-10,"tasks":[{"name":"a","taskReferenceName":"a","type":"SIMPLE"}]}"#, "timeoutSeconds: -10"),
            (.POST, "/api/metadata/workflow",
             #"{"name":"t","tasks":[{"name":"s","taskReferenceName":"s","type":"SWITCH","expression":"x","evaluatorType":"value-param","decisionCases":{"a":[{"name":"a","taskReferenceName":"a","type":"SIMPLE","retryCount":-1}]}}]}"#,
             "tasks[0].decisionCases.a[0].retryCount"),
            (.POST, "/api/metadata/workflow",
             #"{"name":"t","tasks":[{"name":"w","taskReferenceName":"w","type":"WAIT","inputParameters":{"duration":"-5"}}]}"#,
             "tasks[0].inputParameters.duration: -5 is out of range"),
            (.POST, "/api/workflow",
             #"{"name":"x","workflowDef":{"name":"t","tasks":[{"name":"a","taskReferenceName":"a","type":"BOGUS"}]}}"#,
             "workflowDef.tasks[0].type: unknown task type 'BOGUS'"),
            (.GET, "/api/workflow/search?status=BOGUS", nil, "query parameter status: 'BOGUS' is not a workflow status"),
            (.GET, "/api/agent/executions?status=BOGUS", nil, "query parameter status"),
            (.GET, "/api/metadata/workflow/t?version=abc", nil, "query parameter version: 'abc' is not an integer"),
            (.POST, "/api/workflow/t?version=abc", "{}", "query parameter version"),
            (.GET, "/api/tasks/poll/batch/x?count=lots", nil, "query parameter count"),
        ]
        for (method, path, body, expected) in cases {
            let (status, text) = try await server.request(method, path, body: body)
            #expect(status == 400, "\(method) \(path): \(text)")
            #expect(try message(text, status: 400).contains(expected), "\(method) \(path): \(text)")
        }
        let defs: [TaskDef] = try await server.json(.GET, "/api/metadata/taskdefs")
        #expect(defs.isEmpty, "a refused batch registers nothing")
    }

    @Test func aTaskDefinitionNamesAUserDefinedType() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (registered, _) = try await server.request(.POST, "/api/metadata/taskdefs", body: #"[{"name":"MY_TYPE"}]"#)
        #expect(registered == 200)
        let (status, text) = try await server.request(
            .POST, "/api/metadata/workflow", body: #"{"name":"t","tasks":[{"name":"a","taskReferenceName":"a","type":"MY_TYPE"}]}"#)
        #expect(status == 200, "\(text)")
    }

    @Test func taskUpdatesMustMatchTheTaskAndItsEnd() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.request(.POST, "/api/metadata/workflow", body: ConductorAPITests.oneTaskWorkflow)
        let (_, id) = try await server.request(.POST, "/api/workflow/greet", body: #"{"who":"Ada"}"#)
        let (_, other) = try await server.request(.POST, "/api/workflow/greet", body: #"{"who":"Bob"}"#)
        let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/say_hello?count=1&timeout=1000")
        let task = try #require(tasks.first)
        let wrongExecution = task.workflowInstanceId == id ? other : id

        func update(_ workflow: String, _ status: String, extra: String = "") async throws -> (Int, String) {
            try await server.request(
                .POST, "/api/tasks",
                body: #"{"workflowInstanceId":"\#(workflow)","taskId":"\#(task.taskId)","status":"\#(status)","outputData":{"text":"hi"}\#(extra)}"#)
        }
        let (mismatch, mismatchBody) = try await update(wrongExecution, "COMPLETED")
        #expect(mismatch == 400)
        #expect(try message(mismatchBody, status: 400).contains("workflowInstanceId: task \(task.taskId) belongs to execution \(task.workflowInstanceId)"))
        let (bogus, bogusBody) = try await update(task.workflowInstanceId, "BOGUS")
        #expect(bogus == 400, "\(bogusBody)")
        let (negative, negativeBody) = try await update(task.workflowInstanceId, "IN_PROGRESS", extra: #","callbackAfterSeconds":-1"#)
        #expect(negative == 400)
        #expect(try message(negativeBody, status: 400).contains("callbackAfterSeconds: -1 is out of range"))

        let (completed, _) = try await update(task.workflowInstanceId, "COMPLETED")
        #expect(completed == 200)
        let (again, _) = try await update(task.workflowInstanceId, "COMPLETED")
        #expect(again == 200, "the same end again is a harmless retry")
        let (failed, failedBody) = try await update(task.workflowInstanceId, "FAILED")
        #expect(failed == 409)
        #expect(try message(failedBody, status: 409).contains("has already ended COMPLETED"))
        let run: WorkflowExecution = try await server.json(.GET, "/api/workflow/\(task.workflowInstanceId)")
        #expect(run.status == .completed)
    }

    @Test func aBulkRegistrationReportsPlainMessages() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, body) = try await server.request(
            .PUT, "/api/metadata/workflow",
            body: #"[{"name":"good","tasks":[{"name":"a","taskReferenceName":"a","type":"SIMPLE"}]},{"name":"bad","tasks":[]}]"#)
        #expect(status == 200)
        #expect(!body.contains("APIError("), "\(body)")
        #expect(!body.contains("INVALID_ARGUMENT"), "\(body)")
        let result = try JSONValue.parse(body)
        #expect(result["bulkSuccessfulResults"] == ["good"])
        #expect(result["bulkErrorResults"]["bad"].stringValue?.contains("at least one task") == true, "\(body)")
    }
}
