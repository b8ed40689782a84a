/// The 4-byte address-family header of BSD loopback captures: NULL (host byte order of
/// the capturing machine) and LOOP (network byte order).
public struct NullLoopback: Sendable {
    public static let headerLength = 4
    /// The address family, already in the right byte order.
    public var family: UInt32

    /// The network protocol the family names: 4 for IPv4, 6 for IPv6, nil when unknown.
    public var ipVersion: Int? {
        switch family {
        case 2: 4
        case 10, 23, 24, 28, 30: 6  // Linux, Windows, NetBSD/OpenBSD, FreeBSD, Darwin
        default: nil
        }
    }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, networkOrder: Bool) -> Decoded<NullLoopback> {
        guard end - offset >= headerLength else {
            return .failed(.truncated(networkOrder ? .loop : .null, needed: headerLength, available: end - offset))
        }
        var family = bytes.u32be(offset)
        // NULL is written in the capturing host's order; small values tell which one it was.
        if !networkOrder && family & 0xFFFF_0000 != 0 { family = family.byteSwapped }
        return Decoded(NullLoopback(family: family))
    }
}
