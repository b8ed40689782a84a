/// Writes a pcapng file (little-endian): one section header, one Interface Description
/// Block per interface (`if_name`, `if_description`, `if_tsresol` = 9) and an Enhanced
/// Packet Block per frame, through one large buffer.
public final class PcapngWriter {
    public let interfaces: [CaptureInterface]
    public private(set) var framesWritten = 0
    /// Frames whose every byte reached the kernel; after a failed write, the file ends
    /// with the last of them (see ``FileWriteBuffer``).
    public var framesOnDisk: Int { output.framesOnDisk }

    private let output: FileWriteBuffer

    /// Starts a pcapng file on `fileDescriptor`, which the writer does not close.
    public convenience init(fileDescriptor: Int32, interfaces: [CaptureInterface],
                            application: String = "tcpwatch") throws(CaptureWriteError) {
        try self.init(output: FileWriteBuffer(fileDescriptor: fileDescriptor, closesDescriptor: false),
                      interfaces: interfaces, application: application)
    }

    /// Creates (or truncates) the file at `path`; `"-"` writes to standard output.
    public convenience init(path: String, interfaces: [CaptureInterface],
                            application: String = "tcpwatch") throws(CaptureWriteError) {
        let (fd, owned) = try CaptureWriteError.openForWriting(path)
        try self.init(output: FileWriteBuffer(fileDescriptor: fd, closesDescriptor: owned),
                      interfaces: interfaces, application: application)
    }

    private init(output: FileWriteBuffer, interfaces: [CaptureInterface], application: String) throws(CaptureWriteError) {
        self.output = output
        self.interfaces = interfaces
        writeSectionHeader(application: application)
        for interface in interfaces { writeInterfaceDescription(interface) }
        output.endRecord(isFrame: false)
        try output.flushIfFull()
    }

    private enum Code {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 1
        static let enhancedPacket: UInt32 = 6
        static let shbUserApplication: UInt16 = 4
        static let ifName: UInt16 = 2
        static let ifDescription: UInt16 = 3
        static let ifTimestampResolution: UInt16 = 9
    }

    private func writeSectionHeader(application: String) {
        let app = Self.optionValue(application)
        let options = Self.optionLength(app.count) + 4
        output.append(Code.sectionHeader)
        output.append(UInt32(28 + options))
        output.append(UInt32(0x1A2B_3C4D))
        output.append(UInt16(1))
        output.append(UInt16(0))
        output.append(UInt64.max) // section length: not specified
        writeOption(Code.shbUserApplication, app)
        writeEndOfOptions()
        output.append(UInt32(28 + options))
    }

    private func writeInterfaceDescription(_ interface: CaptureInterface) {
        let name = interface.name.map(Self.optionValue)
        let description = interface.description.map(Self.optionValue)
        var options = Self.optionLength(1) + 4
        if let name { options += Self.optionLength(name.count) }
        if let description { options += Self.optionLength(description.count) }
        let length = UInt32(20 + options)
        output.append(Code.interfaceDescription)
        output.append(length)
        output.append(UInt16(truncatingIfNeeded: interface.linkType.rawValue))
        output.append(UInt16(0))
        output.append(UInt32(clamping: max(interface.snapLength, 0)))
        if let name { writeOption(Code.ifName, name) }
        if let description { writeOption(Code.ifDescription, description) }
        writeOption(Code.ifTimestampResolution, [TimestampResolution.nanoseconds.optionByte])
        writeEndOfOptions()
        output.append(length)
    }

    /// Appends `frame` on interface `frame.interfaceID`, which must be one of ``interfaces``.
    public func write(_ frame: RawFrame) throws(CaptureWriteError) {
        try write(bytes: frame.bytes, timestamp: frame.timestamp, originalLength: frame.originalLength,
                  interface: frame.interfaceID)
    }

    /// Appends one Enhanced Packet Block with a nanosecond timestamp.
    public func write(bytes: ByteView, timestamp: Timestamp, originalLength: Int, interface: Int) throws(CaptureWriteError) {
        guard interface >= 0 && interface < interfaces.count else {
            throw .unknownInterface(interface, count: interfaces.count)
        }
        let padded = (bytes.count + 3) & ~3
        let length = UInt32(32 + padded)
        let units = UInt64(bitPattern: timestamp.seconds &* 1_000_000_000) &+ UInt64(timestamp.nanoseconds)
        output.append(Code.enhancedPacket)
        output.append(length)
        output.append(UInt32(interface))
        output.append(UInt32(truncatingIfNeeded: units >> 32))
        output.append(UInt32(truncatingIfNeeded: units))
        output.append(UInt32(bytes.count))
        output.append(UInt32(clamping: max(originalLength, 0)))
        output.append(bytes)
        output.appendZeros(padded - bytes.count)
        output.append(length)
        output.endRecord(isFrame: true)
        framesWritten &+= 1
        try output.flushIfFull()
    }

    /// Writes out everything buffered.
    public func flush() throws(CaptureWriteError) {
        try output.flush()
    }

    private static func optionLength(_ valueLength: Int) -> Int { 4 + ((valueLength + 3) & ~3) }

    /// A string option's bytes; option lengths are 16 bits, so longer strings are cut.
    private static func optionValue(_ string: String) -> [UInt8] {
        Array(string.utf8.prefix(0xFFFC))
    }

    private func writeOption(_ code: UInt16, _ value: [UInt8]) {
        output.append(code)
        output.append(UInt16(value.count))
        output.append(value)
        output.appendZeros(((value.count + 3) & ~3) - value.count)
    }

    private func writeEndOfOptions() {
        output.append(UInt32(0))
    }
}
