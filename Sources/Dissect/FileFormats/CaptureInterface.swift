/// What a capture file says about the interface its frames came from: a pcapng
/// Interface Description Block, or the header of a classic pcap file.
public struct CaptureInterface: Hashable, Sendable {
    public var linkType: LinkType
    /// The snapshot length; 0 means "no limit" in pcapng.
    public var snapLength: Int
    /// `if_name`, if the file gave one.
    public var name: String?
    /// `if_description`, if the file gave one.
    public var description: String?
    public var timestampResolution: TimestampResolution
    /// `if_tsoffset`: seconds to add to every timestamp on this interface.
    public var timestampOffset: Int64
    /// Bytes of frame check sequence at the end of each frame, when the file says.
    public var fcsLength: Int?
    /// The pcapng section (0-based) that described the interface; 0 for pcap.
    public var section: Int

    public init(linkType: LinkType, snapLength: Int, name: String? = nil, description: String? = nil,
                timestampResolution: TimestampResolution = .microseconds, timestampOffset: Int64 = 0,
                fcsLength: Int? = nil, section: Int = 0) {
        self.linkType = linkType
        self.snapLength = snapLength
        self.name = name
        self.description = description
        self.timestampResolution = timestampResolution
        self.timestampOffset = timestampOffset
        self.fcsLength = fcsLength
        self.section = section
    }

    /// Converts a raw timestamp in this interface's units, applying `if_tsoffset`.
    @inlinable
    public func timestamp(units: UInt64) -> Timestamp {
        var t = timestampResolution.timestamp(units: units)
        if timestampOffset != 0 {
            let (sum, overflow) = t.seconds.addingReportingOverflow(timestampOffset)
            t.seconds = overflow ? (timestampOffset < 0 ? Int64.min : Int64.max) : sum
        }
        return t
    }
}

extension LinkType {
    /// The largest captured length tshark (wiretap) accepts for a frame of this link
    /// type; anything larger marks a damaged file rather than a reason to allocate.
    public var maximumCaptureLength: Int {
        switch rawValue {
        case 231: 128 << 20 // D-Bus messages can be up to 128 MiB.
        case 186, 189, 220, 249, 266: 128 << 20 // USB: FreeBSD, Linux, Linux mmapped, USBPcap, Darwin.
        case 279: 8 << 20 // EBHSCR.
        default: 262_144
        }
    }
}
