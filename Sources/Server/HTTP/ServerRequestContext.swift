import Hummingbird
import Logging
import NIOCore

/// The request context of every route: a body limit suited to workflow definitions and task outputs.
struct ServerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Request bodies above this are answered 413.
    let maxUploadSize: Int

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.maxUploadSize = ServerRequestContext.bodyLimit
    }

    /// 16 MiB: large enough for a big task output, small enough to protect the store.
    static let bodyLimit = 16 * 1024 * 1024
}
