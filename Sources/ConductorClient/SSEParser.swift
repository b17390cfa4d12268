/// One Server-Sent Events frame.
public struct SSEFrame: Sendable, Hashable {
    public var id: String?
    public var event: String?
    public var data: String
}

/// An incremental `text/event-stream` parser: feed bytes as they arrive, take complete frames.
///
/// Follows the WHATWG rules that matter here: `field:value` with one optional space after the colon, several `data:`
/// lines joined with newlines, comment lines (`:heartbeat`) ignored, a blank line dispatches, CR, LF and CRLF all
/// end lines.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var id: String?
    private var event: String?
    private var data: [String] = []
    /// Ids of dispatched frames persist (the last-event-id buffer).
    public private(set) var lastEventID: String?
    /// Bytes of the current, incomplete line are kept below this; longer lines are cut (a hostile server cannot
    /// make the client buffer without bound).
    public var maxLineBytes = 16 * 1024 * 1024

    public init() {}

    /// Consumes bytes and returns the frames they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [SSEFrame] where Bytes.Element == UInt8 {
        var frames: [SSEFrame] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if lastWasCR { lastWasCR = false; continue }
                if let frame = endLine() { frames.append(frame) }
            } else if byte == UInt8(ascii: "\r") {
                lastWasCR = true
                if let frame = endLine() { frames.append(frame) }
            } else {
                lastWasCR = false
                if line.count < maxLineBytes { line.append(byte) }
            }
        }
        return frames
    }

    private mutating func endLine() -> SSEFrame? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard !data.isEmpty || event != nil else { id = nil; return nil }
            let frame = SSEFrame(id: id ?? lastEventID, event: event, data: data.joined(separator: "\n"))
            if let id { lastEventID = id }
            id = nil
            event = nil
            data = []
            return frame
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": event = String(value)
        case "id": if !value.contains("\0") { id = String(value) }
        default: break
        }
        return nil
    }
}
