import Foundation

/// Renders the markdown a model wrote as a PDF (GENERATE_PDF): headings, paragraphs with **bold**, *italic* and
/// `code` spans, bulleted and numbered lists (nested by indentation), block quotes, fenced code blocks, tables as
/// rows of cells, horizontal rules, and page breaks (`\pagebreak`, `\newpage`, `<!-- pagebreak -->` or an HTML
/// `page-break` style). Text is set in the standard PDF fonts and wrapped to the page; a page that fills up
/// continues on the next.
struct MarkdownPDF {
    /// Page geometry and type, as GENERATE_PDF's inputs name them.
    struct Options {
        var pageWidth = 595.28
        var pageHeight = 841.89
        var marginTop = 72.0
        var marginRight = 72.0
        var marginBottom = 72.0
        var marginLeft = 72.0
        var baseFontSize = 11.0
        /// `/Title`, `/Author`, … of the document information dictionary.
        var metadata: [String: String] = [:]

        /// A4 (default), LETTER or LEGAL.
        mutating func setPageSize(_ name: String) -> Bool {
            switch name.uppercased() {
            case "A4": (pageWidth, pageHeight) = (595.28, 841.89)
            case "LETTER": (pageWidth, pageHeight) = (612, 792)
            case "LEGAL": (pageWidth, pageHeight) = (612, 1008)
            case "A3": (pageWidth, pageHeight) = (841.89, 1190.55)
            case "A5": (pageWidth, pageHeight) = (419.53, 595.28)
            default: return false
            }
            return true
        }
    }

    typealias Font = PDFDocumentWriter.Font

    /// A piece of text in one font.
    struct Run: Equatable {
        var text: String
        var font: Font
    }

    /// A block of the document.
    enum Block: Equatable {
        case heading(level: Int, runs: [Run])
        case paragraph([Run])
        case listItem(depth: Int, marker: String, runs: [Run])
        case quote([Run])
        /// One row of a table, its cells joined.
        case tableRow([Run])
        case code([String])
        case rule
        case pageBreak
    }

    var options: Options

    /// The PDF of `markdown`.
    func render(_ markdown: String) -> Data {
        var layout = Layout(options: options)
        for block in Self.blocks(markdown) { layout.add(block) }
        var writer = PDFDocumentWriter(width: options.pageWidth, height: options.pageHeight)
        writer.pages = layout.finish()
        writer.info = options.metadata
        return writer.data()
    }

    // MARK: Parsing

    /// The blocks of a markdown text.
    static func blocks(_ markdown: String) -> [Block] {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var paragraph: [String] = []
        var code: [String]?
        func flush() {
            if !paragraph.isEmpty { blocks.append(.paragraph(inline(paragraph.joined(separator: " ")))) }
            paragraph = []
        }
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                if let open = code {
                    blocks.append(.code(open))
                    code = nil
                } else {
                    flush()
                    code = []
                }
                continue
            }
            if code != nil {
                code?.append(line.replacingOccurrences(of: "\t", with: "    "))
                continue
            }
            if trimmed.isEmpty {
                flush()
                continue
            }
            let lower = trimmed.lowercased()
            if lower == "\\pagebreak" || lower == "\\newpage" || lower == "<!-- pagebreak -->"
                || (lower.hasPrefix("<") && lower.contains("page-break"))
            {
                flush()
                blocks.append(.pageBreak)
                continue
            }
            if trimmed.count >= 3, let first = trimmed.first, "-*_".contains(first),
                trimmed.allSatisfy({ $0 == first || $0 == " " })
            {
                flush()
                blocks.append(.rule)
                continue
            }
            if let heading = headingLevel(trimmed) {
                flush()
                let text = trimmed.dropFirst(heading).trimmingCharacters(in: .whitespaces)
                blocks.append(.heading(level: heading, runs: inline(text, base: .bold)))
                continue
            }
            if let item = listItem(line) {
                flush()
                blocks.append(.listItem(depth: item.depth, marker: item.marker, runs: inline(item.text)))
                continue
            }
            if trimmed.hasPrefix(">") {
                flush()
                let text = trimmed.drop { $0 == ">" || $0 == " " }
                blocks.append(.quote(inline(String(text), base: .italic)))
                continue
            }
            if trimmed.hasPrefix("|") {
                flush()
                let cells = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "|")).split(separator: "|")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                // The `|---|:--:|` row under a table's header draws nothing.
                if cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { "-: ".contains($0) } }) { continue }
                blocks.append(.tableRow(inline(cells.joined(separator: "   |   "))))
                continue
            }
            paragraph.append(trimmed)
        }
        if let open = code { blocks.append(.code(open)) }
        flush()
        return blocks
    }

    /// `#` to `######` followed by a space: the level.
    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        return rest.isEmpty || rest.first == " " ? hashes : nil
    }

    /// `- item`, `* item`, `+ item`, `1. item`, `1) item`, indented two spaces per level.
    static func listItem(_ line: String) -> (depth: Int, marker: String, text: String)? {
        let indent = line.prefix { $0 == " " || $0 == "\t" }.reduce(0) { $0 + ($1 == "\t" ? 4 : 1) }
        let body = line.drop { $0 == " " || $0 == "\t" }
        if let first = body.first, "-*+".contains(first), body.dropFirst().first == " " {
            return (indent / 2, "\u{2022}", body.dropFirst(2).trimmingCharacters(in: .whitespaces))
        }
        let digits = body.prefix { $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = body.dropFirst(digits.count)
            if let mark = rest.first, mark == "." || mark == ")", rest.dropFirst().first == " " {
                return (indent / 2, "\(digits).", rest.dropFirst(2).trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// Inline spans: `**bold**`, `__bold__`, `*italic*`, `_italic_`, `` `code` ``, `[text](url)` (set as
    /// `text (url)`), `![alt](src)` (set as `[image: alt]`) and backslash escapes.
    static func inline(_ text: String, base: Font = .regular) -> [Run] {
        var runs: [Run] = []
        var current = ""
        var bold = base == .bold || base == .boldItalic
        var italic = base == .italic || base == .boldItalic
        func font() -> Font {
            switch (bold, italic) {
            case (true, true): return .boldItalic
            case (true, false): return .bold
            case (false, true): return .italic
            case (false, false): return .regular
            }
        }
        func flush(_ as: Font? = nil) {
            if !current.isEmpty { runs.append(Run(text: current, font: `as` ?? font())) }
            current = ""
        }
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "\\", let next, "\\`*_{}[]()#+-.!|>".contains(next) {
                current.append(next)
                i += 2
            } else if c == "`", let close = chars[(i + 1)...].firstIndex(of: "`") {
                flush()
                current = String(chars[(i + 1)..<close])
                flush(.mono)
                i = close + 1
            } else if (c == "*" || c == "_"), next == c {
                flush()
                bold.toggle()
                i += 2
            } else if c == "*" || (c == "_" && (i == 0 || chars[i - 1] == " " || italic)) {
                flush()
                italic.toggle()
                i += 1
            } else if c == "!" || c == "[", let link = link(in: chars, at: c == "!" ? i + 1 : i) {
                current += c == "!" ? "[image: \(link.text)]" : (link.url.isEmpty || link.url == link.text ? link.text : "\(link.text) (\(link.url))")
                i = link.end
            } else {
                current.append(c)
                i += 1
            }
        }
        flush()
        return runs
    }

    /// `[text](url)` starting at `start`: its parts and the index after it.
    private static func link(in chars: [Character], at start: Int) -> (text: String, url: String, end: Int)? {
        guard start < chars.count, chars[start] == "[", let close = chars[start...].firstIndex(of: "]"),
            close + 1 < chars.count, chars[close + 1] == "(", let end = chars[(close + 1)...].firstIndex(of: ")")
        else { return nil }
        return (String(chars[(start + 1)..<close]), String(chars[(close + 2)..<end]), end + 1)
    }

    // MARK: Layout

    /// Places blocks on pages, top to bottom, and writes each page's content stream.
    struct Layout {
        let options: Options
        var pages: [String] = []
        var content = ""
        var y: Double

        init(options: Options) {
            self.options = options
            y = options.pageHeight - options.marginTop
        }

        var textWidth: Double { options.pageWidth - options.marginLeft - options.marginRight }

        mutating func newPage() {
            pages.append(content)
            content = ""
            y = options.pageHeight - options.marginTop
        }

        /// Room for `height` more points on this page, or a new page.
        mutating func ensure(_ height: Double) {
            if y - height < options.marginBottom, y < options.pageHeight - options.marginTop { newPage() }
        }

        /// The block placed last: lists and tables get their spacing after their last line.
        var previous: Block?

        mutating func add(_ block: Block) {
            let base = options.baseFontSize
            switch (previous, block) {
            case (.listItem?, .listItem), (.tableRow?, .tableRow): break
            case (.listItem?, _), (.tableRow?, _): y -= base * 0.6
            default: break
            }
            previous = block
            switch block {
            case .heading(let level, let runs):
                let size = base * [2.0, 1.6, 1.3, 1.15, 1.0, 1.0][level - 1]
                y -= base * 0.6
                ensure(size * 2.4)
                paragraph(runs, size: size, indent: 0)
                y -= size * 0.3
            case .paragraph(let runs):
                paragraph(runs, size: base, indent: 0)
                y -= base * 0.6
            case .listItem(let depth, let marker, let runs):
                let indent = Double(depth + 1) * base * 1.6
                ensure(base * 1.35)
                y -= base * 1.35
                let markerWidth = PDFDocumentWriter.width(of: marker, font: .regular, size: base)
                text([Run(text: marker, font: .regular)], x: options.marginLeft + indent - markerWidth - base * 0.5, size: base)
                paragraph(runs, size: base, indent: indent, firstLineAlreadyPlaced: true)
                y -= base * 0.25
            case .tableRow(let runs):
                paragraph(runs, size: base, indent: 0)
                y -= base * 0.2
            case .quote(let runs):
                paragraph(runs, size: base, indent: base * 2)
                y -= base * 0.6
            case .code(let lines):
                let size = base * 0.9
                let perLine = max(1, Int(textWidth / (size * 0.6)))
                for line in lines {
                    var rest = Substring(line)
                    repeat {
                        let piece = rest.prefix(perLine)
                        rest = rest.dropFirst(piece.count)
                        ensure(size * 1.3)
                        y -= size * 1.3
                        text([Run(text: String(piece), font: .mono)], x: options.marginLeft + base, size: size)
                    } while !rest.isEmpty
                }
                y -= base * 0.6
            case .rule:
                ensure(base)
                y -= base * 0.5
                content += "0.6 w \(n(options.marginLeft)) \(n(y)) m \(n(options.pageWidth - options.marginRight)) \(n(y)) l S\n"
                y -= base * 0.5
            case .pageBreak:
                if !content.isEmpty { newPage() }
            }
        }

        /// Wraps `runs` into lines of the text width minus `indent` and places them.
        mutating func paragraph(_ runs: [Run], size: Double, indent: Double, firstLineAlreadyPlaced: Bool = false) {
            let width = textWidth - indent
            var lines: [[Run]] = [[]]
            var lineWidth = 0.0
            for run in runs {
                // Split into words keeping their trailing spaces, so a line can break between them.
                var words: [String] = []
                var word = ""
                for c in run.text {
                    word.append(c)
                    if c == " " {
                        words.append(word)
                        word = ""
                    }
                }
                if !word.isEmpty { words.append(word) }
                for word in words {
                    let w = PDFDocumentWriter.width(of: word, font: run.font, size: size)
                    if lineWidth + w > width, lineWidth > 0 {
                        lines.append([])
                        lineWidth = 0
                    }
                    var piece = word
                    // A word wider than the line is cut.
                    while PDFDocumentWriter.width(of: piece, font: run.font, size: size) > width, piece.count > 1 {
                        var head = ""
                        for c in piece {
                            if PDFDocumentWriter.width(of: head + String(c), font: run.font, size: size) > width { break }
                            head.append(c)
                        }
                        if head.isEmpty { head = String(piece.first!) }
                        lines[lines.count - 1].append(Run(text: head, font: run.font))
                        lines.append([])
                        piece = String(piece.dropFirst(head.count))
                    }
                    if let last = lines[lines.count - 1].last, last.font == run.font {
                        lines[lines.count - 1][lines[lines.count - 1].count - 1].text += piece
                    } else {
                        lines[lines.count - 1].append(Run(text: piece, font: run.font))
                    }
                    lineWidth += PDFDocumentWriter.width(of: piece, font: run.font, size: size)
                }
            }
            for (index, line) in lines.enumerated() where !line.isEmpty {
                if !(firstLineAlreadyPlaced && index == 0) {
                    ensure(size * 1.35)
                    y -= size * 1.35
                }
                text(line, x: options.marginLeft + indent, size: size)
            }
        }

        /// Sets one line of runs on the current baseline, starting at `x`.
        mutating func text(_ runs: [Run], x: Double, size: Double) {
            var line = "BT \(n(x)) \(n(y)) Td"
            for run in runs {
                line += " /\(run.font.resourceName) \(n(size)) Tf \(PDFDocumentWriter.literal(run.text)) Tj"
            }
            content += line + " ET\n"
        }

        mutating func finish() -> [String] {
            if !content.isEmpty || pages.isEmpty { pages.append(content) }
            return pages
        }

        private func n(_ value: Double) -> String { PDFDocumentWriter.number(value) }
    }
}
