import Logging

extension Logger.Metadata {
    /// What a log line carries: `handler`'s metadata, then the provider's, then the line's own, each later one
    /// winning (the order swift-log's `StreamLogHandler` uses).
    static func merged(handler: Logger.Metadata, provider: Logger.MetadataProvider?, line: Logger.Metadata?) -> Logger.Metadata {
        var merged = handler
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let line { merged.merge(line) { _, new in new } }
        return merged
    }
}
