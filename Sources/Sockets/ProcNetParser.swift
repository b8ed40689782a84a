/// Reads the lines of `/proc/net/tcp`, `tcp6`, `udp` and `udp6`.
///
/// A line looks like
///
///     sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
///      0: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 21385 ...
///
/// Ports are plain hex. Addresses are the in-memory (network order) bytes printed as 32-bit
/// words in the *host's* byte order: `0100007F` is 127.0.0.1 on a little-endian machine, and
/// an IPv6 address is four such words (`::1` is `00000000000000000000000001000000`).
public enum ProcNetParser {
    /// The byte order of the machine that wrote the table.
    public enum ByteOrder: Sendable {
        case little, big

        public static var host: ByteOrder { 1.littleEndian == 1 ? .little : .big }
    }

    /// Every socket line of a whole table (the header line is skipped).
    public static func parse(table text: String, proto: SocketProtocol, family: SocketFamily,
                             byteOrder: ByteOrder = .host) -> [SocketEntry] {
        text.split(separator: "\n").compactMap {
            parse(line: $0, proto: proto, family: family, byteOrder: byteOrder)
        }
    }

    /// One socket line, or nil for the header and for anything malformed.
    public static func parse<S: StringProtocol>(line: S, proto: SocketProtocol, family: SocketFamily,
                                                byteOrder: ByteOrder = .host) -> SocketEntry? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 10, fields[0].hasSuffix(":"),
              let local = endpoint(fields[1], family: family, byteOrder: byteOrder),
              let remote = endpoint(fields[2], family: family, byteOrder: byteOrder),
              let st = UInt8(fields[3], radix: 16), let state = SocketState(rawValue: st)
        else { return nil }
        let queues = fields[4].split(separator: ":")
        guard queues.count == 2, let tx = UInt32(queues[0], radix: 16), let rx = UInt32(queues[1], radix: 16),
              let uid = UInt32(fields[7]), let inode = UInt64(fields[9])
        else { return nil }
        return SocketEntry(proto: proto, family: family, state: state, local: local, remote: remote,
                           recvQ: rx, sendQ: tx, uid: uid, inode: inode)
    }

    /// `0100007F:0035` (IPv4) or 32 hex digits and a port (IPv6).
    public static func endpoint<S: StringProtocol>(_ text: S, family: SocketFamily,
                                                   byteOrder: ByteOrder = .host) -> SocketEndpoint? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16),
              let address = address(parts[0], family: family, byteOrder: byteOrder)
        else { return nil }
        return SocketEndpoint(address: address, port: port)
    }

    /// The address part: 8 hex digits for IPv4, 32 for IPv6.
    public static func address<S: StringProtocol>(_ hex: S, family: SocketFamily,
                                                  byteOrder: ByteOrder = .host) -> SocketIP? {
        let wordCount = family == .ipv4 ? 1 : 4
        let utf8 = Array(hex.utf8)
        guard utf8.count == 8 * wordCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * wordCount)
        for w in 0..<wordCount {
            var word: UInt32 = 0
            for c in utf8[(8 * w)..<(8 * w + 8)] {
                guard let digit = hexDigit(c) else { return nil }
                word = word << 4 | UInt32(digit)
            }
            // The word as the kernel loaded it from memory: its memory bytes are the network bytes.
            let network = byteOrder == .little ? word.byteSwapped : word
            bytes += [UInt8(network >> 24), UInt8(network >> 16 & 0xFF), UInt8(network >> 8 & 0xFF), UInt8(network & 0xFF)]
        }
        return SocketIP(bytes: bytes)
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
