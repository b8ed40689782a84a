/// One Modbus/TCP application data unit (TCP port 502): the 7-byte MBAP header
/// (transaction, protocol id 0, length, unit) and the Modbus PDU after it (function code,
/// then its data), read in place from the TCP payload.
public struct ModbusADU: Sendable, Equatable {
    public var offset: Int
    public var transactionID: UInt16
    public var protocolID: UInt16
    /// The MBAP length: the bytes after it, the unit identifier included.
    public var length: Int
    public var unitID: UInt8
    /// The function code byte; its top bit marks an exception response.
    public var functionByte: UInt8

    public static let headerLength = 6
    public static let port: UInt16 = 502

    public var functionCode: UInt8 { functionByte & 0x7F }
    public var isException: Bool { functionByte & 0x80 != 0 }
    /// Where the ADU ends (the MBAP length counts from the unit identifier).
    public var end: Int { offset + ModbusADU.headerLength + length }
    /// The Modbus PDU: the function code and its data.
    public var pdu: Range<Int> { offset + 7..<end }

    /// packet-mbtcp.c's test before it takes a segment: eight bytes, protocol id 0, and a
    /// length that holds at least the unit and the function code.
    public static func looksLikeADU(_ bytes: ByteView, at offset: Int, end: Int) -> Bool {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, end - offset >= 8 else { return false }
        return bytes.u16be(offset + 2) == 0 && bytes.u16be(offset + 4) >= 2
    }

    /// The whole ADUs at the start of a segment's payload, as `tcp_dissect_pdus` cuts them;
    /// empty when the first is not whole (Wireshark would reassemble it).
    public static func split(_ bytes: ByteView, payload: Range<Int>) -> [ModbusADU] {
        var out: [ModbusADU] = []
        forEach(bytes, payload: payload) { out.append($0) }
        return out
    }

    /// How many whole ADUs ``split`` finds, without building them.
    public static func count(_ bytes: ByteView, payload: Range<Int>) -> Int {
        var n = 0
        forEach(bytes, payload: payload) { _ in n += 1 }
        return n
    }

    static func forEach(_ bytes: ByteView, payload: Range<Int>, _ body: (ModbusADU) -> Void) {
        let end = Swift.min(payload.upperBound, bytes.count)
        var at = payload.lowerBound
        // An ADU needs its header and function code (the length is at least 2).
        while at >= 0, end - at >= 8 {
            let length = Int(bytes.u16be(at + 4))
            guard length >= 2, at + headerLength + length <= end else { break }
            body(ModbusADU(offset: at, transactionID: bytes.u16be(at), protocolID: bytes.u16be(at + 2), length: length,
                           unitID: bytes[at + 6], functionByte: bytes[at + 7]))
            at += headerLength + length
        }
    }
}
