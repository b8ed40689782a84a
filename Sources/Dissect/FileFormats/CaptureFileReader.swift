#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a pcap or pcapng capture file (or stream) frame by frame.
///
/// The format is detected from the magic number. The reader streams: it never loads the
/// whole file, its memory stays flat however long the file is, and `next()` allocates
/// nothing per packet. After a damaged record it throws, and keeps throwing the same
/// error; every good frame before the damage has been returned first.
///
/// ```swift
/// let reader = try CaptureFileReader(path: "trace.pcapng")
/// while let frame = try reader.next() { ... }
/// ```
public final class CaptureFileReader {
    /// Where the frames come from, for messages: the path, or the name given.
    public let name: String
    public let format: CaptureFormat

    let input: ReadBuffer
    private let pcap: PcapRecordReader?
    @exclusivity(unchecked) private var pcapng: PcapngBlockReader?
    @exclusivity(unchecked) private var failure: CaptureFileError?

    /// Frames returned so far; the last frame's number (tshark's `frame.number`).
    @exclusivity(unchecked) public private(set) var framesRead = 0

    /// Opens the file at `path`; `"-"` reads standard input.
    public convenience init(path: String) throws(CaptureFileError) {
        if path == "-" {
            try self.init(fileDescriptor: STDIN_FILENO, name: "stdin")
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)), errno: code)
        }
        try self.init(input: ReadBuffer(fileDescriptor: fd, closesDescriptor: true), name: path)
    }

    /// Reads from an open descriptor (a file, a pipe, stdin), which the reader does not close.
    public convenience init(fileDescriptor: Int32, name: String) throws(CaptureFileError) {
        try self.init(input: ReadBuffer(fileDescriptor: fileDescriptor, closesDescriptor: false), name: name)
    }

    init(input: ReadBuffer, name: String) throws(CaptureFileError) {
        self.input = input
        self.name = name
        let hasMagic: Bool
        do {
            hasMagic = try input.ensure(4)
        } catch {
            throw input.ioError(error)
        }
        guard hasMagic else { throw .truncatedFileHeader(needed: 4, available: input.available) }
        let magic = input.view(count: 4)
        if magic.u32le(0) == PcapngBlockReader.BlockType.sectionHeader {
            format = .pcapng
            var reader = PcapngBlockReader()
            try reader.readPreamble(from: input)
            pcapng = reader
            pcap = nil
        } else if let (format, bigEndian) = PcapFileHeader.format(magic: magic.u32le(0)) {
            self.format = format
            let complete: Bool
            do {
                complete = try input.ensure(PcapFileHeader.length)
            } catch {
                throw input.ioError(error)
            }
            guard complete else {
                throw .truncatedFileHeader(needed: PcapFileHeader.length, available: input.available)
            }
            let header = try PcapFileHeader(input.view(count: PcapFileHeader.length), format: format, bigEndian: bigEndian)
            input.advance(PcapFileHeader.length)
            pcap = PcapRecordReader(header: header)
        } else {
            pcap = nil
            throw .unknownFileFormat(magic: magic.u32be(0))
        }
    }

    /// The next frame, or nil at the clean end of the input. The frame's bytes are valid
    /// only until the next call.
    public func next() throws(CaptureFileError) -> RawFrame? {
        if let failure { throw failure }
        do {
            let packet = framesRead &+ 1
            let frame: RawFrame? = if let pcap {
                try pcap.next(from: input, packet: packet)
            } else {
                try pcapng?.next(from: input, packet: packet)
            }
            if frame != nil { framesRead = packet }
            return frame
        } catch {
            failure = error
            throw error
        }
    }

    /// Continues at `offset`, a frame's ``RawFrame/fileOffset`` from an earlier pass over the
    /// same regular file, which `next()` then returns as frame `number`. For random access
    /// to indexed frames. In pcapng only the interfaces read so far are known, so a frame
    /// of an interface described later fails to read. False for a pipe or after an error.
    public func seek(toFrameAt offset: Int64, number: Int) -> Bool {
        guard failure == nil, number >= 1, input.reposition(to: offset) else { return false }
        framesRead = number - 1
        return true
    }

    /// The interfaces the file has described so far: one for pcap; for pcapng every
    /// Interface Description Block read so far, numbered as ``RawFrame/interfaceID``.
    public var interfaces: [CaptureInterface] {
        if let pcap { return [pcap.interface] }
        return pcapng?.interfaces ?? []
    }

    /// Bytes of the input consumed so far (the offset of the next record), for progress.
    public var bytesConsumed: Int64 { input.offset }

    /// The size of the file when it is a regular file; nil for pipes and terminals.
    public var fileSize: Int64? { input.fileSize }
}
