import Foundation
import Logging
import Subprocess
import Synchronization
import Workflow

#if canImport(Glibc)
import Glibc
#endif

/// A long-lived plugin executable speaking ``PluginProtocol``, shared by every tool bound to it.
///
/// Started on the first call; if it exits, calls in flight fail (retryably) and the next call starts it again,
/// with a growing delay when it keeps crashing.
actor PluginProcess {
    /// Resolved path of the executable.
    let path: String
    let workingDirectory: String
    let environment: [String: String]
    private let logger: Logger
    /// Counts restarts (starts after the first).
    private let metrics: WorkerMetrics?

    private enum State {
        case stopped
        case starting([CheckedContinuation<Void, any Error>])
        case running(AsyncStream<String>.Continuation)
    }

    private var state: State = .stopped
    private var pending: [String: CheckedContinuation<PluginProtocol.Response, any Error>] = [:]
    private var nextID = 0
    private var consecutiveCrashes = 0
    private var lastExit: ContinuousClock.Instant?
    private var generation = 0
    private var runner: Task<Void, Never>?
    /// What the plugin announced in its hello line.
    private(set) var tools: [PluginProtocol.ToolInfo] = []
    /// How many times the plugin process was started (for tests and logs).
    private(set) var starts = 0

    /// The plugin's protocol or start-up is broken: a spec/plugin problem, not worth retrying.
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// The plugin exited while a call was in flight.
    struct ExitError: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String, workingDirectory: String, environment: [String: String], logger: Logger, metrics: WorkerMetrics? = nil) {
        self.path = path
        self.metrics = metrics
        self.workingDirectory = workingDirectory
        self.environment = environment
        var logger = logger
        logger[metadataKey: "plugin"] = .string(path)
        self.logger = logger
    }

    /// Sends one request and waits for its response.
    func call(_ request: PluginProtocol.Request) async throws -> PluginProtocol.Response {
        try await ensureRunning()
        guard case .running(let outgoing) = state else {
            throw ExitError(description: "plugin \(path) is not running")
        }
        var request = request
        nextID += 1
        request.id = String(nextID)
        let id = request.id
        let line = Self.encode(request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pending[id] = continuation
                if case .terminated = outgoing.yield(line) {
                    pending.removeValue(forKey: id)?.resume(
                        throwing: ExitError(description: "plugin \(path) exited before it received the call"))
                }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// Closes the plugin's stdin (it should exit); after `grace` its process group is terminated.
    func stop(grace: Duration = .seconds(5)) async {
        if case .running(let outgoing) = state { outgoing.finish() }
        guard let runner = self.runner else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await runner.value }
            group.addTask {
                do {
                    try await Task.sleep(for: grace)
                    runner.cancel()
                } catch {}
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func abandon(_ id: String) {
        pending.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    private func ensureRunning() async throws {
        switch state {
        case .running:
            return
        case .starting:
            try await withCheckedThrowingContinuation { continuation in
                if case .starting(var waiters) = state {
                    waiters.append(continuation)
                    state = .starting(waiters)
                } else if case .running = state {
                    continuation.resume()
                } else {
                    continuation.resume(throwing: ExitError(description: "plugin \(path) failed to start"))
                }
            }
        case .stopped:
            state = .starting([])
            if consecutiveCrashes > 0, let lastExit {
                let delay = Duration.milliseconds(min(30_000, 250 << min(consecutiveCrashes - 1, 7)))
                let wait = lastExit + delay - ContinuousClock.now
                if wait > .zero { try? await Task.sleep(for: wait) }
            }
            do {
                let outgoing = try await start()
                guard exitedGeneration != generation else {
                    throw ExitError(description: "plugin \(path) exited right after it started (\(lastExitStatus ?? "unknown status"))")
                }
                let waiters: [CheckedContinuation<Void, any Error>]
                if case .starting(let list) = state { waiters = list } else { waiters = [] }
                state = .running(outgoing)
                for waiter in waiters { waiter.resume() }
            } catch {
                if case .starting(let waiters) = state {
                    for waiter in waiters { waiter.resume(throwing: error) }
                }
                state = .stopped
                consecutiveCrashes += 1
                lastExit = .now
                throw error
            }
        }
    }

    /// Starts the process and waits for its hello line; returns the channel for request lines. The caller
    /// moves the state to `.running`.
    private func start() async throws -> AsyncStream<String>.Continuation {
        generation += 1
        starts += 1
        if starts > 1 { metrics?.pluginRestarted(path) }
        let generation = self.generation
        let (outgoing, outgoingContinuation) = AsyncStream<String>.makeStream()
        let (hello, helloContinuation) = AsyncStream<Result<PluginProtocol.Hello, StartError>>.makeStream()
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        var env: [Environment.Key: String] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { env[key] = value }
        }
        let configuration = Configuration(
            executable: .path(.init(path)), arguments: [], environment: .custom(env),
            workingDirectory: .init(workingDirectory), platformOptions: options)
        let logger = self.logger
        ProcessRunner.ignoreBrokenPipes()
        runner = Task.detached {
            let status: String
            do {
                let result = try await Subprocess.run(
                    configuration, input: .inputWriter, output: .sequence, error: .sequence
                ) { execution in
                    let writer = execution.standardInputWriter
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await line in outgoing {
                                do {
                                    _ = try await writer.write(Array((line + "\n").utf8))
                                } catch {
                                    break
                                }
                            }
                            try? await writer.finish()
                        }
                        group.addTask {
                            var greeted = false
                            do {
                                for try await line in execution.standardOutput.strings() {
                                    if !greeted {
                                        greeted = true
                                        helloContinuation.yield(Self.parseHello(line))
                                        helloContinuation.finish()
                                        continue
                                    }
                                    await self.received(line, generation: generation)
                                }
                            } catch {}
                            helloContinuation.finish()
                            // The plugin closed stdout (it is exiting): stop the writer too.
                            outgoingContinuation.finish()
                        }
                        group.addTask {
                            do {
                                for try await line in execution.standardError.strings() {
                                    logger.info("\(line)")
                                }
                            } catch {}
                        }
                    }
                }
                status = result.terminationStatus.description
            } catch {
                helloContinuation.finish()
                status = "failed to start: \(error)"
            }
            await self.exited(status, generation: generation)
        }

        let first = await withTaskGroup(of: Result<PluginProtocol.Hello, StartError>?.self) { group in
            group.addTask { await hello.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                return .failure(StartError(description: "plugin \(self.path) sent no hello line within 15 s"))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch first {
        case .success(let greeting):
            tools = greeting.tools
            logger.info("plugin started", metadata: ["tools": .string(greeting.tools.map(\.name).joined(separator: ","))])
            return outgoingContinuation
        case .failure(let error):
            outgoingContinuation.finish()
            runner?.cancel()
            throw error
        case nil:
            outgoingContinuation.finish()
            await runner?.value
            throw StartError(description: "plugin \(path) exited before its hello line (\(lastExitStatus ?? "unknown status"))")
        }
    }

    private var lastExitStatus: String?
    /// The generation whose process has exited (so a start that raced with an exit is not taken as running).
    private var exitedGeneration = 0

    private func received(_ line: String, generation: Int) {
        guard generation == self.generation, !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        guard let response = try? JSONDecoder().decode(PluginProtocol.Response.self, from: Data(line.utf8)) else {
            logger.warning("plugin wrote a line that is not a protocol response", metadata: ["line": .string(String(line.prefix(200)))])
            return
        }
        if let continuation = pending.removeValue(forKey: response.id) {
            consecutiveCrashes = 0
            continuation.resume(returning: response)
        }
    }

    private func exited(_ status: String, generation: Int) {
        guard generation == self.generation else { return }
        exitedGeneration = generation
        lastExitStatus = status
        lastExit = .now
        runner = nil
        // While starting, `start()` sees the exit through the hello stream and reports it.
        if case .running(let outgoing) = state {
            outgoing.finish()
            state = .stopped
        }
        let failed = pending
        pending.removeAll()
        if !failed.isEmpty {
            consecutiveCrashes += 1
            logger.warning("plugin exited with calls in flight", metadata: ["status": .string(status), "calls": .stringConvertible(failed.count)])
        } else {
            logger.info("plugin exited", metadata: ["status": .string(status)])
        }
        for (_, continuation) in failed {
            continuation.resume(throwing: ExitError(description: "plugin \(path) exited (\(status)) during the call"))
        }
    }

    private static func parseHello(_ line: String) -> Result<PluginProtocol.Hello, StartError> {
        guard let hello = try? JSONDecoder().decode(PluginProtocol.Hello.self, from: Data(line.utf8)),
            hello.protocol == PluginProtocol.name
        else {
            return .failure(StartError(description: "plugin's first line is not an \(PluginProtocol.name) hello: \(line.prefix(200))"))
        }
        guard hello.version == PluginProtocol.version else {
            return .failure(StartError(
                description: "plugin speaks protocol version \(hello.version); this worker speaks \(PluginProtocol.version)"))
        }
        return .success(hello)
    }

    private static func encode(_ request: PluginProtocol.Request) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(request)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
