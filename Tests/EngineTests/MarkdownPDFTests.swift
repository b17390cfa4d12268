import Foundation
import TestSupport
import Testing

@testable import Engine

/// GENERATE_PDF's writer, read back with poppler's `pdftotext` and `pdfinfo` (scripts/setup installs them).
@Suite("Markdown to PDF")
struct MarkdownPDFTests {
    /// Runs a poppler tool on `pdf` and returns its standard output.
    func poppler(_ tool: String, _ arguments: [String], pdf: Data) throws -> String {
        let directory = try makeTemporaryDirectory(prefix: "pdf")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/out.pdf"
        try pdf.write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments + [file] + (tool == "pdftotext" ? ["-"] : [])
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool): \(errors)")
        #expect(!errors.contains("Syntax Error"), "\(tool) complained: \(errors)")
        return String(decoding: text, as: UTF8.self)
    }

    static let report = """
        # Incident report

        The **payments** service returned *503s* for `12 minutes`; see [the runbook](https://runbooks.example/payments).

        ## Timeline

        1. Alerts fired at 09:12.
        2. The database was at 91% disk.
           - Slow queries queued up.
        3. Payments was restarted.

        - Root cause: disk pressure — “slow query” backlog
        - Owner: platform team

        > Restarting is a stopgap, not a fix.

        ```
        $ df -h /var/lib/postgresql
        ```

        | Service | Status |
        |---------|--------|
        | payments | healthy |

        ---

        \\pagebreak

        # Follow-up

        Grow the volume and add an alert at 80% (€0 cost).
        """

    @Test("headings, inline styles, lists, quotes, code, tables and a page break: pdftotext reads them in order")
    func readsBack() throws {
        let pdf = MarkdownPDF(options: .init(metadata: ["Title": "Incident report"])).render(Self.report)
        #expect(pdf.starts(with: Data("%PDF-1.4".utf8)))
        let text = try poppler("pdftotext", ["-layout"], pdf: pdf)
        let expectedInOrder = [
            "Incident report", "The payments service returned 503s for 12 minutes; see the runbook (https://runbooks.example/payments).",
            "Timeline", "1.", "Alerts fired at 09:12.", "2.", "The database was at 91% disk.", "•", "Slow queries queued up.",
            "Payments was restarted.", "Root cause: disk pressure — “slow query” backlog", "Owner: platform team",
            "Restarting is a stopgap, not a fix.", "$ df -h /var/lib/postgresql", "payments", "healthy", "Follow-up",
            "Grow the volume and add an alert at 80% (€0 cost).",
        ]
        var rest = Substring(text.replacingOccurrences(of: "\n", with: " ").split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))
        for piece in expectedInOrder {
            guard let range = rest.range(of: piece) else {
                Issue.record("missing or out of order: \(piece)\n--- text:\n\(text)")
                return
            }
            rest = rest[range.upperBound...]
        }
        #expect(!text.contains("**"), "markdown markers are not printed")
        #expect(text.components(separatedBy: "\u{0C}").count >= 2, "a form feed separates the pages")
        let info = try poppler("pdfinfo", [], pdf: pdf)
        #expect(info.contains("Pages:           2"), "\(info)")
        #expect(info.contains("Title:           Incident report"), "\(info)")
        #expect(info.contains("Page size:       595.28 x 841.89 pts (A4)"), "\(info)")
    }

    @Test("long text wraps inside the margins and continues on new pages; LETTER size")
    func wrapsAndPaginates() throws {
        let paragraph = (1...40).map { "Sentence number \($0) of a long paragraph that has to wrap." }.joined(separator: " ")
        let markdown = (1...12).map { "## Section \($0)\n\n\(paragraph)" }.joined(separator: "\n\n")
        var options = MarkdownPDF.Options()
        let known = options.setPageSize("letter")
        #expect(known)
        let pdf = MarkdownPDF(options: options).render(markdown)
        let info = try poppler("pdfinfo", [], pdf: pdf)
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(pages > 5, "\(info)")
        #expect(info.contains("612 x 792 pts (letter)"), "\(info)")
        let text = try poppler("pdftotext", [], pdf: pdf)
        #expect(text.contains("Section 12"))
        #expect(text.contains("Sentence number 40 of a long paragraph"))
        // Every line fits the text width: no line is longer than about 100 characters at 11 pt on 468 pt.
        let longest = text.split(separator: "\n").map(\.count).max() ?? 0
        #expect(longest < 110, "longest line \(longest)")
    }

    @Test("the task reads its inputs: page size, compact theme, metadata; a missing markdown or unknown size is refused")
    func taskInputs() async throws {
        let stored = StoredPDFs()
        let store: MediaSink = { items in
            await stored.add(items)
            return items.map { StoredMediaReference(id: "m1", location: "/api/media/m1", mimeType: $0.mimeType, sizeBytes: $0.data.count) }
        }
        let outcome = await GeneratePDFTask.run(
            ["markdown": "# Hi\n\nThere.", "pageSize": "LEGAL", "theme": "compact", "pdfMetadata": ["author": "Ops"]], store: store)
        #expect(outcome.status == .completed)
        #expect(outcome.output["result"] == ["location": "/api/media/m1", "sizeBytes": .int(await stored.first?.data.count ?? 0)])
        #expect(outcome.output["media"] == [["id": "m1", "location": "/api/media/m1", "mimeType": "application/pdf", "sizeBytes": .int(await stored.first?.data.count ?? 0)]])
        let info = try poppler("pdfinfo", [], pdf: try #require(await stored.first?.data))
        #expect(info.contains("612 x 1008 pts") && info.contains("Author:          Ops"), "\(info)")

        let missing = await GeneratePDFTask.run(["pageSize": "A4"], store: store)
        #expect(missing.status == .failedWithTerminalError)
        #expect(missing.reason == "GENERATE_PDF needs a non-empty 'markdown' input")
        let size = await GeneratePDFTask.run(["markdown": "x", "pageSize": "B5"], store: store)
        #expect(size.reason == "GENERATE_PDF: pageSize 'B5' is not one of A4, LETTER, LEGAL, A3, A5")
    }

    actor StoredPDFs {
        private(set) var items: [GeneratedMedia] = []
        var first: GeneratedMedia? { items.first }
        func add(_ more: [GeneratedMedia]) { items += more }
    }

    @Test("the markdown parser: blocks and inline runs")
    func parser() {
        let blocks = MarkdownPDF.blocks("# Title\ntext **bold** and *it*\ncontinued\n\n- a\n  - b\n10. ten\n\\newpage\n```\ncode  kept\n```")
        #expect(blocks.count == 7)
        #expect(blocks[0] == .heading(level: 1, runs: [.init(text: "Title", font: .bold)]))
        #expect(
            blocks[1]
                == .paragraph([
                    .init(text: "text ", font: .regular), .init(text: "bold", font: .bold), .init(text: " and ", font: .regular),
                    .init(text: "it", font: .italic), .init(text: " continued", font: .regular),
                ]))
        #expect(blocks[2] == .listItem(depth: 0, marker: "\u{2022}", runs: [.init(text: "a", font: .regular)]))
        #expect(blocks[3] == .listItem(depth: 1, marker: "\u{2022}", runs: [.init(text: "b", font: .regular)]))
        #expect(blocks[4] == .listItem(depth: 0, marker: "10.", runs: [.init(text: "ten", font: .regular)]))
        #expect(blocks[5] == .pageBreak)
        #expect(blocks[6] == .code(["code  kept"]))
    }
}
