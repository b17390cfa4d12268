import Hummingbird
import Logging
import Synchronization

/// A Hummingbird application serving `router` on 127.0.0.1 at a port the kernel picks; returns once it listens.
/// Cancel the task to stop it.
public func startLoopbackApplication(
    _ router: Router<BasicRequestContext>, label: String
) async throws -> (port: Int, task: Task<Void, any Error>) {
    let port = Mutex<Int?>(nil)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
        logger: Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() }))
    let task = Task { try await app.runService() }
    let deadline = ContinuousClock.now + .seconds(60)
    while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    guard let bound = port.withLock({ $0 }) else {
        task.cancel()
        throw CancellationError()
    }
    return (bound, task)
}
