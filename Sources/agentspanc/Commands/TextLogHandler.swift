import Logging

/// swift-log's text lines (``StreamLogHandler`` on standard error), with the handler's metadata turned into text
/// only when a line is written. `StreamLogHandler` formats it on every change, and the HTTP server sets a request id
/// on a fresh logger for every request, most of which never log a line.
struct TextLogHandler: LogHandler {
    private var base: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: Logger.Level) {
        base = StreamLogHandler.standardError(label: label, metadataProvider: nil)
        base.logLevel = level
        metadataProvider = LoggingSystem.metadataProvider
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The same line `StreamLogHandler` writes: the handler's metadata, then the provider's, then the line's own
    /// (each later one wins), sorted by key.
    func log(event: LogEvent) {
        var event = event
        event.metadata = .merged(handler: metadata, provider: metadataProvider, line: event.metadata)
        base.log(event: event)
    }
}
