/// The kind of capture file a ``CaptureFileReader`` found.
public enum CaptureFormat: Equatable, Sendable, CustomStringConvertible {
    /// Classic pcap with microsecond timestamps (magic a1b2c3d4).
    case pcap
    /// Classic pcap with nanosecond timestamps (magic a1b23c4d).
    case pcapNanosecond
    /// Alexey Kuznetzov's "modified" pcap (magic a1b2cd34, 24-byte record headers).
    case pcapModified
    /// pcapng (draft-ietf-opsawg-pcapng).
    case pcapng

    /// "pcap" or "pcapng".
    public var family: String { self == .pcapng ? "pcapng" : "pcap" }

    public var description: String {
        switch self {
        case .pcap: "pcap"
        case .pcapNanosecond: "pcap (nanosecond timestamps)"
        case .pcapModified: "pcap (modified, Kuznetzov)"
        case .pcapng: "pcapng"
        }
    }
}
