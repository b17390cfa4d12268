import Foundation
import Logging
import Synchronization
import Workflow

/// The plugin side of ``PluginProtocol``: serves Swift ``Tool``s over stdin/stdout so the generic
/// `agentspanc worker` can run them with `run: {plugin: PATH}`.
///
/// A plugin executable is a few lines:
/// ```swift
/// @main struct MyTools {
///     static func main() async { await PluginHost.serve([WordCount(), ReverseText()]) }
/// }
/// ```
public enum PluginHost {
    /// Writes the hello line, then answers requests (concurrently) until stdin ends. Logs go to stderr.
    public static func serve(_ tools: [any Tool]) async {
        await serve(tools, lines: standardInputLines(), write: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
    }

    /// The protocol loop over any line source and sink (used by ``serve(_:)`` and tests).
    static func serve(
        _ tools: [any Tool], lines: AsyncStream<String>, write: @escaping @Sendable (String) -> Void
    ) async {
        let executors = Dictionary(tools.map { makeExecutor($0) }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let infos = tools.map { info(for: $0) }
        let output = LineWriter(write)
        output.send(PluginProtocol.Hello(tools: infos))
        // stdout carries the protocol: logs must go to stderr whatever the process bootstrapped.
        let logger = Logger(label: "agentspanc.plugin", factory: { label in StreamLogHandler.standardError(label: label) })
        await withTaskGroup(of: Void.self) { group in
            for await line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let request: PluginProtocol.Request
                do {
                    request = try JSONDecoder().decode(PluginProtocol.Request.self, from: Data(line.utf8))
                } catch {
                    let id = (try? JSONValue.parse(line))?["id"].stringValue ?? ""
                    output.send(PluginProtocol.Response(id: id, error: "unreadable request: \(error)", terminal: true))
                    continue
                }
                group.addTask {
                    output.send(await handle(request, executors: executors, logger: logger))
                }
            }
        }
    }

    static func handle(
        _ request: PluginProtocol.Request, executors: [String: any ToolExecutor], logger: Logger
    ) async -> PluginProtocol.Response {
        guard let executor = executors[request.tool] else {
            let known = executors.keys.sorted().joined(separator: ", ")
            return PluginProtocol.Response(
                id: request.id, error: "this plugin has no tool '\(request.tool)' (it serves: \(known))", terminal: true)
        }
        var logger = logger
        logger[metadataKey: "taskId"] = .string(request.taskId)
        logger[metadataKey: "tool"] = .string(request.tool)
        let invocation = ToolInvocation(
            input: request.arguments, taskID: request.taskId, executionID: request.executionId, toolName: request.tool,
            referenceTaskName: "", attempt: request.attempt ?? 0, logger: logger)
        let outcome = await executor.execute(invocation)
        switch outcome.status {
        case .completed:
            return PluginProtocol.Response(id: request.id, output: .object(outcome.output))
        case .failed:
            return PluginProtocol.Response(id: request.id, error: outcome.reason ?? "failed", terminal: false)
        case .failedWithTerminalError:
            return PluginProtocol.Response(id: request.id, error: outcome.reason ?? "failed", terminal: true)
        }
    }

    private static func makeExecutor<T: Tool>(_ tool: T) -> any ToolExecutor { SwiftToolExecutor(tool) }

    private static func info<T: Tool>(for tool: T) -> PluginProtocol.ToolInfo {
        PluginProtocol.ToolInfo(
            name: T.name, description: T.description.isEmpty ? nil : T.description, inputSchema: T.inputSchema,
            idempotent: T.isIdempotent ? nil : false)
    }

    /// Lines of stdin, read on a dedicated thread (blocking reads must not occupy the cooperative pool).
    static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) {
                    continuation.yield(line)
                }
                continuation.finish()
            }
            thread.start()
        }
    }
}

/// Serialises whole lines onto one output.
private final class LineWriter: Sendable {
    private let lock = Mutex(())
    private let write: @Sendable (String) -> Void

    init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    func send<T: Encodable>(_ message: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(message) else { return }
        let line = String(decoding: data, as: UTF8.self)
        lock.withLock { _ in write(line) }
    }
}
