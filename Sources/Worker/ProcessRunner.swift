import Foundation
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one process for a tool call: no shell, a clean environment, its own session, both output pipes drained
/// concurrently with size caps, and a timeout. A timeout or cancellation ends the call's whole process tree
/// (``ToolProcessTree``), descendants that left the session included.
struct ProcessRunner: Sendable {
    /// What to run.
    struct Request: Sendable {
        /// An absolute or relative path (contains `/`), or a name looked up in the environment's `PATH`.
        var program: String
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String
        var standardInput: Data?
        var timeout: Duration
        /// Stdout beyond this is read and discarded (the head is kept).
        var maxOutputBytes: Int
        /// Only the last bytes of stderr are kept.
        var maxErrorBytes: Int = 64 * 1024
        /// Time between SIGTERM and SIGKILL when the process tree is torn down.
        var killGrace: Duration = .seconds(2)
    }

    /// How the process ended.
    enum Termination: Sendable, Hashable {
        case exited(Int32)
        case signaled(Int32)
        /// Killed (with every process it started) because it ran longer than the timeout.
        case timedOut
    }

    /// What the process produced.
    struct Result: Sendable {
        var termination: Termination
        var standardOutput: Data
        var outputTruncated: Bool
        /// The tail of stderr.
        var standardError: Data
        var errorTruncated: Bool
        var processID: Int32
        var duration: Duration
    }

    /// The process could not be started.
    struct LaunchError: Error, Sendable, CustomStringConvertible {
        var description: String
        /// The program does not exist or is not executable: a spec problem, not worth retrying.
        var isPermanent: Bool
        /// `exec` said ETXTBSY: some process (often one forked while the file was being written, before its
        /// exec closed the descriptor) still holds the program open for writing. Transient.
        var isTextFileBusy = false
    }

    /// Waits before each new launch attempt while the program is "text file busy": a freshly written script
    /// can be briefly held open for writing by a concurrently forked process until that child execs.
    static let busyRetryDelays: [Duration] = [.milliseconds(5), .milliseconds(20), .milliseconds(50),
                                              .milliseconds(100), .milliseconds(250), .milliseconds(500)]

    /// Runs the request. Cancellation of the calling task tears the process tree down (SIGTERM, then
    /// SIGKILL) and rethrows `CancellationError`.
    static func run(_ request: Request) async throws -> Result {
        for delay in busyRetryDelays {
            do {
                return try await runOnce(request)
            } catch let error as LaunchError where error.isTextFileBusy {
                try await Task.sleep(for: delay)
            }
        }
        return try await runOnce(request)
    }

    private static func runOnce(_ request: Request) async throws -> Result {
        ignoreBrokenPipes()
        let clock = ContinuousClock()
        let started = clock.now
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: request.killGrace)]
        let executable: Executable
        if request.program.contains("/") {
            executable = .path(.init(request.program))
        } else if let found = ExecutableLookup.shared.resolve(
            request.program, searchPath: request.environment["PATH"] ?? ToolEnvironment.defaultPath)
        {
            executable = .path(.init(found))
        } else {
            // Not found (or PATH has relative entries): the launch reports it as before.
            executable = .name(request.program)
        }
        var environment: [Environment.Key: String] = [:]
        for (key, value) in request.environment {
            if let key = Environment.Key(rawValue: key) { environment[key] = value }
        }
        // Every process of the call inherits the marker, so the whole tree can be found when it must end.
        let marker = ToolProcessTree.newMarker()
        if let key = Environment.Key(rawValue: ToolProcessTree.markerName) { environment[key] = marker }
        let configuration = Configuration(
            executable: executable, arguments: Arguments(request.arguments), environment: .custom(environment),
            workingDirectory: .init(request.workingDirectory), platformOptions: options)

        let capture = Capture(maxOutput: request.maxOutputBytes, maxError: request.maxErrorBytes)
        let processTree = Mutex<ToolProcessTree?>(nil)
        let execution: ExecutionResult<Bool, SequenceOutput, SequenceOutput>
        do {
            execution = try await Subprocess.run(
                configuration, input: .inputWriter, output: .sequence, error: .sequence
            ) { execution in
                let pid = execution.processIdentifier.value
                let tree = ToolProcessTree(leader: pid, leaderStartTime: ProcFS.stat(of: pid)?.startTime, marker: marker)
                processTree.withLock { $0 = tree }
                // On disk while it runs, so a worker started after this one dies can end it.
                let registration = ToolProcessRegistry.shared.remember(tree)
                defer { ToolProcessRegistry.shared.forget(registration) }
                // Subprocess's teardown only reaches the process group; processes that left it get SIGTERM here.
                return await withTaskCancellationHandler {
                    await withTaskGroup(of: Bool.self) { group in
                        let writer = execution.standardInputWriter
                        group.addTask {
                            if let input = request.standardInput, !input.isEmpty {
                                // A tool that exits without reading its input is not an error.
                                _ = try? await writer.write([UInt8](input))
                            }
                            try? await writer.finish()
                            return false
                        }
                        group.addTask {
                            do {
                                for try await buffer in execution.standardOutput {
                                    buffer.withUnsafeBytes { capture.appendOutput($0) }
                                }
                            } catch {}
                            return false
                        }
                        group.addTask {
                            do {
                                for try await buffer in execution.standardError {
                                    buffer.withUnsafeBytes { capture.appendError($0) }
                                }
                            } catch {}
                            return false
                        }
                        group.addTask {
                            // The watchdog: on timeout, SIGTERM the whole tree, then SIGKILL it.
                            do {
                                try await Task.sleep(for: request.timeout)
                            } catch {
                                return false
                            }
                            tree.signal(SIGTERM)
                            try? await Task.sleep(for: request.killGrace)
                            tree.killAll()
                            return true
                        }
                        var pipesDone = 0
                        var timedOut = false
                        while let watchdogFired = await group.next() {
                            if watchdogFired {
                                timedOut = true
                            } else {
                                pipesDone += 1
                                if pipesDone == 3 { group.cancelAll() }
                            }
                        }
                        return timedOut
                    }
                } onCancel: {
                    tree.signal(SIGTERM)
                }
            }
        } catch let error as SubprocessError {
            if Task.isCancelled { processTree.withLock { $0 }?.killAll() }
            throw launchError(error, program: request.program)
        } catch {
            // Cancelled: the group and the tree had SIGTERM and the grace period; make sure nothing survives.
            processTree.withLock { $0 }?.killAll()
            throw error
        }
        let tree = processTree.withLock { $0 }
        if Task.isCancelled {
            tree?.killAll()
            throw CancellationError()
        }
        let timedOut = execution.closureResult
        if timedOut {
            // Processes that ignored SIGTERM or outlived the leader may still run.
            tree?.killAll()
        }
        let termination: Termination
        switch execution.terminationStatus {
        case .exited(let code): termination = timedOut ? .timedOut : .exited(code)
        case .signaled(let signal): termination = timedOut ? .timedOut : .signaled(signal)
        }
        let captured = capture.result()
        return Result(
            termination: termination, standardOutput: captured.output, outputTruncated: captured.outputTruncated,
            standardError: captured.error, errorTruncated: captured.errorTruncated,
            processID: execution.processIdentifier.value, duration: clock.now - started)
    }

    private static func launchError(_ error: SubprocessError, program: String) -> any Error {
        if Task.isCancelled { return CancellationError() }
        let permanent = error.code == .executableNotFound
        let text = permanent ? "program '\(program)' not found or not executable" : "could not start '\(program)': \(error)"
        return LaunchError(description: text, isPermanent: permanent, isTextFileBusy: error.underlyingError == .textFileBusy)
    }

    private static let brokenPipesIgnored: Void = {
        // A tool that exits before reading its stdin would otherwise kill the worker with SIGPIPE.
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    static func ignoreBrokenPipes() {
        _ = brokenPipesIgnored
    }
}

/// Collects stdout (head, capped) and stderr (tail, capped) from concurrent readers.
private final class Capture: Sendable {
    struct State {
        var output = Data()
        var outputTruncated = false
        var error = Data()
        var errorTruncated = false
    }

    private let state = Mutex(State())
    private let maxOutput: Int
    private let maxError: Int

    init(maxOutput: Int, maxError: Int) {
        self.maxOutput = max(0, maxOutput)
        self.maxError = max(0, maxError)
    }

    func appendOutput(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            let room = maxOutput - state.output.count
            if bytes.count <= room {
                state.output.append(contentsOf: bytes)
            } else {
                if room > 0 { state.output.append(contentsOf: bytes.prefix(room)) }
                state.outputTruncated = true
            }
        }
    }

    func appendError(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            state.error.append(contentsOf: bytes)
            if state.error.count > maxError {
                state.error = state.error.suffix(maxError)
                state.errorTruncated = true
            }
        }
    }

    func result() -> State {
        state.withLock { $0 }
    }
}
