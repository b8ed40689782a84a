/// Reads the blocks of a pcapng file and returns its packets, one frame per call.
///
/// Interfaces are numbered across the whole file (the first IDB of the second section
/// follows the last IDB of the first), which is what ``RawFrame/interfaceID`` carries;
/// a packet block's interface id is resolved within its own section.
struct PcapngBlockReader {
    /// Every interface described so far, in file order.
    private(set) var interfaces: [CaptureInterface] = []
    /// The same interfaces as labels that frames point to (made once per interface).
    private var labels: [InterfaceLabel] = []
    private var bigEndian = false
    /// Index of the current section, -1 before the first section header.
    private var section = -1
    /// Index in `interfaces` of the current section's interface 0.
    private var sectionFirstInterface = 0

    enum BlockType {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 1
        static let obsoletePacket: UInt32 = 2
        static let simplePacket: UInt32 = 3
        static let enhancedPacket: UInt32 = 6
        static let custom: UInt32 = 0x0000_0BAD
        static let customNoCopy: UInt32 = 0x4000_0BAD
    }

    /// The largest block tshark accepts: an EPB header around the largest packet of any
    /// link type (128 MiB) plus 128 KiB of options.
    static let maximumBlockLength = 32 + (128 << 20) + 131_072

    /// Interface Description Block option codes.
    private enum Option {
        static let name: UInt16 = 2
        static let description: UInt16 = 3
        static let timestampResolution: UInt16 = 9
        static let fcsLength: UInt16 = 13
        static let timestampOffset: UInt16 = 14
    }

    /// Reads the section header at the start of the file and the interface descriptions
    /// right after it, so the interfaces are known before the first packet.
    mutating func readPreamble(from input: ReadBuffer) throws(CaptureFileError) {
        try readSectionHeader(from: input, packet: 1)
        while try !input.isAtEnd() {
            try input.require(8, packet: 1, recordOffset: input.offset)
            guard input.view(count: 4).u32(0, bigEndian: bigEndian) == BlockType.interfaceDescription else { return }
            try readInterfaceDescription(from: input, packet: 1)
        }
    }

    /// The next packet, or nil at a clean end of input. `packet` is its 1-based number.
    mutating func next(from input: ReadBuffer, packet: Int) throws(CaptureFileError) -> RawFrame? {
        while true {
            let blockOffset = input.offset
            if try input.isAtEnd() { return nil }
            try input.require(8, packet: packet, recordOffset: blockOffset)
            let type = input.view(count: 4).u32(0, bigEndian: bigEndian)
            switch type {
            case BlockType.sectionHeader:
                try readSectionHeader(from: input, packet: packet)
            case BlockType.interfaceDescription:
                try readInterfaceDescription(from: input, packet: packet)
            case BlockType.enhancedPacket, BlockType.obsoletePacket, BlockType.simplePacket:
                return try readPacket(type: type, from: input, packet: packet)
            case BlockType.custom, BlockType.customNoCopy:
                // Shorter than its Private Enterprise Number: nothing to list.
                guard input.view(count: 8).u32(4, bigEndian: bigEndian) >= 16 else {
                    try skipBlock(from: input, packet: packet)
                    continue
                }
                return try readCustom(type: type, from: input, packet: packet)
            default:
                // NRB, ISB, DSB, custom blocks and types we do not know carry no packets.
                try skipBlock(from: input, packet: packet)
            }
        }
    }

    // MARK: - Blocks

    private mutating func readSectionHeader(from input: ReadBuffer, packet: Int) throws(CaptureFileError) {
        let blockOffset = input.offset
        try input.require(12, packet: packet, recordOffset: blockOffset)
        let magic = input.view(count: 12).u32le(8)
        let sectionBigEndian: Bool
        switch magic {
        case 0x1A2B_3C4D: sectionBigEndian = false
        case 0x4D3C_2B1A: sectionBigEndian = true
        default: throw .badByteOrderMagic(packet: packet, offset: blockOffset, value: input.view(count: 12).u32be(8))
        }
        bigEndian = sectionBigEndian
        let length = try blockLength(from: input, packet: packet, minimum: 28)
        let block = input.view(count: length)
        let major = block.u16(12, bigEndian: bigEndian)
        let minor = block.u16(14, bigEndian: bigEndian)
        // libpcap reads 1.0 and 1.2 (which some writers produced); tshark stops at others.
        guard major == 1, minor == 0 || minor == 2 else {
            throw .unsupportedVersion(format: .pcapng, major: major, minor: minor, offset: blockOffset)
        }
        input.advance(length)
        section &+= 1
        sectionFirstInterface = interfaces.count
    }

    private mutating func readInterfaceDescription(from input: ReadBuffer, packet: Int) throws(CaptureFileError) {
        let length = try blockLength(from: input, packet: packet, minimum: 20)
        let block = input.view(count: length)
        var interface = CaptureInterface(
            linkType: LinkType(rawValue: UInt32(block.u16(8, bigEndian: bigEndian))),
            snapLength: Int(block.u32(12, bigEndian: bigEndian)),
            section: max(section, 0))
        for option in PcapngOptions(block.slice(16 ..< length &- 4), bigEndian: bigEndian) {
            let value = option.value
            switch option.code {
            case Option.name:
                interface.name = Self.string(value)
            case Option.description:
                interface.description = Self.string(value)
            case Option.timestampResolution where value.count >= 1:
                interface.timestampResolution = TimestampResolution(optionByte: value[0])
            case Option.timestampOffset where value.count >= 8:
                let raw = bigEndian ? value.u64be(0) : value.u64le(0)
                interface.timestampOffset = Int64(bitPattern: raw)
            case Option.fcsLength where value.count >= 1:
                interface.fcsLength = Int(value[0])
            default:
                break
            }
        }
        interfaces.append(interface)
        labels.append(InterfaceLabel(name: interface.name, description: interface.description, section: interface.section,
                                     idInSection: interfaces.count - 1 - sectionFirstInterface))
        input.advance(length)
    }

    private mutating func readPacket(type: UInt32, from input: ReadBuffer, packet: Int) throws(CaptureFileError) -> RawFrame {
        let blockOffset = input.offset
        let headerLength = type == BlockType.simplePacket ? 12 : 28
        let length = try blockLength(from: input, packet: packet, minimum: headerLength &+ 4)
        let block = input.view(count: length)
        let room = length &- headerLength &- 4

        let interfaceID: UInt32
        var units: UInt64 = 0
        var captureLength: UInt32
        let originalLength: UInt32
        switch type {
        case BlockType.simplePacket:
            interfaceID = 0
            originalLength = block.u32(8, bigEndian: bigEndian)
            captureLength = min(originalLength, UInt32(room))
        default:
            interfaceID = type == BlockType.obsoletePacket
                ? UInt32(block.u16(8, bigEndian: bigEndian)) : block.u32(8, bigEndian: bigEndian)
            units = UInt64(block.u32(12, bigEndian: bigEndian)) << 32 | UInt64(block.u32(16, bigEndian: bigEndian))
            captureLength = block.u32(20, bigEndian: bigEndian)
            originalLength = block.u32(24, bigEndian: bigEndian)
        }

        let sectionInterfaces = interfaces.count &- sectionFirstInterface
        guard interfaceID < sectionInterfaces else {
            throw .badInterfaceID(packet: packet, offset: blockOffset, interfaceID: interfaceID,
                                  interfaceCount: sectionInterfaces)
        }
        let index = sectionFirstInterface &+ Int(interfaceID)
        let interface = interfaces[index]
        if type == BlockType.simplePacket, interface.snapLength > 0, captureLength > interface.snapLength {
            captureLength = UInt32(interface.snapLength)
        }
        guard captureLength <= room else {
            throw .invalidBlockLength(packet: packet, offset: blockOffset, length: UInt32(length),
                                      problem: .tooSmallForPacket(captureLength: captureLength))
        }
        let limit = interface.linkType.maximumCaptureLength
        guard captureLength <= limit else {
            throw .captureLengthTooLarge(packet: packet, offset: blockOffset, captureLength: captureLength, limit: limit)
        }
        let bytes = block.slice(headerLength ..< headerLength &+ Int(captureLength))
        input.advance(length)
        var raw = RawFrame(bytes: bytes, timestamp: interface.timestamp(units: units),
                           originalLength: Int(originalLength), linkType: interface.linkType,
                           interfaceID: index, fileOffset: blockOffset,
                           timestampDigits: interface.timestampResolution.decimalDigits, hasInterfaceID: true,
                           interfaceLabel: labels[index])
        raw.hasTimestamp = type != BlockType.simplePacket
        return raw
    }

    /// A Custom Block: tshark lists it as a frame of its custom data and options (after
    /// the Private Enterprise Number), with no timestamp.
    private mutating func readCustom(type: UInt32, from input: ReadBuffer, packet: Int) throws(CaptureFileError) -> RawFrame {
        let blockOffset = input.offset
        let length = try blockLength(from: input, packet: packet, minimum: 16)
        let block = input.view(count: length)
        let pen = block.u32(8, bigEndian: bigEndian)
        let bytes = block.slice(12 ..< length &- 4)
        input.advance(length)
        var raw = RawFrame(bytes: bytes, timestamp: .zero, originalLength: bytes.count,
                           linkType: type == BlockType.custom ? .pcapngCustom : .pcapngCustomNoCopy,
                           fileOffset: blockOffset, timestampDigits: 6)
        raw.hasTimestamp = false
        raw.customBlockPEN = pen
        return raw
    }

    /// Skips a block this reader has no use for, without buffering all of it.
    private func skipBlock(from input: ReadBuffer, packet: Int) throws(CaptureFileError) {
        let blockOffset = input.offset
        let length = try checkedLength(input.view(count: 8).u32(4, bigEndian: bigEndian),
                                       minimum: 12, packet: packet, offset: blockOffset)
        if length <= ReadBuffer.initialCapacity {
            _ = try blockLength(from: input, packet: packet, minimum: 12)
            input.advance(length)
            return
        }
        try input.skipOrThrow(length &- 4, packet: packet, recordOffset: blockOffset, recordLength: length)
        try input.require(4, packet: packet, recordOffset: blockOffset)
        let trailing = input.view(count: 4).u32(0, bigEndian: bigEndian)
        guard trailing == UInt32(length) else {
            throw .blockTrailerMismatch(packet: packet, offset: blockOffset, leading: UInt32(length), trailing: trailing)
        }
        input.advance(4)
    }

    // MARK: - Lengths

    /// Checks the length of the block at the read position, buffers the whole block and
    /// checks its trailing length copy. Returns the length.
    private func blockLength(from input: ReadBuffer, packet: Int, minimum: Int) throws(CaptureFileError) -> Int {
        let blockOffset = input.offset
        let length = try checkedLength(input.view(count: 8).u32(4, bigEndian: bigEndian),
                                       minimum: minimum, packet: packet, offset: blockOffset)
        try input.require(length, packet: packet, recordOffset: blockOffset)
        let trailing = input.view(count: length).u32(length &- 4, bigEndian: bigEndian)
        guard trailing == UInt32(length) else {
            throw .blockTrailerMismatch(packet: packet, offset: blockOffset, leading: UInt32(length), trailing: trailing)
        }
        return length
    }

    private func checkedLength(_ length: UInt32, minimum: Int, packet: Int, offset: Int64) throws(CaptureFileError) -> Int {
        guard length >= minimum else {
            throw .invalidBlockLength(packet: packet, offset: offset, length: length, problem: .tooSmall(minimum: minimum))
        }
        guard length <= Self.maximumBlockLength else {
            throw .invalidBlockLength(packet: packet, offset: offset, length: length,
                                      problem: .tooLarge(limit: Self.maximumBlockLength))
        }
        guard length % 4 == 0 else {
            throw .invalidBlockLength(packet: packet, offset: offset, length: length, problem: .notMultipleOfFour)
        }
        return Int(length)
    }

    private static func string(_ value: ByteView) -> String {
        // Option strings may or may not be NUL-terminated.
        let end = value.firstIndex(of: 0, in: 0 ..< value.count) ?? value.count
        return String(decoding: value.slice(0 ..< end), as: UTF8.self)
    }
}
