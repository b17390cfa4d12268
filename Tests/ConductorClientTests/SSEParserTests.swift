@testable import ConductorClient
import Testing

@Suite struct SSEParserTests {
    @Test func framesEndAtABlankLineWhateverTheLineEnding() {
        for ending in ["\n", "\r", "\r\n"] {
            var parser = SSEParser()
            let text = ["id: 7", "event: agent", "data: {\"a\":1}", "", ""].joined(separator: ending)
            #expect(parser.feed(Array(text.utf8)) == [SSEFrame(id: "7", event: "agent", data: "{\"a\":1}")], "\(ending.debugDescription)")
        }
    }

    @Test func bytesSplitAnywhereGiveTheSameFrames() {
        let text = Array("data: first\ndata: second\n\n:heartbeat\n\nid: 9\ndata:x\n\n".utf8)
        var whole = SSEParser()
        let expected = whole.feed(text)
        #expect(expected == [SSEFrame(id: nil, event: nil, data: "first\nsecond"), SSEFrame(id: "9", event: nil, data: "x")])
        for cut in 1..<text.count {
            var parser = SSEParser()
            #expect(parser.feed(text[..<cut]) + parser.feed(text[cut...]) == expected, "cut at \(cut)")
        }
    }

    @Test func theLastIdCarriesOverAndCommentsDispatchNothing() {
        var parser = SSEParser()
        #expect(parser.feed(Array(":keepalive\n\n".utf8)).isEmpty)
        _ = parser.feed(Array("id: 3\ndata: a\n\n".utf8))
        #expect(parser.lastEventID == "3")
        #expect(parser.feed(Array("data: b\n\n".utf8)) == [SSEFrame(id: "3", event: nil, data: "b")])
    }

    @Test func anOverlongLineIsCutNotBuffered() {
        var parser = SSEParser()
        parser.maxLineBytes = 16
        let frames = parser.feed(Array(("data: " + String(repeating: "x", count: 100) + "\n\n").utf8))
        #expect(frames.count == 1)
        #expect((frames.first?.data.count ?? 0) <= 16)
    }
}
