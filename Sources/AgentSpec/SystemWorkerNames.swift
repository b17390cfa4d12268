/// Task names of the system workers, exactly as the compiler emits them and the worker polls them
/// (agentspan-compiler §18.2; some use the raw agent name, some the sanitised one).
public enum SystemWorkerNames {
    /// `R(name)`: every character outside `[A-Za-z0-9_]` becomes `_`.
    public static func sanitize(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_": return scalar
            default: return "_"
            }
        }))
    }

    /// `R(X)_termination`.
    public static func termination(_ agent: String) -> String { "\(sanitize(agent))_termination" }
    /// Hybrid agent: `R(X)_check_transfer`.
    public static func hybridCheckTransfer(_ agent: String) -> String { "\(sanitize(agent))_check_transfer" }
    /// Hybrid agent: `R(X)_transfer_to_R(S)`.
    public static func hybridTransfer(_ agent: String, to sub: String) -> String {
        "\(sanitize(agent))_transfer_to_\(sanitize(sub))"
    }
    /// Swarm member (parent or sub-agent): `<S>_check_transfer` (raw name).
    public static func swarmCheckTransfer(_ member: String) -> String { "\(member)_check_transfer" }
    /// Swarm member: `<A>_transfer_to_<B>` (raw names).
    public static func swarmTransfer(_ source: String, to target: String) -> String { "\(source)_transfer_to_\(target)" }
    /// Swarm parent: `R(X)_handoff_check`.
    public static func handoffCheck(_ agent: String) -> String { "\(sanitize(agent))_handoff_check" }
    /// Manual parent: `R(X)_process_selection`.
    public static func processSelection(_ agent: String) -> String { "\(sanitize(agent))_process_selection" }
}
