// Renders one decoded frame through every view into a collecting OutputBuffer.
#if canImport(Glibc)
import Glibc
#endif
import Dissect
import Follow
import Views

/// Where rendered views go: /dev/null, or stdout with FUZZ_VERBOSE=1.
private let viewSink: Int32 = fuzzVerbose ? 1 : open("/dev/null", O_WRONLY | O_CLOEXEC)

struct ViewSet {
    /// Light: only the first summary line and the fields view (every field, including the
    /// follower's analysis); for the follow target, where the views are not the point.
    let light: Bool
    private let out = OutputBuffer(fileDescriptor: viewSink)
    /// The summary line in every time format, the first one colored.
    private let summaries = SummaryLine.TimeFormat.allCases.enumerated().map { i, format in
        SummaryLine(timeFormat: format, color: i == 0)
    }
    private let json = JSONView()
    /// Where the JSON and ek output is collected to be checked (emptied after each frame).
    private let jsonLine = OutputBuffer(fileDescriptor: nil, flushThreshold: 0)
    private let ek = OutputBuffer(fileDescriptor: nil, flushThreshold: 0)
    private let fields: FieldsView = try! FieldsView(names: FieldRegistry.all.map(\.name))
    private var reference: Timestamp?
    private var previous = Timestamp.zero

    init(light: Bool = false) { self.light = light }

    /// Forgets the previous input's timestamps: the next frame is the first.
    mutating func reset() {
        reference = nil
        previous = .zero
    }

    /// Renders `frame`; with `everyField` false (light only) the fields view is skipped.
    mutating func render(_ frame: Frame, _ analysis: FrameAnalysis, everyField: Bool = true) {
        let ref = reference ?? frame.raw.timestamp
        reference = ref
        let input = FieldInput(frame: frame, analysis: analysis, reference: ref,
                               previous: frame.number == 1 ? frame.raw.timestamp : previous)
        previous = frame.raw.timestamp
        for summary in summaries {
            summary.write(input, to: out)
            if light { break }
        }
        if everyField || !light { fields.write(input, to: out) }
        guard !light else { return out.flush() }
        // Oracle: the JSON line must parse.
        json.write(input, to: jsonLine)
        let line = jsonLine.takeBytes()
        if !isValidJSONLine(line) {
            fatalError("invalid JSON for frame \(frame.number): \(String(decoding: line, as: UTF8.self))")
        }
        out.bytes(line)
        // The details tree, as -V and -T ek write it; each ek document line must parse.
        let details = PacketTree.build(input)
        VerboseView.write(details, bytes: frame.bytes, to: out)
        TSharkJSONView(style: .ek).write(details, timestamp: frame.raw.timestamp, to: ek)
        let documents = ek.takeBytes()
        if !areValidJSONLines(documents) {
            for line in documents.split(separator: 10) where !isValidJSONLine(Array(line) + [10]) {
                fatalError("invalid ek JSON for frame \(frame.number): \(String(decoding: line, as: UTF8.self))")
            }
            fatalError("invalid ek JSON for frame \(frame.number)")
        }
        HexDump.write(frame.bytes, to: out)
        out.flush()
    }
}
