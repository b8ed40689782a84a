#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dissect

/// One large output buffer in front of a file descriptor: views append bytes and numbers
/// without building Strings, and the buffer writes in big chunks.
public final class OutputBuffer {
    @usableFromInline let sink: ByteSink
    /// What was written and not yet flushed, copied out (for tests and scratch use).
    public var bytes: [UInt8] { sink.copy() }
    private let fd: Int32?
    private let flushThreshold: Int
    /// Set when a write failed (for example EPIPE when the reader went away).
    public private(set) var writeError: Int32?

    /// Called with the descriptor when a write fails with EPIPE (the reader went away).
    /// The command line sets it once, before any output, to end quietly; nil leaves the
    /// error in ``writeError`` for the caller to check.
    nonisolated(unsafe) public static var brokenPipeHandler: ((Int32) -> Void)?

    /// Writes to `fd`; nil collects everything in `bytes` (for tests).
    public init(fileDescriptor fd: Int32? = 1, flushThreshold: Int = 1 << 16) {
        self.fd = fd
        self.flushThreshold = flushThreshold
        sink = ByteSink(capacity: flushThreshold + 4096)
    }

    deinit { flush() }

    /// What was written so far, when collecting (fd nil).
    public var text: String { sink.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    /// What was written so far, copied out, and the buffer emptied (for scratch use).
    public func takeBytes() -> [UInt8] {
        defer { sink.truncate(to: 0) }
        return sink.copy()
    }

    public func flushIfFull() {
        if sink.count >= flushThreshold { flush() }
    }

    public func flush() {
        guard let fd, sink.count > 0, writeError == nil else { return }
        sink.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    writeError = errno
                    if errno == EPIPE { OutputBuffer.brokenPipeHandler?(fd) }
                    return
                }
                offset += n
            }
        }
        sink.truncate(to: 0)
    }

    // MARK: appending

    @inlinable @inline(__always) public func byte(_ b: UInt8) { sink.append(b) }

    public func ascii(_ s: StaticString) {
        s.withUTF8Buffer { sink.append(UnsafeRawBufferPointer($0)) }
    }

    public func string(_ s: String) {
        var copy = s
        copy.withUTF8 { sink.append(UnsafeRawBufferPointer($0)) }
    }

    public func raw(_ view: ByteView) {
        view.withUnsafeBytes { sink.append($0) }
    }

    public func decimal<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            sink.append(UInt8(ascii: "-"))
            sink.appendDecimal(UInt64(value.magnitude))  // 0 - Int64.min would not fit
        } else {
            sink.appendDecimal(UInt64(value))
        }
    }

    /// Zero-padded decimal of exactly `width` digits (for fractions of a second).
    public func decimal(_ value: UInt64, width: Int) {
        guard width > 0 else { return }
        sink.appendDecimal(value, width: min(width, 20))
    }

    /// Lower-case hex with `0x` and at least `width` digits, as tshark prints `0x0018`.
    public func hex<T: FixedWidthInteger>(_ value: T, width: Int, prefix: Bool = true) {
        if prefix { ascii("0x") }
        let v = UInt64(truncatingIfNeeded: value)
        var digits = 1
        while digits < 16 && v >> (4 * UInt64(digits)) != 0 { digits += 1 }
        digits = Swift.max(digits, width)
        var shift = 4 * (digits - 1)
        while shift >= 0 {
            sink.append(hexDigits[Int(v >> UInt64(shift) & 0xf)])
            shift -= 4
        }
    }

    public func ipv4(_ address: IPv4Address) {
        sink.appendDottedQuad(address.rawValue)
    }

    /// RFC 5952 text, as Wireshark prints IPv6 addresses, without building a String.
    public func ipv6(_ address: IPv6Address) {
        func group(_ i: Int) -> UInt16 {
            UInt16(truncatingIfNeeded: (i < 4 ? address.high : address.low) >> (48 - 16 * UInt64(i % 4)))
        }
        // The longest run of two or more zero groups becomes "::" (the first on ties).
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if group(i) == 0 {
                var j = i
                while j < 8 && group(j) == 0 { j += 1 }
                if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else {
                i += 1
            }
        }
        var k = 0
        while k < 8 {
            if k == bestStart {
                ascii("::")
                k += bestLength
                continue
            }
            if k > 0 && k != bestStart + bestLength { byte(58) }
            hex(group(k), width: 1, prefix: false)
            k += 1
        }
    }

    public func mac(_ address: MACAddress) {
        for i in 0..<6 {
            if i > 0 { byte(58) }
            let b = address.byte(i)
            sink.append(hexDigits[Int(b >> 4)])
            sink.append(hexDigits[Int(b & 0xf)])
        }
    }

    /// Appends payload bytes for a terminal: printable ASCII as is, everything else
    /// escaped (`\x1b`, `\r`, `\n`), so no control sequence reaches the terminal.
    public func escaped(_ view: ByteView, keepNewlines: Bool = false) {
        for b in view {
            switch b {
            case 0x20..<0x7f where b != 0x5c: sink.append(b)
            case 0x5c: ascii("\\\\")
            case 0x0a where keepNewlines: sink.append(b)
            case 0x0a: ascii("\\n")
            case 0x0d: ascii("\\r")
            case 0x09: ascii("\\t")
            default:
                ascii("\\x")
                sink.append(hexDigits[Int(b >> 4)])
                sink.append(hexDigits[Int(b & 0xf)])
            }
        }
    }

    /// `text` escaped as ``escaped(_:)-(String)`` writes it, as a string: for a column
    /// that is cut to its width after escaping (so that the cut's `…` stays a character).
    public static func escapedText(_ text: String) -> String {
        let buffer = OutputBuffer(fileDescriptor: nil)
        buffer.escaped(text)
        return buffer.text
    }

    /// A string from the packet (a header value, a name), escaped like payload bytes.
    public func escaped(_ text: String) {
        var copy = text
        copy.withUTF8 { escaped(ByteView(UnsafeRawBufferPointer($0))) }
    }

    /// Pads with spaces to `width` from `start` (a position in `bytes`), right-aligning
    /// when asked, as tshark pads its columns.
    public func pad(from start: Int, to width: Int, rightAlign: Bool = false) {
        let written = sink.count - start
        guard written < width else { return }
        let padding = width - written
        if rightAlign {
            sink.insert(32, count: padding, at: start)
        } else {
            for _ in 0..<padding { sink.append(32) }
        }
    }

    public var count: Int { sink.count }

    /// Cuts what was written since `start` (one line, no escape sequences) to `width`
    /// terminal columns, ending with `…` when something was cut. UTF-8 continuation bytes
    /// take no column of their own.
    public func fitColumns(from start: Int, width: Int) {
        var columns = 0, i = start
        while i < sink.count {
            if sink[i] & 0xC0 != 0x80 {
                if columns == width - 1 {
                    // Is there more than one more character?
                    var j = i + 1
                    while j < sink.count && sink[j] & 0xC0 == 0x80 { j += 1 }
                    if j < sink.count {
                        sink.truncate(to: i)
                        ascii("…")
                    }
                    return
                }
                columns += 1
            }
            i += 1
        }
    }

    /// ``ConversationsView``'s shortening of an over-long column written since `start`
    /// (`head…tail`, the tail two thirds of `width - 1`), done in place when the text is
    /// ASCII without CR (one character per byte); false, with nothing changed, otherwise.
    func shortenASCII(from start: Int, to width: Int) -> Bool {
        let n = sink.count - start
        guard n > width, width > 4 else { return true }
        for i in start..<sink.count where sink[i] >= 0x80 || sink[i] == 13 { return false }
        let tail = (width - 1) * 2 / 3
        let head = width - 1 - tail
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: tail) { saved in
            for i in 0..<tail { saved[i] = sink[sink.count - tail + i] }
            sink.truncate(to: start + head)
            ascii("…")
            for i in 0..<tail { sink.append(saved[i]) }
            return true
        }
    }

    /// Empties the buffer without writing it (scratch use).
    public func truncateAll() { sink.truncate(to: 0) }

    /// Of the NUL-separated occurrences written since `start`, keeps the first or last.
    func keepOccurrence(from start: Int, first: Bool) {
        let written = sink.copy(from: start)
        let parts = written.split(separator: 0, omittingEmptySubsequences: false)
        sink.truncate(to: start)
        if let keep = first ? parts.first : parts.last { sink.append(contentsOf: keep) }
    }

    /// Drops everything after the first `count` bytes, keeping the capacity (scratch use).
    func truncate(to count: Int) {
        sink.truncate(to: count)
    }

    /// Cuts what was written since `start` to at most `length` bytes, at a UTF-8
    /// character boundary (as tshark cuts a column at its maximum length).
    func truncate(from start: Int, toLength length: Int) {
        guard sink.count - start > length else { return }
        var cut = start + length
        while cut > start && sink[cut] & 0xC0 == 0x80 { cut -= 1 }
        sink.truncate(to: cut)
    }

    /// Everything written since `start`, removed from the buffer.
    func take(from start: Int) -> [UInt8] {
        let taken = sink.copy(from: start)
        sink.truncate(to: start)
        return taken
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
