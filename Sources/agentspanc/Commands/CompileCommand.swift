import AgentCompiler
import AgentSpec
import ArgumentParser
import Foundation
import Synchronization
import Workflow

/// `agentspanc compile SPEC|DIR… [-o OUT | --stdout] [--check]`: agent specs → Conductor workflow definitions.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile agent specs into Conductor workflow definitions.",
        discussion: """
            Writes OUT/<workflow>.json (the WorkflowDef), OUT/<workflow>.taskdefs.json (the task definitions \
            its workers need) and OUT/<workflow>.lock.json (the tool lock: for each agent and tool, content hashes of \
            its argv template, stdin/env/cwd rules, program file, input schema and effects) per spec. The compiled \
            workflow carries the same hashes in metadata.toolLock; `agentspanc worker` refuses to serve a tool that \
            no longer matches them. --check also fails when a spec's tools changed since the lock was written. \
            Output is deterministic: sorted keys, byte-identical across runs.
            """)

    @Argument(help: "Spec files (.yaml, .yml, .json) or directories holding .yaml/.yml specs.")
    var specs: [String]

    @Option(name: [.short, .customLong("output")], help: "Directory to write the compiled files to.")
    var output: String?

    @Flag(help: "Print the single WorkflowDef JSON of one spec to standard output and nothing else.")
    var stdout = false

    @Flag(help: "Write nothing; exit non-zero when a file in OUT is missing or differs (for CI).")
    var check = false

    @Option(name: .long, help: ArgumentHelp(
        "An operator policy file: forbidden programs and hosts, forced approval, a timeout cap (it only narrows specs).",
        valueName: "FILE"))
    var policy: String?

    @Flag(help: "Print load, compile and write times to standard error.")
    var timing = false

    @OptionGroup var refs: RefOptions

    func validate() throws {
        if stdout && (output != nil || check) { throw ValidationError("--stdout cannot be combined with -o or --check") }
        if !stdout && output == nil { throw ValidationError("give -o OUT or --stdout") }
    }

    /// What compiling one spec produced: its messages, and the files to write (or the text to print).
    struct Product: Sendable {
        var errors = ""
        var warnings = ""
        var workflowName: String?
        var outputs: [(name: String, data: Data)] = []
    }

    func run() throws {
        let files = SpecFiles.expand(specs)
        if stdout && files.count != 1 { throw ValidationError("--stdout compiles exactly one spec (got \(files.count))") }
        let clock = ContinuousClock()
        let started = clock.now
        let startCPU = CompiledOutput.processCPUSeconds()
        if let output, !check { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) }
        // Loading, compiling and encoding are pure per spec: they run on every core. Messages, the duplicate check and
        // the writes then go in file order, so the output and the diagnostics stay the same run after run.
        let products = Mutex([Product](repeating: Product(), count: files.count))
        let options = refs.loadOptions
        var operatorPolicy: OperatorPolicy?
        if let policy {
            do {
                operatorPolicy = try OperatorPolicy.load(path: policy)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let narrowing = operatorPolicy
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let product = Self.compile(files[i], options: options, policy: narrowing)
            products.withLock { $0[i] = product }
        }
        let compiled = clock.now
        var failed = false
        var stale: [String] = []
        var written: [String: String] = [:]
        var writes: [(path: String, data: Data)] = []
        for (file, product) in zip(files, products.withLock { $0 }) {
            if !product.warnings.isEmpty { FileHandle.standardError.write(Data(product.warnings.utf8)) }
            guard product.errors.isEmpty, let name = product.workflowName else {
                FileHandle.standardError.write(Data(product.errors.utf8))
                failed = true
                continue
            }
            if stdout {
                FileHandle.standardOutput.write(product.outputs[0].data)
                continue
            }
            if let other = written.updateValue(file, forKey: name) {
                FileHandle.standardError.write(Data("\(file): error: workflow '\(name)' is also compiled from \(other)\n".utf8))
                failed = true
                continue
            }
            for (fileName, data) in product.outputs {
                let path = URL(fileURLWithPath: output!).appendingPathComponent(fileName).path
                writes.append((path, data))
            }
        }
        if check {
            stale = writes.filter { FileManager.default.contents(atPath: $0.path) != $0.data }.map(\.path)
        } else if !writes.isEmpty {
            let failures = Mutex([String]())
            let pending = writes
            DispatchQueue.concurrentPerform(iterations: pending.count) { i in
                do {
                    try CompiledOutput.write(pending[i].data, to: pending[i].path)
                } catch {
                    failures.withLock { $0.append("\(pending[i].path): error: \(error)") }
                }
            }
            for message in failures.withLock({ $0 }).sorted() { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            if !failures.withLock({ $0.isEmpty }) { failed = true }
        }
        if timing {
            func ms(_ d: Duration) -> String {
                let value = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
                return String(format: "%.1f ms", value)
            }
            let now = clock.now
            let seconds = Double((compiled - started).components.seconds) + Double((compiled - started).components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(files.count) / seconds : 0
            FileHandle.standardError.write(Data((
                "timing: \(files.count) spec(s) on \(ProcessInfo.processInfo.activeProcessorCount) core(s): load+compile+encode "
                + "\(ms(compiled - started)) (\(Int(rate)) specs/s), write \(ms(now - compiled)), total \(ms(now - started)) wall; "
                + String(format: "CPU %.1f ms\n", (CompiledOutput.processCPUSeconds() - startCPU) * 1000)).utf8))
        }
        if !stale.isEmpty {
            for path in stale { FileHandle.standardError.write(Data("stale: \(path)\n".utf8)) }
            FileHandle.standardError.write(Data("\(stale.count) compiled file(s) are out of date; run agentspanc compile -o \(output!)\n".utf8))
            throw ExitCode(1)
        }
        if failed { throw ExitCode(1) }
    }

    /// Loads, compiles and encodes one spec; never prints (its messages are returned, in order).
    static func compile(_ file: String, options: SpecLoadOptions, policy: OperatorPolicy? = nil) -> Product {
        var product = Product()
        let spec: LoadedSpec
        do {
            spec = try SpecLoader.load(path: file, options: options)
        } catch {
            product.errors = error.description + "\n"
            return product
        }
        product.warnings = spec.warnings.map { $0.rendered + "\n" }.joined()
        let compiler = AgentCompiler()
        var narrowed = spec.config
        if let policy {
            do {
                narrowed = try policy.apply(to: spec.config)
            } catch {
                product.errors = error.message.split(separator: "\n").map { "\(file): error: \($0)\n" }.joined()
                return product
            }
        }
        let config = narrowed.locked(baseDirectory: URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path)
        let compiled: CompiledAgent
        do {
            compiled = try compiler.compiledAgent(config)
        } catch {
            product.errors = "\(file): error: \(error.message)\n"
            return product
        }
        do {
            let def = compiled.workflowDef
            let base = def.name.replacingOccurrences(of: "/", with: "_")
            product.outputs = [
                ("\(base).json", try CompiledJSON.data(def)),
                ("\(base).taskdefs.json", try CompiledJSON.data(compiled.taskDefinitions)),
                ("\(base).lock.json", try CompiledJSON.data(SpecLock(config))),
            ]
            product.workflowName = def.name
        } catch {
            product.errors = "\(file): error: cannot encode the workflow: \(error)\n"
        }
        return product
    }
}

/// Deterministic JSON text through `JSONEncoder` (sorted keys), for documents whose committed copies tests compare.
enum CompiledOutput {
    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// CPU time of this process, every thread (unaffected by other processes competing for the cores).
    static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Writes `data` to `path` with plain POSIX calls (Foundation's `Data.write` costs milliseconds per file here).
    static func write(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
                }
                offset += n
            }
        }
    }
}

/// Spec paths on the command line: files (YAML or JSON), or directories searched recursively for `.yaml` and
/// `.yml` specs (JSON files in a directory are left alone: they may be compiled output).
enum SpecFiles {
    /// Cassettes (scripted model turns, `NAME.cassette.yaml`) and test files (`NAME.test.yaml`) often sit next to
    /// their specs; they are not specs.
    static func isCompanionFile(_ path: String) -> Bool {
        path.hasSuffix(".cassette.yaml") || path.hasSuffix(".cassette.yml") || path.hasSuffix(SpecTestLoader.suffix)
    }

    /// Spec files named by the arguments: files as given, directories searched recursively (cassettes skipped).
    static func expand(_ paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !isCompanionFile($0) }
                    .sorted()
                    .map { (path.hasSuffix("/") ? path : path + "/") + $0 }
                files += found
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Loads a spec, printing every diagnostic to standard error; nil when it has errors.
    static func load(_ path: String, options: SpecLoadOptions) -> LoadedSpec? {
        do {
            let spec = try SpecLoader.load(path: path, options: options)
            for warning in spec.warnings { FileHandle.standardError.write(Data((warning.rendered + "\n").utf8)) }
            return spec
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return nil
        }
    }
}
