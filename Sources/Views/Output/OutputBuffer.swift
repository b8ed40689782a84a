#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dissect

/// One large output buffer in front of a file descriptor: views append bytes and numbers
/// without building Strings, and the buffer writes in big chunks.
public final class OutputBuffer {
    public private(set) var bytes: [UInt8] = []
    private let fd: Int32?
    private let flushThreshold: Int
    /// Set when a write failed (for example EPIPE when the reader went away).
    public private(set) var writeError: Int32?

    /// Writes to `fd`; nil collects everything in `bytes` (for tests).
    public init(fileDescriptor fd: Int32? = 1, flushThreshold: Int = 1 << 16) {
        self.fd = fd
        self.flushThreshold = flushThreshold
        bytes.reserveCapacity(flushThreshold + 4096)
    }

    deinit { flush() }

    /// What was written so far, when collecting (fd nil).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public func flushIfFull() {
        if bytes.count >= flushThreshold { flush() }
    }

    public func flush() {
        guard let fd, !bytes.isEmpty, writeError == nil else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    writeError = errno
                    return
                }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: appending

    public func byte(_ b: UInt8) { bytes.append(b) }

    public func ascii(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public func string(_ s: String) { bytes.append(contentsOf: s.utf8) }

    public func raw(_ view: ByteView) {
        view.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    public func decimal<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            decimal(UInt64(value.magnitude))  // 0 - Int64.min would not fit
            return
        }
        var v = UInt64(value)
        if v < 10 {
            bytes.append(48 &+ UInt8(v))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while v > 0 {
                scratch[23 - count] = 48 &+ UInt8(v % 10)
                v /= 10
                count += 1
            }
            bytes.append(contentsOf: scratch[(24 - count)...])
        }
    }

    /// Zero-padded decimal of exactly `width` digits (for fractions of a second).
    public func decimal(_ value: UInt64, width: Int) {
        guard width > 0 else { return }
        var divisor: UInt64 = 1
        for _ in 1..<width { divisor &*= 10 }
        var v = value
        for _ in 0..<width {
            bytes.append(48 &+ UInt8((v / divisor) % 10))
            v %= divisor
            divisor /= 10
            if divisor == 0 { divisor = 1 }
        }
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
            bytes.append(hexDigits[Int(v >> UInt64(shift) & 0xf)])
            shift -= 4
        }
    }

    public func ipv4(_ address: IPv4Address) {
        let v = address.rawValue
        decimal(v >> 24)
        byte(46)
        decimal(v >> 16 & 0xff)
        byte(46)
        decimal(v >> 8 & 0xff)
        byte(46)
        decimal(v & 0xff)
    }

    public func ipv6(_ address: IPv6Address) {
        string(address.description)
    }

    public func mac(_ address: MACAddress) {
        for i in 0..<6 {
            if i > 0 { byte(58) }
            let b = address.byte(i)
            bytes.append(hexDigits[Int(b >> 4)])
            bytes.append(hexDigits[Int(b & 0xf)])
        }
    }

    /// Appends payload bytes for a terminal: printable ASCII as is, everything else
    /// escaped (`\x1b`, `\r`, `\n`), so no control sequence reaches the terminal.
    public func escaped(_ view: ByteView, keepNewlines: Bool = false) {
        for b in view {
            switch b {
            case 0x20..<0x7f where b != 0x5c: bytes.append(b)
            case 0x5c: ascii("\\\\")
            case 0x0a where keepNewlines: bytes.append(b)
            case 0x0a: ascii("\\n")
            case 0x0d: ascii("\\r")
            case 0x09: ascii("\\t")
            default:
                ascii("\\x")
                bytes.append(hexDigits[Int(b >> 4)])
                bytes.append(hexDigits[Int(b & 0xf)])
            }
        }
    }

    /// Pads with spaces to `width` from `start` (a position in `bytes`), right-aligning
    /// when asked, as tshark pads its columns.
    public func pad(from start: Int, to width: Int, rightAlign: Bool = false) {
        let written = bytes.count - start
        guard written < width else { return }
        let spaces = repeatElement(UInt8(32), count: width - written)
        if rightAlign {
            bytes.insert(contentsOf: spaces, at: start)
        } else {
            bytes.append(contentsOf: spaces)
        }
    }

    public var count: Int { bytes.count }

    /// Of the NUL-separated occurrences written since `start`, keeps the first or last.
    func keepOccurrence(from start: Int, first: Bool) {
        let written = Array(bytes[start...])
        let parts = written.split(separator: 0, omittingEmptySubsequences: false)
        bytes.removeSubrange(start...)
        if let keep = first ? parts.first : parts.last { bytes.append(contentsOf: keep) }
    }

    /// Cuts what was written since `start` to at most `length` bytes, at a UTF-8
    /// character boundary (as tshark cuts a column at its maximum length).
    func truncate(from start: Int, toLength length: Int) {
        guard bytes.count - start > length else { return }
        var cut = start + length
        while cut > start && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        bytes.removeSubrange(cut...)
    }

    /// Everything written since `start`, removed from the buffer.
    func take(from start: Int) -> [UInt8] {
        let taken = Array(bytes[start...])
        bytes.removeSubrange(start...)
        return taken
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
