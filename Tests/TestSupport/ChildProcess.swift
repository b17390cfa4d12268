import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real child process started with `posix_spawn`, its output going to files, so tests can kill it (-9 included)
/// and read what it printed.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private var exitStatus: Int32?

    /// True when the child leads its own process group, so ``killGroup()`` also reaches the processes it forks.
    public let ownsProcessGroup: Bool

    /// Starts `executable` with `arguments`; stdin is /dev/null unless `stdinPath` is given. With `processGroup`
    /// the child starts a process group of its own.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdinPath: String? = nil,
        processGroup: Bool = false
    ) throws {
        ownsProcessGroup = processGroup
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("agentspanc-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        stdoutPath = scratch.appendingPathComponent("stdout").path
        stderrPath = scratch.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else the test process has open leaks into the child: a file another test is writing at this
        // moment would otherwise stay open for writing as long as the child lives, and exec'ing it would fail
        // with ETXTBSY.
        closeInheritedDescriptors(&actions)

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = [executable] + arguments
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner blocks SIGTERM and others; a child would inherit that mask (and so would everything it
        // forks, which then ignores its parent's SIGTERM). Start children with nothing blocked, as a shell does.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK)
        if processGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        pid = child
        LiveChildren.shared.add(child, group: processGroup)
    }

    /// Everything written to stdout so far.
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// Everything written to stderr so far.
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends a signal.
    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the exit (polling, so a test can bound it) and returns the exit code, or nil on time-out.
    public func wait(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Kills the process (SIGKILL) and reaps it.
    public func kill9() async {
        signal(SIGKILL)
        _ = await wait(timeout: .seconds(10))
    }

    /// Kills the child's whole process group (SIGKILL), when it owns one, and reaps the child.
    public func killGroup() async {
        if ownsProcessGroup { kill(-pid, SIGKILL) }
        await kill9()
    }

    /// Stops it with SIGTERM, then SIGKILL after a grace period.
    public func terminate() async {
        guard poll() == nil else { return }
        signal(SIGTERM)
        if await wait(timeout: .seconds(10)) == nil { await kill9() }
    }

    private func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        LiveChildren.shared.remove(pid)
        return code
    }

    deinit {
        if ownsProcessGroup { kill(-pid, SIGKILL) }
        if poll() == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

/// Every child a test started and nobody reaped yet, killed when the test process exits: a test that fails or
/// forgets its clean-up never leaves a server running.
final class LiveChildren: Sendable {
    static let shared: LiveChildren = {
        let children = LiveChildren()
        atexit { LiveChildren.shared.killAll() }
        return children
    }()

    private let pids = Mutex<[pid_t: Bool]>([:])

    func add(_ pid: pid_t, group: Bool) { pids.withLock { $0[pid] = group } }
    func remove(_ pid: pid_t) { pids.withLock { $0[pid] = nil } }

    func killAll() {
        for (pid, group) in pids.withLock({ $0 }) {
            if group { kill(-pid, SIGKILL) }
            kill(pid, SIGKILL)
        }
    }
}

/// Adds "close every descriptor from 3 up" to a spawn's file actions (glibc 2.34+; the Swift Glibc module does
/// not export the call, so it is looked up at run time).
private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    #if canImport(Glibc)
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")  // RTLD_DEFAULT
        else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    #endif
}
