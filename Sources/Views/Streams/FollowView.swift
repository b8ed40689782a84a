import Dissect
import Follow

/// `follow`: one TCP stream's reassembled bytes, as tshark's Follow TCP Stream shows them.
public final class FollowView {
    public enum Format: String, Sendable, CaseIterable { case ascii, hex, raw }
    public enum Direction: String, Sendable, CaseIterable { case both, client, server }

    public let format: Format
    public let direction: Direction
    public let color: Bool
    private let out: OutputBuffer
    private var offsets = (a: 0, b: 0)
    private var wroteHeader = false
    /// Bytes skipped because the reassembly cap was reached, and the segments buffered
    /// when it was first reached (for a note when the output is binary).
    public private(set) var limitSkippedBytes = 0
    public private(set) var limitSegments: Int?

    public init(format: Format, direction: Direction, color: Bool, out: OutputBuffer) {
        self.format = format
        self.direction = direction
        self.color = color
        self.out = out
    }

    /// True when only one direction's bytes go out, unadorned (`raw` with a direction).
    public var isBinary: Bool { format == .raw && direction != .both }

    /// tshark's header: the stream and its two nodes (A first).
    public func writeHeader(stream: Int, a: Endpoint, b: Endpoint) {
        guard !isBinary, !wroteHeader else { return }
        wroteHeader = true
        out.ascii("\n===================================================================\n")
        out.ascii("Follow: tcp,")
        out.string(format.rawValue)
        out.ascii("\nFilter: tcp.stream eq ")
        out.decimal(stream)
        out.ascii("\nNode 0: ")
        out.string("\(a.address.isIPv4 ? a.address.description : "[\(a.address)]"):\(a.port)")
        out.ascii("\nNode 1: ")
        out.string("\(b.address.isIPv4 ? b.address.description : "[\(b.address)]"):\(b.port)")
        out.byte(10)
    }

    public func writeFooter() {
        guard !isBinary else { return out.flush() }
        out.ascii("===================================================================\n")
        out.flush()
    }

    /// One chunk of the stream; `fromA` is Node 0's direction, `fromClient` the originator's.
    public func write(_ chunk: StreamChunk, fromA: Bool, fromClient: Bool) {
        switch direction {
        case .client where !fromClient, .server where fromClient: return
        default: break
        }
        switch chunk {
        case .gap(let n):
            if isBinary { return }
            if !fromA { out.byte(9) }
            out.byte(91)
            out.decimal(n)
            out.ascii(" bytes missing in capture file]\n")
        case .limitReached(let n, let segments):
            // A cap stopped the reassembly: the bytes may be in the file, so never call
            // them missing from it.
            limitSkippedBytes += n
            if limitSegments == nil { limitSegments = segments }
            if isBinary { return }
            if !fromA { out.byte(9) }
            out.ascii("[reassembly limit reached after ")
            out.decimal(segments)
            out.ascii(" segments; ")
            out.decimal(n)
            out.ascii(" bytes not reassembled]\n")
        case .data(_, let bytes):
            writeData(bytes, fromA: fromA)
        }
        out.flushIfFull()
    }

    private func writeData(_ bytes: ByteView, fromA: Bool) {
        switch format {
        case .raw where isBinary:
            out.raw(bytes)
        case .raw:
            if !fromA { out.byte(9) }
            for b in bytes { out.hex(b, width: 2, prefix: false) }
            out.byte(10)
        case .ascii:
            // Each line of the second node's data is indented, as tshark does; payload
            // control characters are escaped so they never reach the terminal.
            if color { out.ascii(fromA ? "\u{1b}[31m" : "\u{1b}[34m") }
            var lineStart = 0
            while lineStart < bytes.count {
                let newline = bytes.firstIndex(of: 10, in: lineStart..<bytes.count)
                let lineEnd = newline.map { $0 + 1 } ?? bytes.count
                if !fromA && !color { out.byte(9) }
                out.escaped(bytes.slice(lineStart..<(newline ?? bytes.count)))
                out.byte(10)
                lineStart = lineEnd
            }
            if color { out.ascii("\u{1b}[0m") }
        case .hex:
            var offset = fromA ? offsets.a : offsets.b
            var i = 0
            while i < bytes.count {
                let line = bytes.slice(i..<min(i + 16, bytes.count))
                if !fromA { out.byte(9) }
                out.hex(UInt32(truncatingIfNeeded: offset), width: 8, prefix: false)
                out.ascii("  ")
                for j in 0..<16 {
                    if j < line.count { out.hex(line[j], width: 2, prefix: false); out.byte(32) } else { out.ascii("   ") }
                    if j == 7 { out.byte(32) }
                }
                out.byte(32)
                for b in line { out.byte((0x20..<0x7f).contains(b) ? b : 46) }
                out.byte(10)
                i += 16
                offset += line.count
            }
            if fromA { offsets.a = offset } else { offsets.b = offset }
        }
    }
}
