/// Walks the options at the end of a pcapng block: code, length, value padded to 4 bytes.
///
/// Stops at `opt_endofopt` or at the first option that would run past the block, so a
/// damaged option list ends the walk instead of reading out of bounds.
struct PcapngOptions: IteratorProtocol, Sequence {
    private let bytes: ByteView
    private let bigEndian: Bool
    private var position = 0

    struct Option {
        let code: UInt16
        let value: ByteView
    }

    static let endOfOptions: UInt16 = 0

    init(_ bytes: ByteView, bigEndian: Bool) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    mutating func next() -> Option? {
        guard bytes.contains(position, length: 4) else { return nil }
        let code = bytes.u16(position, bigEndian: bigEndian)
        let length = Int(bytes.u16(position &+ 2, bigEndian: bigEndian))
        guard code != Self.endOfOptions, bytes.contains(position &+ 4, length: length) else { return nil }
        let value = bytes.slice(position &+ 4 ..< position &+ 4 &+ length)
        position &+= 4 &+ ((length &+ 3) & ~3)
        return Option(code: code, value: value)
    }
}
