import Dissect

/// Where `-w` sends frames: a pcap or pcapng writer behind one interface.
public final class CaptureSink {
    private let pcap: PcapWriter?
    private let pcapng: PcapngWriter?
    /// True for `-w -`: flush after every frame so a reader down the pipe sees it at once.
    public let isStream: Bool

    /// One interface for every frame (live capture).
    public convenience init(path: String, format: FileFormatChoice, linkType: LinkType, snaplen: Int, interfaceName: String?) throws(CaptureWriteError) {
        let interface = CaptureInterface(linkType: linkType, snapLength: snaplen, name: interfaceName,
                                         timestampResolution: .nanoseconds)
        try self.init(path: path, format: format, interfaces: [interface])
    }

    /// Keeps the frames' own interfaces (pcapng) or the first one's link type (pcap).
    public init(path: String, format: FileFormatChoice, interfaces: [CaptureInterface]) throws(CaptureWriteError) {
        isStream = path == "-"
        let first = interfaces.first ?? CaptureInterface(linkType: .ethernet, snapLength: 262_144)
        switch format {
        case .pcap:
            pcap = try PcapWriter(path: path, linkType: first.linkType, snapLength: max(first.snapLength, 0) == 0 ? 262_144 : first.snapLength, nanosecond: true)
            pcapng = nil
        case .pcapng:
            let nano = interfaces.map { var i = $0; i.timestampResolution = .nanoseconds; return i }
            pcapng = try PcapngWriter(path: path, interfaces: nano.isEmpty ? [first] : nano)
            pcap = nil
        }
    }

    public func write(_ frame: RawFrame) throws(CaptureWriteError) {
        // A pcapng Custom Block is listed as a frame but holds no packet: not written
        // (copying it into a pcapng output is not supported yet).
        if frame.linkType.isPcapngCustomBlock { return }
        if let pcap {
            // A pcap file holds one link type; pcapng keeps one per interface.
            guard frame.linkType == pcap.linkType else { throw .mixedLinkTypes(frame.linkType.rawValue, pcap.linkType.rawValue) }
            try pcap.write(frame)
        }
        if let pcapng { try pcapng.write(frame) }
    }

    /// Frames whose every byte reached the kernel: what the file holds.
    public var framesOnDisk: Int { pcap?.framesOnDisk ?? pcapng?.framesOnDisk ?? 0 }

    public func flush() throws(CaptureWriteError) {
        try pcap?.flush()
        try pcapng?.flush()
    }

    public func close() throws(CaptureWriteError) { try flush() }
}
