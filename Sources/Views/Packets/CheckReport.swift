import Dissect

/// `read --check`: a capinfos-like integrity report of a capture file.
public struct CheckReport {
    public var format = ""
    public var linkTypes: [LinkType: Int] = [:]
    public var packets = 0
    public var bytesOnWire = 0
    public var first: Timestamp?
    public var last: Timestamp?
    /// Frames with a decode issue: (frame, issue), the first few kept.
    public private(set) var damagedFrames: [(Int, String)] = []
    public private(set) var damagedCount = 0
    public var fileError: String?
    static let keep = 20

    public init() {}

    public mutating func add(_ frame: Frame) {
        packets += 1
        bytesOnWire += frame.raw.originalLength
        linkTypes[frame.raw.linkType, default: 0] += 1
        let t = frame.raw.timestamp
        if first == nil || t < first! { first = t }
        if last == nil || t > last! { last = t }
        // An unsupported link type is not damage: the frame is simply not decoded. Nor is
        // a snaplen cut: the capture chose to keep only the start of each frame.
        let issues = frame.damage.filter { if case .malformed(.unsupportedLinkType) = $0.kind { false } else { true } }
        guard let issue = issues.first else { return }
        damagedCount += 1
        if damagedFrames.count < Self.keep { damagedFrames.append((frame.number, issue.description)) }
    }

    public var isClean: Bool { fileError == nil && damagedCount == 0 }

    public func writeText(name: String, to out: OutputBuffer) {
        func line(_ key: String, _ value: String) {
            out.string(key.padded(to: 21) + value + "\n")
        }
        line("File name:", name)
        line("File format:", format)
        line("Link types:", linkTypes.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.name ?? String($0.key.rawValue)) (\($0.value) packets)" }.joined(separator: ", "))
        line("Packets:", String(packets))
        line("Bytes on the wire:", String(bytesOnWire))
        if let first, let last {
            // Dates in UTC as capinfos prints them, with the epoch seconds after them for scripts.
            let digits = first.nanoseconds % 1000 == 0 && last.nanoseconds % 1000 == 0 ? 6 : 9
            func date(_ t: Timestamp) -> String {
                let o = OutputBuffer(fileDescriptor: nil), e = OutputBuffer(fileDescriptor: nil)
                let civil = CivilTime(t)
                civil.writeDate(to: o)
                o.byte(32)
                civil.writeTime(to: o, digits: digits)
                e.epoch(t)
                return o.text + " UTC (epoch " + e.text + ")"
            }
            let d = OutputBuffer(fileDescriptor: nil)
            d.seconds(nanoseconds: last.nanoseconds(since: first))
            line("First packet:", date(first))
            line("Last packet:", date(last))
            line("Duration:", d.text + " s")
        }
        line("Damaged frames:", String(damagedCount))
        for (frame, issue) in damagedFrames { out.string("  frame \(frame): \(issue)\n") }
        if damagedCount > damagedFrames.count { out.string("  … and \(damagedCount - damagedFrames.count) more\n") }
        line("File error:", fileError ?? "none")
        line("Verdict:", isClean ? "clean" : fileError != nil ? "damaged (the packets before the error were read)" : "frames truncated or malformed")
    }

    public func writeJSON(name: String, to out: OutputBuffer) {
        let json = JSONView()
        func string(_ s: String) { json.writeString(Array(s.utf8)[...], to: out) }
        out.ascii("{\"file\":")
        string(name)
        out.ascii(",\"format\":")
        string(format)
        out.ascii(",\"link_types\":{")
        for (i, (type, count)) in linkTypes.sorted(by: { $0.key.rawValue < $1.key.rawValue }).enumerated() {
            if i > 0 { out.byte(44) }
            string(type.name ?? String(type.rawValue))
            out.byte(58)
            out.decimal(count)
        }
        out.ascii("},\"packets\":")
        out.decimal(packets)
        out.ascii(",\"bytes\":")
        out.decimal(bytesOnWire)
        if let first, let last {
            out.ascii(",\"first\":")
            out.epoch(first)
            out.ascii(",\"last\":")
            out.epoch(last)
        }
        out.ascii(",\"damaged_frames\":")
        out.decimal(damagedCount)
        out.ascii(",\"damage\":[")
        for (i, (frame, issue)) in damagedFrames.enumerated() {
            if i > 0 { out.byte(44) }
            out.ascii("{\"frame\":")
            out.decimal(frame)
            out.ascii(",\"issue\":")
            string(issue)
            out.byte(125)
        }
        out.ascii("],\"file_error\":")
        if let fileError { string(fileError) } else { out.ascii("null") }
        out.ascii(",\"clean\":")
        out.ascii(isClean ? "true" : "false")
        out.ascii("}\n")
    }
}

