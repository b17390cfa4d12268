import Foundation
import SpecFuzzing

/// `agentspanc-fuzz`: fuzzes the spec loader and the server's JSON request decoders (``FuzzEntry``).
///
/// Built by `scripts/fuzz` in two ways:
/// - with `-DLIBFUZZER` (and coverage instrumentation): libFuzzer drives ``FuzzEntry`` and takes its usual flags
///   (`-max_total_time=N CORPUS_DIR SEED_DIR…`);
/// - without: a deterministic mutation fuzzer, `agentspanc-fuzz [--seconds N] [--iterations N] [--seed N]
///   SEED_DIR_OR_FILE…`, which prints the iterations it ran and writes each input to `--last-input FILE` first,
///   so the input of a crash is left there.
@main
struct FuzzMain {
    static func main() {
        #if LIBFUZZER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
        #else
        MutationFuzzer(arguments: Array(CommandLine.arguments.dropFirst())).run()
        #endif
    }
}

#if LIBFUZZER
/// libFuzzer's entry for programs with their own `main` (`libclang_rt.fuzzer_no_main`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

private func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif

/// The fallback driver: mutates seeds for a fixed time or number of iterations.
struct MutationFuzzer {
    var seconds: Double?
    var iterations: Int?
    var seed: UInt64 = 1
    var lastInput: String?
    var seedPaths: [String] = []

    init(arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--seconds": seconds = rest.popFirst().flatMap(Double.init)
            case "--iterations": iterations = rest.popFirst().flatMap(Int.init)
            case "--seed": seed = rest.popFirst().flatMap { UInt64($0) } ?? 1
            case "--last-input": lastInput = rest.popFirst()
            default: seedPaths.append(argument)
            }
        }
        if seconds == nil && iterations == nil { seconds = 60 }
    }

    func seeds() -> [[UInt8]] {
        var found: [[UInt8]] = []
        for path in seedPaths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                // Seeds are small spec files; a large one (or a directory entry) is skipped.
                if let data = FileManager.default.contents(atPath: file), data.count <= 256 * 1024 { found.append(Array(data)) }
            }
        }
        return found.isEmpty ? [Array("name: a\nmodel: openai/gpt-4o\n".utf8)] : found
    }

    func run() {
        let corpus = seeds()
        var mutator = Mutator(seed: seed)
        let handle = lastInput.flatMap { path -> FileHandle? in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = seconds.map { start + .milliseconds(Int64($0 * 1000)) }
        var count = 0
        var accepted = 0
        for input in corpus {
            accepted += input.withUnsafeBytes { FuzzEntry.run($0) } > 0 ? 1 : 0
        }
        while iterations.map({ count < $0 }) ?? true, deadline.map({ clock.now < $0 }) ?? true {
            let base = corpus[mutator.below(corpus.count)]
            let input = mutator.mutate(base, splicing: corpus[mutator.below(corpus.count)])
            if let handle {
                try? handle.truncate(atOffset: 0)
                try? handle.write(contentsOf: input)
            }
            if input.withUnsafeBytes({ FuzzEntry.run($0) }) > 0 { accepted += 1 }
            count += 1
        }
        let elapsed = (clock.now - start) / .seconds(1)
        let rate = elapsed > 0 ? Double(count) / elapsed : 0
        print("agentspanc-fuzz: \(count) mutated inputs from \(corpus.count) seeds in \(String(format: "%.1f", elapsed)) s "
            + "(\(Int(rate))/s), \(accepted) accepted by some parser, no crash")
    }
}
