import HTTPTypes
import Hummingbird
import Synchronization

/// The method and path pattern of every route registered through a ``RecordingRouter``, so a request whose path
/// exists under another method can be answered 405 with `Allow` instead of Hummingbird's 404.
final class RouteTable: Sendable {
    private struct Route: Sendable {
        var pattern: RouterPath
        var method: HTTPRequest.Method
    }

    private let routes = Mutex<[Route]>([])

    func add(_ pattern: RouterPath, _ method: HTTPRequest.Method) {
        routes.withLock { $0.append(Route(pattern: pattern, method: method)) }
    }

    /// The methods routed for `path`, sorted; empty when no route has that path.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments: [Substring] = path.split(separator: "/", omittingEmptySubsequences: true)
        let all: [Route] = routes.withLock { $0 }
        var names = Set<String>()
        for route in all where Self.matches(route.pattern, segments) { names.insert(route.method.rawValue) }
        return names.sorted().compactMap { HTTPRequest.Method($0) }
    }

    private static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        let elements = pattern.components
        var i = 0
        for (position, element) in elements.enumerated() {
            if element == .recursiveWildcard { return position == elements.count - 1 || i < segments.count }
            guard i < segments.count, element ~= segments[i] else { return false }
            i += 1
        }
        return i == segments.count
    }
}

/// Registers routes on a router and records them in a ``RouteTable``.
struct RecordingRouter: RouterMethods {
    typealias Context = ServerRequestContext
    let router: Router<ServerRequestContext>
    let table: RouteTable

    @discardableResult func on<Responder: HTTPResponder>(
        _ path: RouterPath, method: HTTPRequest.Method, responder: Responder
    ) -> RecordingRouter where Responder.Context == Context {
        table.add(path, method)
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> RecordingRouter {
        router.add(middleware: middleware)
        return self
    }
}
