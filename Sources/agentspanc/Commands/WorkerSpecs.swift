import AgentSpec
import Foundation
import Worker

/// The specs `agentspanc worker` serves, named by files and directories; loading them gives the worker's tools,
/// every diagnostic, and the files to watch for changes.
struct WorkerSpecs: Sendable {
    /// Spec files and directories as given on the command line.
    var paths: [String]
    var options: SpecLoadOptions
    /// The operator policy every spec is narrowed by (`--policy`); a spec it forbids stops the load.
    var policy: OperatorPolicy? = nil

    /// One spec file's load.
    struct Report: Sendable {
        var file: String
        /// Named on the command line (it must load), not found in a directory (it may be some other YAML).
        var explicit: Bool
        var warnings: [Diagnostic]
        /// Why it did not load.
        var error: SpecError?
    }

    /// The outcome of loading every spec.
    struct Load: Sendable {
        var tools = SpecTools()
        var reports: [Report] = []
        /// Spec files that loaded.
        var loaded: Set<String> = []
        /// Files and directories whose change calls for a reload: the spec files, their `ref:` files, and the
        /// directories searched for specs.
        var watched: [String] = []
        /// The state of ``watched`` as it was read (each spec file taken before it was read, so an edit made
        /// while loading is noticed).
        var snapshot = FileSnapshot([])
        /// The workflow (root agent) names of the specs that loaded, whose deployed tool locks the tools must match.
        var workflows: [String] = []
        /// Two specs define one task name differently (or another binding problem), as `file: tool 'x': …`.
        var conflict: String?

        /// Reports of files that did not load.
        var failures: [Report] { reports.filter { $0.error != nil } }
    }

    /// Loads every spec; a file in a directory that does not load is reported and skipped.
    func load() -> Load {
        var load = Load()
        var watched: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let inDirectory = exists && isDirectory.boolValue
            if inDirectory {
                watched.append(path)
                load.snapshot.record(path)
            }
            let files = inDirectory ? SpecFiles.expand([path]) : [path]
            for file in files {
                watched.append(file)
                load.snapshot.record(file)
                let spec: LoadedSpec
                do {
                    spec = try SpecLoader.load(path: file, options: options)
                } catch {
                    load.reports.append(Report(file: file, explicit: !inDirectory, warnings: [], error: error))
                    continue
                }
                load.reports.append(Report(file: file, explicit: !inDirectory, warnings: spec.warnings, error: nil))
                load.loaded.insert(file)
                if !load.workflows.contains(spec.config.name) { load.workflows.append(spec.config.name) }
                watched += spec.files
                for read in spec.files { load.snapshot.record(read) }
                let base = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
                var config = spec.config
                if let policy {
                    do {
                        config = try policy.apply(to: config)
                    } catch {
                        load.conflict = error.message.split(separator: "\n").map { "\(file): policy: \($0)" }.joined(separator: "\n")
                        load.watched = Self.unique(watched)
                        return load
                    }
                }
                do {
                    try load.tools.add(config, baseDirectory: base)
                } catch {
                    load.conflict = "\(file): \(error.description)"
                    load.watched = Self.unique(watched)
                    return load
                }
            }
        }
        load.watched = Self.unique(watched)
        return load
    }

    private static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    }
}

extension Diagnostic {
    /// `file:line:column: severity: message` on one line (for log lines; ``rendered`` adds the source line).
    var oneLine: String {
        line > 0 ? "\(file):\(line):\(column): \(severity.rawValue): \(message)" : "\(file): \(severity.rawValue): \(message)"
    }
}
