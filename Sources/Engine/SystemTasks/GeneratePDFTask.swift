import Foundation
import Workflow

/// Conductor's `GENERATE_PDF`, run locally: the `markdown` the model wrote becomes a PDF (``MarkdownPDF``), stored
/// by the server. Inputs: `markdown` (required), `pageSize` (A4 default, LETTER, LEGAL, A3, A5), `marginTop`,
/// `marginRight`, `marginBottom`, `marginLeft` (points, 72 default), `baseFontSize` (11 default), `pdfMetadata`
/// (`title`, `author`, `subject`, `keywords`), `theme` (`default`, or `compact`: 9.5 pt type, 48 pt margins). Output as Conductor's: `result: {location, sizeBytes}` and
/// `media: [{location, mimeType: application/pdf}]`.
enum GeneratePDFTask {
    static func run(_ input: [String: JSONValue], store: MediaSink) async -> EngineTaskOutcome {
        let markdown = ["markdown", "text", "content"].lazy.compactMap { input[$0]?.stringValue }.first { !$0.isEmpty }
        guard let markdown else {
            return MediaGenerationTask.failure(LLMError(message: "GENERATE_PDF needs a non-empty 'markdown' input"))
        }
        var options = MarkdownPDF.Options()
        if let size = input["pageSize"]?.stringValue, !size.isEmpty, !options.setPageSize(size) {
            return MediaGenerationTask.failure(
                LLMError(message: "GENERATE_PDF: pageSize '\(size)' is not one of A4, LETTER, LEGAL, A3, A5"))
        }
        func points(_ key: String, _ range: ClosedRange<Double>) -> Double? {
            guard let value = input[key]?.doubleValue ?? input[key]?.stringValue.flatMap(Double.init) else { return nil }
            return min(max(value, range.lowerBound), range.upperBound)
        }
        // Conductor's `theme: compact`: smaller type and margins unless given explicitly.
        if input["theme"]?.stringValue?.lowercased() == "compact" {
            options.baseFontSize = 9.5
            (options.marginTop, options.marginRight, options.marginBottom, options.marginLeft) = (48, 48, 48, 48)
        }
        let marginLimit = min(options.pageWidth, options.pageHeight) / 3
        options.marginTop = points("marginTop", 0...marginLimit) ?? options.marginTop
        options.marginRight = points("marginRight", 0...marginLimit) ?? options.marginRight
        options.marginBottom = points("marginBottom", 0...marginLimit) ?? options.marginBottom
        options.marginLeft = points("marginLeft", 0...marginLimit) ?? options.marginLeft
        options.baseFontSize = points("baseFontSize", 4...48) ?? options.baseFontSize
        for (key, value) in input["pdfMetadata"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { continue }
            options.metadata[key.prefix(1).uppercased() + key.dropFirst()] = text
        }
        let data = MarkdownPDF(options: options).render(markdown)
        do {
            let stored = try await store([GeneratedMedia(data: data, mimeType: "application/pdf")])
            var output = MediaGenerationTask.output(stored)
            if let first = stored.first {
                output["result"] = ["location": .string(first.location), "sizeBytes": .int(first.sizeBytes)]
            }
            return EngineTaskOutcome(status: .completed, output: output, reason: nil)
        } catch {
            return MediaGenerationTask.failure(error)
        }
    }
}
