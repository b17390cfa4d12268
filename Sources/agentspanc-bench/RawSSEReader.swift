import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An SSE client on a plain blocking socket of its own thread (no NIO, no HTTP client), so the event figures can
/// be checked against a reader that adds nothing of its own: it notes the arrival time of every `event:` line.
final class RawSSEReader: Sendable {
    private let arrivals = Mutex<[(event: String, at: ContinuousClock.Instant)]>([])
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let done = Mutex(false)

    /// Connects to `127.0.0.1:port`, asks for `path` and reads until the server ends the response or `until`
    /// arrives.
    init(port: Int, path: String, until terminal: String = "done") throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        let thread = Thread { [self] in
            var pending = ""
            var buffer = [UInt8](repeating: 0, count: 65536)
            reading: while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                let now = ContinuousClock.now
                if n <= 0 { break }
                pending += String(decoding: buffer[0..<n], as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = pending[..<newline]
                    pending = String(pending[pending.index(after: newline)...])
                    guard line.hasPrefix("event:") else { continue }
                    let event = String(line.dropFirst("event:".count))
                    arrivals.withLock { $0.append((event, now)) }
                    if event == terminal { break reading }
                }
            }
            close(fd)
            done.withLock { $0 = true }
            finished.withLock { $0?.resume(); $0 = nil }
        }
        thread.start()
    }

    /// Waits until the stream ended; returns the arrival of each event.
    func wait() async -> [(event: String, at: ContinuousClock.Instant)] {
        await withCheckedContinuation { continuation in
            let already = finished.withLock { slot -> Bool in
                if done.withLock({ $0 }) { return true }
                slot = continuation
                return false
            }
            if already { continuation.resume() }
        }
        return arrivals.withLock { $0 }
    }
}
