import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for requests to AWS APIs such as Bedrock.
///
/// The canonical request is the method, the canonical URI (each path segment of the path as sent URI-encoded once
/// more, as every service but S3 expects), the sorted encoded query, the lower-cased sorted headers, the signed
/// header list and the SHA-256 of the body; the signing key is derived from the secret, the date, the region and
/// the service.
public struct SigV4Signer: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials' token (`AWS_SESSION_TOKEN`), sent as `X-Amz-Security-Token`.
    public var sessionToken: String?
    public var region: String
    /// `bedrock` for the Bedrock runtime.
    public var service: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The headers to add to a request: `X-Amz-Date`, `X-Amz-Security-Token` (with a session token) and
    /// `Authorization`.
    ///
    /// - Parameters:
    ///   - path: the path exactly as it goes on the wire (already percent-encoded).
    ///   - headers: every header that will be sent, `Host` included; all of them are signed.
    public func signingHeaders(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], body: Data,
        date: Date = Date()
    ) -> [(String, String)] {
        let amzDate = Self.timestamp(date)
        var signed = headers
        signed.append(("X-Amz-Date", amzDate))
        var added = [("X-Amz-Date", amzDate)]
        if let sessionToken, !sessionToken.isEmpty {
            signed.append(("X-Amz-Security-Token", sessionToken))
            added.append(("X-Amz-Security-Token", sessionToken))
        }
        let signature = self.signature(method: method, path: path, query: query, headers: signed, body: body, amzDate: amzDate)
        added.append(("Authorization", signature.authorization))
        return added
    }

    /// The signature of a request whose headers already hold `X-Amz-Date: amzDate`.
    public func signature(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], body: Data, amzDate: String
    ) -> (canonicalRequest: String, stringToSign: String, signature: String, authorization: String) {
        let day = String(amzDate.prefix(8))
        var canonicalHeaders: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            let trimmed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            canonicalHeaders[key] = canonicalHeaders[key].map { "\($0),\(trimmed)" } ?? trimmed
        }
        let names = canonicalHeaders.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let encodedQuery: [(key: String, value: String)] = query.map { (key: Self.encode($0.0), value: Self.encode($0.1)) }
        let sortedQuery = encodedQuery.sorted { a, b in a.key == b.key ? a.value < b.value : a.key < b.key }
        let canonicalQuery = sortedQuery.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let segments: [String] = path.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }
        let canonicalURI = path.isEmpty ? "/" : segments.joined(separator: "/")
        let canonicalRequest = [
            method.uppercased(), canonicalURI, canonicalQuery,
            names.map { "\($0):\(canonicalHeaders[$0]!)\n" }.joined(), signedHeaders, Self.hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return (canonicalRequest, stringToSign, signature, authorization)
    }

    /// `20150830T123600Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// RFC 3986 encoding: everything but unreserved characters as `%XX` (upper-case hex).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
