import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every process one tool call started, so that a timeout, a shutdown or a new worker ending the call ends all of
/// them — not only the tool's own process group, which a grandchild leaves with `setsid` (or a double fork).
///
/// Each call's processes inherit ``markerName`` `=` ``marker`` in their environment. When the call is ended, `/proc`
/// is scanned (only then; nothing is scanned while tools run normally) and these are signalled:
/// - the leader's process group and session, while the leader is still the process that was started;
/// - every process carrying the marker, wherever it was reparented to;
/// - every descendant (by parent pid) of those, which catches children that dropped their environment;
/// - every process found by an earlier scan of the same call that is still the same process (one that dropped
///   its environment and whose parent has died since).
///
/// Processes a tool leaves running after it *exits normally* (a service it started, detached) are not ended: the
/// call is over, and starting a service may be what the tool is for.
///
/// The worker does not make itself a child subreaper (`PR_SET_CHILD_SUBREAPER`): it would then have to reap every
/// orphan below it — the CLI's background server included — without racing Subprocess's own waits, and the marker
/// finds reparented processes anyway. A descendant that drops its environment *and* outlives its parent before the
/// first scan is the one case this does not see.
final class ToolProcessTree: Sendable {
    /// The environment variable that marks a call's processes.
    static let markerName = "AGENTSPANC_TOOL_CALL"

    /// The tool process: leader of its own session and process group.
    let leader: Int32
    /// When the leader started (`/proc`), so a recycled pid's group is never signalled.
    let leaderStartTime: UInt64?
    /// The value of ``markerName`` in this call's processes.
    let marker: String
    /// Processes found by earlier scans, with their start times.
    private let found = Mutex<[Int32: UInt64]>([:])

    init(leader: Int32, leaderStartTime: UInt64?, marker: String) {
        self.leader = leader
        self.leaderStartTime = leaderStartTime
        self.marker = marker
    }

    /// A marker no other call on this machine uses.
    static func newMarker() -> String {
        "\(getpid())-\(UUID().uuidString.lowercased())"
    }

    /// The environment entry of this call, `AGENTSPANC_TOOL_CALL=<marker>`.
    var markerEntry: String { "\(Self.markerName)=\(marker)" }

    /// Whether the leader's pid still names the process that was started (or no process at all: a group or a
    /// session id stays reserved while any member lives, so its members are still the tool's).
    private var leaderIsOurs: Bool {
        guard let current = ProcFS.stat(of: leader) else { return true }
        return leaderStartTime == nil || current.startTime == leaderStartTime
    }

    /// The live (not exited) processes of the call now, with their start times. Scans `/proc`.
    func members() -> [Int32: UInt64] {
        let ourGroup = leaderIsOurs
        let marked = !marker.isEmpty
        let me = getpid()
        var stats: [Int32: ProcFS.Stat] = [:]
        var members: Set<Int32> = []
        for pid in ProcFS.processIDs() where pid != me {
            // Exited processes stay in the map: their children are still linked to them until they are reaped.
            guard let stat = ProcFS.stat(of: pid) else { continue }
            stats[pid] = stat
            guard !stat.hasExited else { continue }
            let inGroup = ourGroup && (pid == leader || stat.processGroup == leader || stat.session == leader)
            if inGroup || (marked && ProcFS.environment(of: pid, contains: markerEntry)) { members.insert(pid) }
        }
        // Processes found by earlier scans that are still the same ones, and the descendants of all of them,
        // however they changed session or environment.
        for (pid, started) in found.withLock({ $0 }) where stats[pid]?.startTime == started { members.insert(pid) }
        var children: [Int32: [Int32]] = [:]
        for (pid, stat) in stats { children[stat.parent, default: []].append(pid) }
        var queue = Array(members)
        if ourGroup { queue.append(leader) }
        while let pid = queue.popLast() {
            for child in children[pid] ?? [] where members.insert(child).inserted { queue.append(child) }
        }
        var result: [Int32: UInt64] = [:]
        for pid in members { if let stat = stats[pid], !stat.hasExited { result[pid] = stat.startTime } }
        return result
    }

    /// Sends `signal` to the leader's group and to every member; returns the members signalled.
    @discardableResult
    func signal(_ signal: Int32) -> [Int32: UInt64] {
        // Scan before signalling anything: a process that dies meanwhile would take its children's link along.
        let now = members()
        found.withLock { $0.merge(now) { _, new in new } }
        if leaderIsOurs, leader > 0 { _ = kill(-leader, signal) }
        for pid in now.keys { _ = kill(pid, signal) }
        return now
    }

    /// SIGKILLs every member until a scan finds none it has not killed yet (a process may fork between a scan and
    /// its kill; a killed one cannot fork any more). Returns every process killed.
    @discardableResult
    func killAll(maxRounds: Int = 8) -> Set<Int32> {
        var killed: Set<Int32> = []
        for _ in 0..<maxRounds {
            let now = signal(SIGKILL)
            let fresh = Set(now.keys).subtracting(killed)
            killed.formUnion(now.keys)
            if fresh.isEmpty { break }
        }
        return killed
    }
}
