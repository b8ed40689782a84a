import Synchronization

/// A point in time with nanosecond resolution, as capture files record it.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Seconds since the Unix epoch.
    public var seconds: Int64
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static let zero = Timestamp(seconds: 0, nanoseconds: 0)

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// `self - other` in nanoseconds, saturating instead of trapping.
    public func nanoseconds(since other: Timestamp) -> Int64 {
        let (s, o1) = seconds.subtractingReportingOverflow(other.seconds)
        let (ns, o2) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if o1 || o2 { return s < 0 ? Int64.min : Int64.max }
        let (r, o3) = ns.addingReportingOverflow(Int64(nanoseconds) - Int64(other.nanoseconds))
        return o3 ? (ns < 0 ? Int64.min : Int64.max) : r
    }
}

/// One captured frame as a capture source hands it over: the bytes and what the file
/// (or libpcap) said about them, before any decoding.
public struct RawFrame {
    /// The captured bytes; valid only until the source's next call to `next()`.
    public var bytes: ByteView
    public var timestamp: Timestamp
    /// The frame's length on the wire (`frame.len`).
    public var originalLength: Int
    public var linkType: LinkType
    /// The pcapng interface the frame arrived on (0 for pcap and live capture).
    public var interfaceID: Int
    /// Byte offset of the frame's record in the file, for error messages.
    public var fileOffset: Int64
    /// Decimal places the source's clock resolution supports (6 for µs pcap), which is
    /// how many tshark prints in its time column.
    public var timestampDigits: Int
    /// True when the source names interfaces (pcapng), so `frame.interface_id` exists.
    public var hasInterfaceID: Bool
    /// What pcapng says about the interface, for the details tree; nil for pcap and live.
    public var interfaceLabel: InterfaceLabel? {
        get { labelNumber < 0 ? nil : InterfaceLabels.label(Int(labelNumber)) }
        set { labelNumber = newValue.map { Int32(truncatingIfNeeded: $0.number) } ?? -1 }
    }
    /// The label's number in ``InterfaceLabels``, -1 for none. A number, not a reference:
    /// without one the frame is plain data, copied without counting references (a frame
    /// is copied several times on its way through the pipeline).
    private var labelNumber: Int32 = -1
    /// False for pcapng blocks without a timestamp (Simple Packet and Custom Blocks):
    /// tshark leaves their time column empty.
    public var hasTimestamp = true
    /// A pcapng Custom Block's Private Enterprise Number (``LinkType/pcapngCustom``).
    public var customBlockPEN: UInt32 = 0

    /// The captured length (`frame.cap_len`).
    @inlinable public var capturedLength: Int { bytes.count }

    public init(bytes: ByteView, timestamp: Timestamp, originalLength: Int, linkType: LinkType,
                interfaceID: Int = 0, fileOffset: Int64 = 0, timestampDigits: Int = 9,
                hasInterfaceID: Bool = false, interfaceLabel: InterfaceLabel? = nil) {
        self.bytes = bytes
        self.timestamp = timestamp
        self.originalLength = originalLength
        self.linkType = linkType
        self.interfaceID = interfaceID
        self.fileOffset = fileOffset
        self.timestampDigits = timestampDigits
        self.hasInterfaceID = hasInterfaceID
        self.interfaceLabel = interfaceLabel
    }
}

/// A pcapng interface's name, description and section, shared by all its frames.
public final class InterfaceLabel: Sendable {
    public let name: String?
    public let description: String?
    /// The section (0-based) and the interface's number within it.
    public let section: Int
    public let idInSection: Int

    /// Its number in ``InterfaceLabels``.
    let number: Int

    public init(name: String?, description: String?, section: Int, idInSection: Int) {
        self.name = name
        self.description = description
        self.section = section
        self.idInSection = idInSection
        number = InterfaceLabels.reserve()
        InterfaceLabels.store(self, at: number)
    }
}

/// Every ``InterfaceLabel`` made, by number, for the rest of the process, so that a
/// ``RawFrame`` can name its label by number. Labels are few (one per pcapng interface
/// block read) and small; a reader keeps its own anyway.
enum InterfaceLabels {
    private static let all = Mutex<[InterfaceLabel?]>([])

    /// A number for a label about to be stored.
    static func reserve() -> Int {
        all.withLock { labels in
            labels.append(nil)
            return labels.count - 1
        }
    }

    static func store(_ label: InterfaceLabel, at number: Int) {
        all.withLock { $0[number] = label }
    }

    static func label(_ number: Int) -> InterfaceLabel? {
        all.withLock { number < $0.count ? $0[number] : nil }
    }
}
