/// A TCP header (RFC 9293) with its options, read in place.
public struct TCP: Sendable {
    public var offset: Int
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Raw (absolute) sequence and acknowledgment numbers; the follower makes them relative.
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var headerLength: Int
    /// The 12 flag bits (reserved, AE/NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN), as `tcp.flags`.
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    /// The options that were decoded (the options area may be cut short).
    public var options: TCPOptions
    /// The segment's payload in the frame (captured part only).
    public var payload: Range<Int>
    /// The payload length the IP header implies (`tcp.len`), which may exceed the captured part.
    public var segmentLength: Int

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, ipPayloadLength: Int) -> Decoded<TCP> {
        .failed(.truncated(.tcp, needed: 20, available: 0)) // TODO: implemented on the layers branch
    }
}

public struct TCPFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }
    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    public static let ae = TCPFlags(rawValue: 0x100)
}

/// The TCP options tcpwatch interprets, stored inline.
public struct TCPOptions: Sendable, Equatable {
    public var mss: UInt16?
    public var windowScale: UInt8?
    public var sackPermitted = false
    public var timestampValue: UInt32?
    public var timestampEcho: UInt32?
    /// SACK blocks (left, right edges), at most four fit in the options area.
    public var sackBlocks = SACKBlocks()
    public init() {}
}

public struct SACKBlocks: Sendable, Equatable {
    public private(set) var count = 0
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    public init() {}

    public mutating func append(left: UInt32, right: UInt32) {
        guard count < 4 else { return }
        let v = UInt64(left) << 32 | UInt64(right)
        switch count {
        case 0: storage.0 = v
        case 1: storage.1 = v
        case 2: storage.2 = v
        default: storage.3 = v
        }
        count += 1
    }

    public subscript(i: Int) -> (left: UInt32, right: UInt32) {
        precondition(i >= 0 && i < count)
        let v = [storage.0, storage.1, storage.2, storage.3][i]
        return (UInt32(truncatingIfNeeded: v >> 32), UInt32(truncatingIfNeeded: v))
    }

    public static func == (a: SACKBlocks, b: SACKBlocks) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
    }
}
