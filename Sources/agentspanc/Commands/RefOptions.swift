import AgentSpec
import ArgumentParser

/// How far the `ref:` sub-agent files of the specs a command loads may reach (by default: the spec's own
/// directory tree).
struct RefOptions: ParsableArguments {
    @Option(
        name: .customLong("allow-ref-outside"),
        help: ArgumentHelp("Also let ref: read sub-agent files under DIR (repeatable).", valueName: "DIR"))
    var allowRefOutside: [String] = []

    @Flag(help: "Let ref: read any file (by default only files in the spec's own directory tree).")
    var allowAnyRef = false

    /// The loader options these flags ask for.
    var loadOptions: SpecLoadOptions {
        SpecLoadOptions(refRoots: allowRefOutside, allowsAnyRef: allowAnyRef)
    }
}
