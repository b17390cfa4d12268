import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /api/media/{id}`: a file a GENERATE_IMAGE, GENERATE_AUDIO, GENERATE_VIDEO or GENERATE_PDF task stored, with
/// its media type. Behind the same API key and browser guard as the rest of the API; the answer is never
/// interpreted as a page of this origin (`sandbox` policy, `nosniff`), so a generated SVG or HTML file cannot run
/// scripts against the API.
struct MediaRoutes {
    let engine: WorkflowEngine

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("api/media/:id") { request, context -> Response in
            let id = try request.parameter("id", context)
            guard let media = try await engine.media(id: id) else { throw APIError.notFound("Media not found: \(id)") }
            var headers: HTTPFields = [
                .contentType: media.mimeType,
                .cacheControl: "private, max-age=31536000, immutable",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; sandbox",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ]
            headers[.contentDisposition] = "inline; filename=\"\(media.id)\(Self.fileExtension(media.mimeType))\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: media.data)))
        }
    }

    /// `.png` for `image/png`, … (a downloaded file gets a usable name).
    static func fileExtension(_ mimeType: String) -> String {
        switch mimeType.lowercased() {
        case "image/png": return ".png"
        case "image/jpeg": return ".jpg"
        case "image/webp": return ".webp"
        case "audio/mpeg": return ".mp3"
        case "audio/wav": return ".wav"
        case "audio/ogg": return ".ogg"
        case "audio/aac": return ".aac"
        case "audio/flac": return ".flac"
        case "video/mp4": return ".mp4"
        case "application/pdf": return ".pdf"
        default: return ""
        }
    }
}
