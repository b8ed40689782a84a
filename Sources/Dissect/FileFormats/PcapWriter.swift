/// Writes a classic pcap file (little-endian, version 2.4) through one large buffer.
public final class PcapWriter {
    public let linkType: LinkType
    public let snapLength: Int
    /// Nanosecond timestamps (magic a1b23c4d) rather than microseconds (a1b2c3d4).
    public let nanosecond: Bool
    public private(set) var framesWritten = 0
    /// Frames whose every byte reached the kernel; after a failed write, the file ends
    /// with the last of them (see ``FileWriteBuffer``).
    public var framesOnDisk: Int { output.framesOnDisk }

    private let output: FileWriteBuffer

    /// Starts a pcap file on `fileDescriptor`, which the writer does not close.
    public convenience init(fileDescriptor: Int32, linkType: LinkType, snapLength: Int = 262_144,
                            nanosecond: Bool = true) throws(CaptureWriteError) {
        try self.init(output: FileWriteBuffer(fileDescriptor: fileDescriptor, closesDescriptor: false),
                      linkType: linkType, snapLength: snapLength, nanosecond: nanosecond)
    }

    /// Creates (or truncates) the file at `path`; `"-"` writes to standard output.
    public convenience init(path: String, linkType: LinkType, snapLength: Int = 262_144,
                            nanosecond: Bool = true) throws(CaptureWriteError) {
        let (fd, owned) = try CaptureWriteError.openForWriting(path)
        try self.init(output: FileWriteBuffer(fileDescriptor: fd, closesDescriptor: owned),
                      linkType: linkType, snapLength: snapLength, nanosecond: nanosecond)
    }

    private init(output: FileWriteBuffer, linkType: LinkType, snapLength: Int, nanosecond: Bool) throws(CaptureWriteError) {
        self.output = output
        self.linkType = linkType
        self.snapLength = snapLength
        self.nanosecond = nanosecond
        output.append(nanosecond ? UInt32(0xA1B2_3C4D) : UInt32(0xA1B2_C3D4))
        output.append(UInt16(2))
        output.append(UInt16(4))
        output.append(UInt32(0)) // thiszone
        output.append(UInt32(0)) // sigfigs
        output.append(UInt32(clamping: snapLength))
        output.append(linkType.rawValue)
        output.endRecord(isFrame: false)
    }

    /// Appends `frame`, cut to the snapshot length.
    public func write(_ frame: RawFrame) throws(CaptureWriteError) {
        try write(bytes: frame.bytes, timestamp: frame.timestamp, originalLength: frame.originalLength)
    }

    /// Appends one record; `bytes` is cut to the snapshot length. Seconds are stored in
    /// 32 bits, as the format requires.
    public func write(bytes: ByteView, timestamp: Timestamp, originalLength: Int) throws(CaptureWriteError) {
        let data = snapLength > 0 && bytes.count > snapLength ? bytes.slice(0..<snapLength) : bytes
        let fraction = nanosecond ? timestamp.nanoseconds : timestamp.nanoseconds / 1000
        output.append(UInt32(truncatingIfNeeded: timestamp.seconds))
        output.append(fraction)
        output.append(UInt32(data.count))
        output.append(UInt32(clamping: max(originalLength, 0)))
        output.append(data)
        output.endRecord(isFrame: true)
        framesWritten &+= 1
        try output.flushIfFull()
    }

    /// Writes out everything buffered.
    public func flush() throws(CaptureWriteError) {
        try output.flush()
    }
}
