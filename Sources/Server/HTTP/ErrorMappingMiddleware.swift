import Engine
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error of a request into a JSON answer with a plain sentence: engine errors by their code (404
/// unknown id, 409 wrong state, 400 invalid), Hummingbird's own (404 no route, 405 wrong method, 413 too large),
/// and anything unexpected into a 500 whose details go to the log only, never into the answer.
struct ErrorMappingMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let routes: RouteTable
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as EngineError {
            throw apiError(error, request)
        } catch let error as any HTTPResponseError {
            if error.status.code == 404 {
                let allowed = routes.methods(forPath: request.uri.path)
                if !allowed.isEmpty, !allowed.contains(request.method) {
                    let names = allowed.map(\.rawValue).joined(separator: ", ")
                    throw APIError(
                        .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(names)",
                        headers: [.allow: names])
                }
                throw APIError(.notFound, "no route \(request.method.rawValue) \(request.uri.path)")
            }
            if error.status.code == 413 {
                throw APIError(.contentTooLarge, "the request body is larger than \(ServerRequestContext.bodyLimit / (1024 * 1024)) MiB")
            }
            throw APIError(error.status, Self.sentence((error as? HTTPError)?.body, status: error.status))
        } catch {
            throw unexpected(error, request)
        }
    }

    /// The answer for an engine error; internal ones are logged and answered without their text.
    func apiError(_ error: EngineError, _ request: Request) -> APIError {
        switch error.code {
        case .notFound: return APIError(.notFound, error.message)
        case .conflict: return APIError(.conflict, error.message)
        case .invalidArgument: return APIError(.badRequest, error.message)
        default: return unexpected(error, request)
        }
    }

    private func unexpected(_ error: any Error, _ request: Request) -> APIError {
        logger.error(
            "request failed", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "error": "\(error)"])
        return APIError(.internalServerError, Self.internalMessage)
    }

    static let internalMessage = "the server could not complete the request because of an internal error; the details are in the server log"

    /// A body without Swift type names, or the status's reason phrase as a sentence.
    static func sentence(_ body: String?, status: HTTPResponse.Status) -> String {
        if let body, !body.isEmpty, !body.contains("Error("), !body.contains("Error.") { return body }
        return "\(status.reasonPhrase) (\(status.code))"
    }
}
