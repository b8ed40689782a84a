/// The 24-byte header of a classic pcap file, and what it implies for every record.
struct PcapFileHeader {
    static let length = 24

    let format: CaptureFormat
    let bigEndian: Bool
    let versionMajor: UInt16
    let versionMinor: UInt16
    let snapLength: UInt32
    /// The link-type word with the FCS bits masked off.
    let linkType: LinkType
    /// Bytes of FCS per frame, from the upper bits of the link-type word.
    let fcsLength: Int?
    let lengthOrder: LengthOrder

    /// Whether a record's captured and original lengths are in the modern order.
    /// Versions before 2.3 wrote them the other way round, and some 2.3 writers did too.
    enum LengthOrder {
        case normal, swapped, swappedIfCapturedExceedsOriginal
    }

    var recordHeaderLength: Int { format == .pcapModified ? 24 : 16 }

    /// The format and byte order a pcap magic stands for, read as a little-endian word.
    static func format(magic: UInt32) -> (CaptureFormat, bigEndian: Bool)? {
        switch magic {
        case 0xA1B2_C3D4: (.pcap, false)
        case 0xD4C3_B2A1: (.pcap, true)
        case 0xA1B2_3C4D: (.pcapNanosecond, false)
        case 0x4D3C_B2A1: (.pcapNanosecond, true)
        case 0xA1B2_CD34: (.pcapModified, false)
        case 0x34CD_B2A1: (.pcapModified, true)
        default: nil
        }
    }

    /// Parses the header in `bytes` (at least ``length`` bytes, magic already recognised).
    init(_ bytes: ByteView, format: CaptureFormat, bigEndian: Bool) throws(CaptureFileError) {
        self.format = format
        self.bigEndian = bigEndian
        versionMajor = bytes.u16(4, bigEndian: bigEndian)
        versionMinor = bytes.u16(6, bigEndian: bigEndian)
        // Like tshark: anything from 2.0 up is read; 1.x and older are not.
        guard versionMajor >= 2 else {
            throw .unsupportedVersion(format: format, major: versionMajor, minor: versionMinor, offset: 0)
        }
        snapLength = bytes.u32(16, bigEndian: bigEndian)
        let word = bytes.u32(20, bigEndian: bigEndian)
        // libpcap's and wiretap's LT_LINKTYPE: the low 16 bits are the link type, bit 26
        // says bits 28-31 hold the FCS length in 16-bit words.
        linkType = LinkType(rawValue: word & 0x0000_FFFF)
        fcsLength = word & 0x0400_0000 != 0 ? Int((word & 0xF000_0000) >> 28) * 2 : nil
        lengthOrder = switch (versionMajor, versionMinor) {
        case (2, 0..<3), (543, 0): .swapped
        case (2, 3): .swappedIfCapturedExceedsOriginal
        default: .normal
        }
    }

    /// The one interface a pcap file has.
    var interface: CaptureInterface {
        var snap = Int(snapLength)
        // libpcap: the modified format's cooked Ethernet frames carry a faked 14-byte header.
        if format == .pcapModified && linkType == .ethernet { snap &+= 14 }
        return CaptureInterface(
            linkType: linkType, snapLength: snap,
            timestampResolution: format == .pcapNanosecond ? .nanoseconds : .microseconds,
            fcsLength: fcsLength)
    }
}
