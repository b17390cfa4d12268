import Foundation

/// Writes a PDF 1.4 file of text pages in the standard Type 1 fonts (no embedding, WinAnsi encoding): the page
/// objects, one content stream per page, a document information dictionary and the cross-reference table.
struct PDFDocumentWriter {
    /// The fonts a page's content stream may select (`/F1` … `/F5`).
    enum Font: Int, CaseIterable {
        case regular = 1, bold, italic, mono, boldItalic

        var baseFont: String {
            switch self {
            case .regular: return "Helvetica"
            case .bold: return "Helvetica-Bold"
            case .italic: return "Helvetica-Oblique"
            case .mono: return "Courier"
            case .boldItalic: return "Helvetica-BoldOblique"
            }
        }

        var resourceName: String { "F\(rawValue)" }

        /// Advance of one WinAnsi byte in thousandths of the font size (Adobe's AFM metrics).
        func width(of byte: UInt8) -> Int {
            if self == .mono { return 600 }
            let bold = self == .bold || self == .boldItalic
            if byte >= 32, byte <= 126 {
                let table = bold ? Self.boldWidths : Self.regularWidths
                return table[Int(byte) - 32]
            }
            switch byte {
            case 0x95: return 350
            case 0x85, 0x97, 0x89: return 1000
            case 0x91, 0x92: return bold ? 278 : 222
            case 0x93, 0x94: return bold ? 500 : 333
            default: return 556
            }
        }

        private static let regularWidths: [Int] = [
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
            556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
            556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
            556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
            500, 500, 500, 334, 260, 334, 584,
        ]
        private static let boldWidths: [Int] = [
            278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
            556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722,
            611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556,
            611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778,
            556, 556, 500, 389, 280, 389, 584,
        ]
    }

    /// Width of `text` set in `font` at `size` points.
    static func width(of text: String, font: Font, size: Double) -> Double {
        Double(winAnsi(text).reduce(0) { $0 + font.width(of: $1) }) * size / 1000
    }

    /// `text` in WinAnsiEncoding; characters it lacks become `?`.
    static func winAnsi(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 32...126, 160...255: bytes.append(UInt8(value))
            case 9: bytes.append(32)
            case 0x2022: bytes.append(0x95)
            case 0x2013: bytes.append(0x96)
            case 0x2014: bytes.append(0x97)
            case 0x2018: bytes.append(0x91)
            case 0x2019: bytes.append(0x92)
            case 0x201C: bytes.append(0x93)
            case 0x201D: bytes.append(0x94)
            case 0x2026: bytes.append(0x85)
            case 0x20AC: bytes.append(0x80)
            case 0x2122: bytes.append(0x99)
            case 0x2030: bytes.append(0x89)
            default: bytes.append(UInt8(ascii: "?"))
            }
        }
        return bytes
    }

    /// A PDF string literal: `(`, `)` and `\` escaped, bytes outside printable ASCII as octal escapes.
    static func literal(_ text: String) -> String {
        var out = "("
        for byte in winAnsi(text) {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                out += "\\" + String(UnicodeScalar(byte))
            case 32...126:
                out += String(UnicodeScalar(byte))
            default:
                out += "\\" + String(byte, radix: 8).leftPadded(to: 3)
            }
        }
        return out + ")"
    }

    var width: Double
    var height: Double
    /// Content streams, one per page.
    var pages: [String] = []
    /// `/Title`, `/Author`, `/Subject`, `/Keywords`, `/Creator`.
    var info: [String: String] = [:]

    /// The whole file.
    func data() -> Data {
        var out = Data("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        func object(_ body: String) {
            offsets.append(out.count)
            out.append(Data("\(offsets.count) 0 obj\n\(body)\nendobj\n".utf8))
        }
        let fontCount = Font.allCases.count
        let firstPage = 3 + fontCount + 1
        let kids = (0..<pages.count).map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
        object("<< /Type /Catalog /Pages 2 0 R >>")
        object("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        for font in Font.allCases {
            object("<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding /WinAnsiEncoding >>")
        }
        var infoEntries = info.keys.sorted().map { "/\($0) \(Self.literal(info[$0]!))" }
        infoEntries.append("/Producer (agentspanc)")
        object("<< \(infoEntries.joined(separator: " ")) >>")
        let fonts = Font.allCases.map { "/\($0.resourceName) \(2 + $0.rawValue) 0 R" }.joined(separator: " ")
        for (index, content) in pages.enumerated() {
            let contentObject = firstPage + 2 * index + 1
            object(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.number(width)) \(Self.number(height))] "
                    + "/Resources << /Font << \(fonts) >> >> /Contents \(contentObject) 0 R >>")
            let bytes = Data(content.utf8)
            offsets.append(out.count)
            out.append(Data("\(offsets.count) 0 obj\n<< /Length \(bytes.count) >>\nstream\n".utf8))
            out.append(bytes)
            out.append(Data("\nendstream\nendobj\n".utf8))
        }
        let xref = out.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(offset).leftPadded(to: 10) + " 00000 n \n" }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info \(3 + fontCount) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        out.append(Data(table.utf8))
        return out
    }

    /// A number as PDF writes it: at most two decimals.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded)
    }
}

extension String {
    /// Left-padded with zeros to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
