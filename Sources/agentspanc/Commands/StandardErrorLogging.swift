import Logging

/// Long-running commands (server, worker) log to standard error at the chosen level.
enum StandardErrorLogging {
    /// Bootstraps swift-log once per process.
    static func bootstrap(_ level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
