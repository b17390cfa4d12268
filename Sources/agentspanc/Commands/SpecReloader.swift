import AgentSpec
import ConductorClient
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Worker

#if canImport(Glibc)
import Glibc
#endif

/// Reloads a running `agentspanc worker`'s specs on SIGHUP and, with `--watch`, when one of the files they were
/// read from changes (polled every second). A load with errors changes nothing: the worker keeps its tools and the
/// located errors are logged.
struct SpecReloader: Service {
    let worker: ToolWorker
    let specs: WorkerSpecs
    /// SIGHUP, trapped from before the worker announced itself, so an early signal cannot end the process.
    let hangups: UnixSignalsSequence
    let watch: Bool
    /// The load the worker started with.
    let initial: WorkerSpecs.Load
    let logger: Logger
    /// The server whose deployed tool locks reloaded tools must match (nil: not checked).
    var lockServer: ConductorClient? = nil
    /// `--allow-drift`: serve drifted tools, logging each.
    var allowDrift = false

    private enum Event: Sendable {
        case hangup, tick
    }

    func run() async {
        // Ended by graceful shutdown before the worker (it is the last service), so a reload never races the stop.
        await cancelWhenGracefulShutdown { await self.serve() }
    }

    private func serve() async {
        let (events, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let hangups = self.hangups
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups { continuation.yield(.hangup) }
            }
            if watch {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        continuation.yield(.tick)
                    }
                }
            }
            var loaded = initial.loaded
            var watched = initial.watched
            var snapshot = initial.snapshot.adding(watched)
            for await event in events {
                switch event {
                case .hangup:
                    logger.info("SIGHUP: reloading the specs")
                case .tick:
                    guard FileSnapshot(watched) != snapshot else { continue }
                    await settle(watched)
                    logger.info("a spec file changed: reloading the specs")
                }
                let previous = FileSnapshot(watched)
                let load = await reload(loaded: &loaded, watched: &watched)
                snapshot = load.snapshot.merging(previous).adding(watched)
            }
            group.cancelAll()
        }
    }

    /// Waits (briefly) until an editor is done writing.
    private func settle(_ files: [String]) async {
        var last = FileSnapshot(files)
        for _ in 0..<10 {
            try? await Task.sleep(for: .milliseconds(200))
            let now = FileSnapshot(files)
            if now == last { return }
            last = now
        }
    }

    /// Loads the specs again and hands them to the worker, unless a spec that served tools no longer loads.
    @discardableResult
    private func reload(loaded: inout Set<String>, watched: inout [String]) async -> WorkerSpecs.Load {
        let load = specs.load()
        watched = Array(Set(watched).union(load.watched)).sorted()
        // Files found in a directory that never loaded are other YAML, as at start; a spec that loaded must load.
        let broken = load.failures.filter { $0.explicit || loaded.contains($0.file) }
        for report in load.failures where !broken.contains(where: { $0.file == report.file }) {
            logger.warning("skipped \(report.file): it is not an agent spec", metadata: ["errors": .stringConvertible(report.error?.errors.count ?? 0)])
        }
        var problems: [String] = broken.flatMap { ($0.error?.errors ?? []).map(\.oneLine) }
        if let conflict = load.conflict { problems.append(conflict) }
        if problems.isEmpty, load.tools.isEmpty {
            problems.append("no tool with a run: binding and no system worker needed in \(specs.paths.joined(separator: " "))")
        }
        if problems.isEmpty, let lockServer {
            problems += await driftProblems(load, server: lockServer)
        }
        if problems.isEmpty {
            do {
                try worker.reload(load.tools)
                loaded = load.loaded
                watched = load.watched
                return load
            } catch {
                problems.append(error.description)
            }
        }
        for problem in problems { logger.error("\(problem)") }
        logger.error("reload failed (\(problems.count) error\(problems.count == 1 ? "" : "s")): still serving \(worker.taskNames.joined(separator: ", "))")
        return load
    }
}

extension SpecReloader {
    /// The tools of `load` that differ from the deployed workflows' tool locks, as problems that stop the reload
    /// (or, with `--allow-drift`, as logged warnings and no problem). A server that cannot be asked stops nothing.
    func driftProblems(_ load: WorkerSpecs.Load, server: ConductorClient) async -> [String] {
        let outcome: ToolLockCheck.Outcome
        do {
            outcome = try await ToolLockCheck.check(load.tools.bound, workflows: load.workflows, client: server)
        } catch {
            logger.warning("could not compare the reloaded tools with the server's tool lock: \(error)")
            return []
        }
        if allowDrift {
            for drift in outcome.drifts { logger.warning("serving despite drift (--allow-drift): \(drift.description)") }
            return []
        }
        return outcome.drifts.map(\.description)
    }
}

/// What identifies the current content of some files: inode, size and modification time, or absence.
struct FileSnapshot: Equatable, Sendable {
    private var states: [String: [Int]] = [:]

    init(_ paths: [String]) {
        for path in paths { record(path) }
    }

    /// Records the current state of `path` unless it is recorded already.
    mutating func record(_ path: String) {
        guard states[path] == nil else { return }
        var info = stat()
        states[path] = stat(path, &info) == 0
            ? [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)] : []
    }

    /// This snapshot, with `other`'s states of the paths it does not cover.
    func merging(_ other: FileSnapshot) -> FileSnapshot {
        var copy = self
        copy.states.merge(other.states) { mine, _ in mine }
        return copy
    }

    /// This snapshot with the current state of files it did not cover yet (newly watched ones).
    func adding(_ paths: [String]) -> FileSnapshot {
        var copy = self
        let current = FileSnapshot(paths.filter { states[$0] == nil })
        copy.states.merge(current.states) { old, _ in old }
        copy.states = copy.states.filter { paths.contains($0.key) }
        return copy
    }
}
