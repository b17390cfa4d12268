import Foundation
import Workflow

extension Session {
    /// WAIT: IN_PROGRESS until `duration` / `until` passes (or forever), or until completed from outside.
    func startWait(_ r: TaskRecord, in state: ExecutionState) throws {
        let input = r.task.inputData
        let duration = input[value: "duration"].stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let until = input[value: "until"].stringValue.flatMap { $0.isEmpty ? nil : $0 }
        var deadline: Int64?
        switch (duration, until) {
        case (.some, .some):
            try finish(r.id, in: state, status: .failedWithTerminalError, reason: "Both 'duration' and 'until' specified")
            return
        case (.some(let d), nil):
            guard let seconds = Self.parseDuration(d) else {
                try finish(r.id, in: state, status: .failedWithTerminalError, reason: "Invalid duration '\(d)'")
                return
            }
            deadline = Int64.saturatingDeadline(now, plusSeconds: seconds)
        case (nil, .some(let u)):
            guard let date = Self.parseUntil(u) else {
                try finish(r.id, in: state, status: .failedWithTerminalError, reason: "Invalid 'until' '\(u)'")
                return
            }
            deadline = Int64(saturating: date.timeIntervalSince1970 * 1000)
        case (nil, nil): deadline = nil
        }
        var t = r
        t.wakeAt = deadline
        markInProgress(&t, in: state)
    }

    /// Completes a WAIT whose deadline has passed.
    func executeWait(_ r: TaskRecord, in state: ExecutionState) throws -> Bool {
        guard let deadline = r.wakeAt, deadline <= now else { return false }
        try finish(r.id, in: state, status: .completed)
        return true
    }

    /// `1d 2h 3m 4s`, also `days/hours/mins/seconds` words; a bare number is seconds.
    static func parseDuration(_ text: String) -> Int? {
        if let n = Int(text.trimmingCharacters(in: .whitespaces)) { return n }
        let pattern = #"^\s*(?:(\d+)\s*(?:d|days?))?\s*(?:(\d+)\s*(?:h|hours?|hrs?))?\s*(?:(\d+)\s*(?:m|mins?|minutes?))?\s*(?:(\d+)\s*(?:s|secs?|seconds?))?\s*$"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        var total = 0
        var any = false
        for (group, unit) in [(1, 86400), (2, 3600), (3, 60), (4, 1)] {
            if let range = Range(match.range(at: group), in: text) {
                let n = Int(text[range]) ?? .max
                total = total.saturatingAdding(n.saturatingMultiplied(by: unit))
                any = true
            }
        }
        return any ? total : nil
    }

    /// `yyyy-MM-dd HH:mm`, `yyyy-MM-dd HH:mm z` or `yyyy-MM-dd`, in UTC unless a zone is given.
    static func parseUntil(_ text: String) -> Date? {
        for format in ["yyyy-MM-dd HH:mm z", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = format
            if let d = f.date(from: text) { return d }
        }
        return nil
    }
}
