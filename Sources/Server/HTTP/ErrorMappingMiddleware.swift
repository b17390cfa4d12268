import Engine
import Hummingbird

/// Answers engine errors with their HTTP status and a JSON body (404 unknown id, 409 wrong state, 400 invalid).
struct ErrorMappingMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as EngineError {
            switch error.code {
            case .notFound: throw APIError(.notFound, error.message)
            case .conflict: throw APIError(.conflict, error.message)
            case .invalidArgument: throw APIError(.badRequest, error.message)
            default: throw APIError(.internalServerError, error.message)
            }
        }
    }
}
