import Foundation
import Testing

@testable import Engine

@Suite("SigV4Signer")
struct SigV4SignerTests {
    /// The credentials of AWS's Signature Version 4 test suite.
    static let signer = SigV4Signer(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "us-east-1",
        service: "service")

    @Test(
        "AWS's published get-vanilla and post-vanilla vectors",
        arguments: [
            ("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            ("POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        ])
    func vanilla(method: String, expected: String) {
        let result = Self.signer.signature(
            method: method, path: "/", query: [],
            headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")], body: Data(),
            amzDate: "20150830T123600Z")
        #expect(
            result.canonicalRequest
                == "\(method)\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(result.signature == expected)
        #expect(
            result.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=\(expected)")
    }

    @Test("the date header, a session token, and a Bedrock model id encoded twice in the canonical URI")
    func headersAndEncoding() throws {
        var signer = Self.signer
        signer.sessionToken = "token/with+chars"
        let date = try #require(ISO8601DateFormatter().date(from: "2015-08-30T12:36:00Z"))
        let headers = signer.signingHeaders(
            method: "POST", path: "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse",
            headers: [("Host", "bedrock-runtime.us-east-1.amazonaws.com")], body: Data("{}".utf8), date: date)
        #expect(headers.map(\.0) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(headers[0].1 == "20150830T123600Z")
        #expect(headers[2].1.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        let detail = signer.signature(
            method: "POST", path: "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse", query: [("b", "2"), ("a", "x y")],
            headers: [("Host", "h"), ("X-Amz-Date", "20150830T123600Z")], body: Data(), amzDate: "20150830T123600Z")
        #expect(detail.canonicalRequest.split(separator: "\n")[1] == "/model/anthropic.claude-3-5-sonnet-20241022-v2%253A0/converse")
        #expect(detail.canonicalRequest.split(separator: "\n")[2] == "a=x%20y&b=2")
    }
}
