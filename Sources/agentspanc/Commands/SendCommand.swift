import AgentRuntime
import ArgumentParser
import Foundation
import Workflow

/// `agentspanc send ID MESSAGE|@file.json`: sends a message to an execution's message queue.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message to an agent that waits for messages (a pull_workflow_messages tool); prints its id.",
        discussion: """
            MESSAGE is sent as it is when it is a JSON object, otherwise as {"message": MESSAGE} (plain text stays \
            text), as Agentspan's send_message does. @file.json reads the message from a file; a JSON array there (or \
            as MESSAGE) sends each element as one message, in order, in one request.
            """)

    @Argument(help: "Execution id.") var executionID: String
    @Argument(help: ArgumentHelp("The message: text, JSON, or @file.json.", valueName: "message")) var message: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let value = try Self.messageValue(message)
        let handle = AgentHandle(executionID: executionID, runtime: client.runtime)
        if case .array(let items) = value {
            guard !items.isEmpty else { throw ValidationError("\(message): the array is empty; there is no message to send") }
            for id in try await handle.sendAll(items) { print(id) }
        } else {
            print(try await handle.send(value))
        }
    }

    /// The JSON value of `text` (a file's JSON for `@path`); text that is not JSON is a string.
    static func messageValue(_ text: String) throws -> JSONValue {
        guard text.hasPrefix("@") else { return (try? JSONValue.parse(text)) ?? .string(text) }
        let path = String(text.dropFirst())
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot read the file")
        }
        do {
            return try JSONValue.parse(data)
        } catch {
            throw ValidationError("\(path): not valid JSON (\(error))")
        }
    }
}
