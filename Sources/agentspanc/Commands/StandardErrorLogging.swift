import ArgumentParser
import Logging

/// How long-running commands write their log lines (`--log-format`).
enum LogFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// swift-log's human-readable lines.
    case text
    /// One JSON object per line (``JSONLogHandler``).
    case json
}

/// Long-running commands (server, worker) log to standard error at the chosen level.
enum StandardErrorLogging {
    /// Bootstraps swift-log once per process.
    static func bootstrap(_ level: Logger.Level, format: LogFormat = .text) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                return TextLogHandler(label: label, level: level)
            case .json:
                return JSONLogHandler(label: label, level: level)
            }
        }
    }
}
