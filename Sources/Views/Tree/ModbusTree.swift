import Dissect
import Follow

/// Modbus/TCP as packet-mbtcp.c shows it in tshark 4.0: the MBAP header ("Modbus/TCP"),
/// then the PDU ("Modbus") read as a query or a response by which side port 502 is on,
/// a response paired with its query, registers as UINT16 (the default preference) and
/// coils bit by bit.
enum ModbusTree {
    static let transactionID = HeaderField("mbtcp.trans_id", "Transaction Identifier", .uint16)
    static let protocolID = HeaderField("mbtcp.prot_id", "Protocol Identifier", .uint16)
    static let length = HeaderField("mbtcp.len", "Length", .uint16)
    static let unitID = HeaderField("mbtcp.unit_id", "Unit Identifier", .uint8)
    static let mbtcpDeclaration = ProtocolDeclaration("mbtcp", "Modbus/TCP", fields: [transactionID, protocolID, length, unitID])

    static let requestFrame = HeaderField("modbus.request_frame", "Request Frame", .frameNumber)
    static let responseTime = HeaderField("modbus.response_time", "Time from request", .relativeTime, .none,
                                          blurb: "Time between request and reply")
    static let functionCode = HeaderField("modbus.func_code", "Function Code", .uint8, mask: 0x7F, names: .values(functionNames))
    static let reference = HeaderField("modbus.reference_num", "Reference Number", .uint16)
    static let padding = HeaderField("modbus.padding", "Padding", .uint8, .hex)
    static let longReference = HeaderField("modbus.reference_num_32", "Reference Number (32 bit)", .uint32)
    static let referenceType = HeaderField("modbus.reference_type", "Reference Type", .uint8)
    static let readReference = HeaderField("modbus.read_reference_num", "Read Reference Number", .uint16)
    static let writeReference = HeaderField("modbus.write_reference_num", "Write Reference Number", .uint16)
    static let wordCount = HeaderField("modbus.word_cnt", "Word Count", .uint16)
    static let readWordCount = HeaderField("modbus.read_word_cnt", "Read Word Count", .uint16)
    static let writeWordCount = HeaderField("modbus.write_word_cnt", "Write Word Count", .uint16)
    static let bitCount = HeaderField("modbus.bit_cnt", "Bit Count", .uint16)
    static let byteCount = HeaderField("modbus.byte_cnt", "Byte Count", .uint8)
    static let longByteCount = HeaderField("modbus.byte_cnt_16", "Byte Count (16-bit)", .uint8)
    static let exceptionCode = HeaderField("modbus.exception_code", "Exception Code", .uint8, names: .values(exceptionNames))
    static let diagnosticCode = HeaderField("modbus.diagnostic_code", "Diagnostic Code", .uint16, names: .values(diagnosticNames))
    static let queryData = HeaderField("modbus.diagnostic.return_query_data.request", "Request Data", .bytes)
    static let echoData = HeaderField("modbus.diagnostic.return_query_data.echo", "Echo Data", .bytes)
    static let restartOption = HeaderField("modbus.diagnostic.restart_communication_option", "Restart Communication Option", .uint16, .hex,
                                           names: .values([0: "Leave Log", 0xFF: "Clear Log"]))
    static let diagnosticRegister = HeaderField("modbus.diagnostic.return_diag_register", "Diagnostic Register Contents", .uint16, .hex)
    static let asciiDelimiter = HeaderField("modbus.diagnostic.ascii_input_delimiter", "CHAR", .uint8, .hex)
    static let clearCounters = HeaderField("modbus.diagnostic.clear_ctr_diag_reg", "Clear Counters & Diag Register Echo", .uint16)
    static let diagnosticCounts: [UInt16: HeaderField] = [
        11: HeaderField("modbus.diagnostic.bus_message_count", "Total Message Count", .uint16),
        12: HeaderField("modbus.diagnostic.bus_comm_error_count", "CRC Error Count", .uint16),
        13: HeaderField("modbus.diagnostic.bus_exception_error_count", "Exception Error Count", .uint16),
        14: HeaderField("modbus.diagnostic.slave_message_count", "Slave Message Count", .uint16),
        15: HeaderField("modbus.diagnostic.no_slave_response_count", "Slave No Response Count", .uint16),
        16: HeaderField("modbus.diagnostic.slave_nak_count", "Slave NAK Count", .uint16),
        17: HeaderField("modbus.diagnostic.slave_busy_count", "Slave Device Busy Count", .uint16),
        18: HeaderField("modbus.diagnostic.bus_char_overrun_count", "Slave Character Overrun Count", .uint16),
    ]
    static let status = HeaderField("modbus.ev_status", "Status", .uint16, .hex)
    static let eventCount = HeaderField("modbus.ev_count", "Event Count", .uint16)
    static let andMask = HeaderField("modbus.and_mask", "AND mask", .uint16, .hex)
    static let orMask = HeaderField("modbus.or_mask", "OR mask", .uint16, .hex)
    static let data = HeaderField("modbus.data", "Data", .bytes)
    static let mei = HeaderField("modbus.mei", "MEI type", .uint8, names: .values(meiNames))
    static let readDeviceID = HeaderField("modbus.read_device_id", "Read Device ID", .uint8, names: .values([
        1: "Basic Device Identification", 2: "Regular Device Identification", 3: "Extended Device Identification",
        4: "Specific Identification Object",
    ]))
    static let objectID = HeaderField("modbus.object_id", "Object ID", .uint8, names: .values([
        0: "VendorName", 1: "ProductCode", 2: "MajorMinorRevision", 3: "VendorURL", 4: "ProductName", 5: "ModelName",
        6: "UserApplicationName",
    ]))
    static let objectCount = HeaderField("modbus.num_objects", "Number of Objects", .uint8)
    static let objectLength = HeaderField("modbus.objects_len", "Object length", .uint8)
    static let conformityLevel = HeaderField("modbus.conformity_level", "Conformity Level", .uint8, .hex, names: .values([
        0x01: "Basic Device Identification (stream)", 0x02: "Regular Device Identification (stream)",
        0x03: "Extended Device Identification (stream)", 0x81: "Basic Device Identification (stream and individual)",
        0x82: "Regular Device Identification (stream and individual)", 0x83: "Extended Device Identification (stream and individual)",
    ]))
    static let moreFollows = HeaderField("modbus.more_follows", "More Follows", .uint8, .hex)
    static let nextObjectID = HeaderField("modbus.next_object_id", "Next Object ID", .uint8)
    static let objectString = HeaderField("modbus.object_str_value", "Object String Value", .string)
    static let objectValue = HeaderField("modbus.object_value", "Object Value", .bytes)
    static let bitNumber = HeaderField("modbus.bitnum", "Bit Number", .uint16)
    static let bitValue = HeaderField("modbus.bitval", "Bit Value", .boolean, width: 8, mask: 0x01)
    static let registerNumber = HeaderField("modbus.regnum16", "Register Number", .uint16)
    static let registerValue = HeaderField("modbus.regval_uint16", "Register Value (UINT16)", .uint16)

    static let modbusDeclaration = ProtocolDeclaration("modbus", "Modbus", fields: [
        requestFrame, responseTime, functionCode, reference, padding, longReference, referenceType, readReference, writeReference,
        wordCount, readWordCount, writeWordCount, bitCount, byteCount, longByteCount, exceptionCode, diagnosticCode, queryData,
        echoData, restartOption, diagnosticRegister, asciiDelimiter, clearCounters,
    ] + diagnosticCounts.keys.sorted().compactMap { diagnosticCounts[$0] } + [
        status, eventCount, andMask, orMask, data, mei, readDeviceID, objectID, objectCount, objectLength, conformityLevel,
        moreFollows, nextObjectID, objectString, objectValue, bitNumber, bitValue, registerNumber, registerValue,
    ])

    static let functionNames: [UInt64: String] = [
        1: "Read Coils", 2: "Read Discrete Inputs", 3: "Read Holding Registers", 4: "Read Input Registers",
        5: "Write Single Coil", 6: "Write Single Register", 7: "Read Exception Status", 8: "Diagnostics",
        11: "Get Comm. Event Counters", 12: "Get Comm. Event Log", 15: "Write Multiple Coils", 16: "Write Multiple Registers",
        17: "Report Slave ID", 20: "Read File Record", 21: "Write File Record", 22: "Mask Write Register",
        23: "Read Write Register", 24: "Read FIFO Queue", 43: "Encapsulated Interface Transport",
    ]
    static let exceptionNames: [UInt64: String] = [
        1: "Illegal function", 2: "Illegal data address", 3: "Illegal data value", 4: "Slave device failure",
        5: "Acknowledge", 6: "Slave device busy", 8: "Memory parity error", 10: "Gateway path unavailable",
        11: "Gateway target device failed to respond",
    ]
    static let meiNames: [UInt64: String] = [13: "CANopen Request/Response ", 14: "Read Device Identification"]
    static let diagnosticNames: [UInt64: String] = [
        0: "Return Query Data", 1: "Restart Communications Option", 2: "Return Diagnostic Register",
        3: "Change ASCII Input Delimiter", 4: "Force Listen Only Mode", 10: "Clear Counters and Diagnostic Register",
        11: "Return Bus Message Count", 12: "Return Bus Communication Error Count", 13: "Return Bus Exception Error Count",
        14: "Return Slave Message Count", 15: "Return Slave No Response Count", 16: "Return Slave NAK Count",
        17: "Return Slave Busy Count", 18: "Return Bus Character Overrun Count", 20: "Clear Overrun Counter and Flag",
    ]

    enum Direction { case query, response, unknown }

    /// Query toward port 502, response from it; both ends on 502 cannot be told apart.
    static func direction(_ tcp: TCP) -> Direction {
        let from = tcp.sourcePort == ModbusADU.port, to = tcp.destinationPort == ModbusADU.port
        return to && !from ? .query : from && !to ? .response : .unknown
    }

    static func dissect(_ adus: [ModbusADU], _ input: FieldInput, _ tree: inout TreeBuilder) {
        guard let tcp = input.frame.tcp else { return }
        let way = direction(tcp)
        for (i, adu) in adus.enumerated() {
            let match = input.analysis.modbusRequests.flatMap { i < $0.count ? $0[i] : nil }
            dissect(adu, way, match, &tree)
        }
    }

    private static func dissect(_ adu: ModbusADU, _ way: Direction, _ match: ModbusRequestMatch?, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = adu.offset
        tree.open(mbtcpDeclaration, o..<adu.end, label: "Modbus/TCP")
        if way == .unknown {
            tree.expert("mbtcp.cannot_classify", .warning, .protocolGroup,
                        "Cannot classify packet type. Try setting Modbus/TCP Port preference to this destination or source port")
        }
        tree.add(transactionID, o..<o + 2, .uint(UInt64(adu.transactionID)))
        tree.add(protocolID, o + 2..<o + 4, .uint(UInt64(adu.protocolID)))
        tree.add(length, o + 4..<o + 6, .uint(UInt64(adu.length)))
        tree.add(unitID, o + 6..<o + 7, .uint(UInt64(adu.unitID)))
        tree.close()

        let pdu = adu.pdu
        let fc = adu.functionCode
        let exception = adu.isException && pdu.count >= 2 && bytes[pdu.lowerBound + 1] != 0
        let label = exception
            ? "Function \(fc):  \(functionNames[UInt64(fc)] ?? "Unknown Function").  Exception: \(exceptionText(bytes, adu))"
            : "Modbus"
        tree.open(modbusDeclaration, pdu, label: label)
        defer { tree.close() }
        tree.bits(functionCode, pdu.lowerBound..<pdu.lowerBound + 1, container: UInt64(adu.functionByte))
        // packet-mbtcp.c takes a function byte with the top bit set and a zero exception
        // code for a plain one.
        if exception {
            tree.add(exceptionCode, pdu.lowerBound + 1..<pdu.lowerBound + 2, .uint(UInt64(bytes[pdu.lowerBound + 1])))
            return
        }
        var pduTree = PDUTree(bytes: bytes, pdu: pdu, fc: fc)
        switch way {
        case .query: pduTree.query(&tree)
        case .response: pduTree.response(match, &tree)
        case .unknown: break
        }
    }

    static func exceptionText(_ bytes: ByteView, _ adu: ModbusADU) -> String {
        guard adu.pdu.count >= 2 else { return "" }
        let code = UInt64(bytes[adu.pdu.lowerBound + 1])
        return exceptionNames[code] ?? "Unknown Exception Code (\(code))"
    }

    /// The Info column of the frame's last ADU: `   Query: Trans:   209; Unit:   1, Func:   3: Read Holding Registers`.
    static func writeInfo(_ adu: ModbusADU, _ tcp: TCP, bytes: ByteView, to out: OutputBuffer) {
        let way = direction(tcp)
        let exception = adu.isException && adu.pdu.count >= 2 && bytes[adu.pdu.lowerBound + 1] != 0
        let fc = adu.functionCode
        let second = adu.pdu.lowerBound + 1
        var name: String
        var subfunction = false
        if fc == 43 && !exception {
            name = second < adu.end ? meiNames[UInt64(bytes[second])] ?? "Encapsulated Interface Transport" : "Encapsulated Interface Transport"
            subfunction = true
        } else if fc == 8 && !exception {
            name = second + 2 <= adu.end ? diagnosticNames[UInt64(bytes.u16be(second))] ?? "Diagnostics" : "Diagnostics"
            subfunction = true
        } else {
            name = functionNames[UInt64(fc)] ?? "Unknown function (\(fc))"
        }
        let kind = way == .query ? "Query" : way == .response ? "Response" : "unknown"
        var text = String(repeating: " ", count: max(0, 8 - kind.count)) + kind
        text += ": Trans: " + padded(UInt64(adu.transactionID), 5) + "; Unit: " + padded(UInt64(adu.unitID), 3)
        text += ", Func: " + padded(UInt64(fc), 3) + (subfunction ? "/  1" : "") + ": " + name
        if exception {
            text += ". Exception returned "
        } else if way == .unknown {
            text += ". Unable to classify as query or response."
        }
        out.string(text)
    }

    static func padded(_ v: UInt64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}

/// One PDU's data, field by field as packet-mbtcp.c's `dissect_modbus_request`,
/// `dissect_modbus_response` and `dissect_modbus_data` add them. Offsets are from the
/// function code, as the dissector's subset tvb has them.
private struct PDUTree {
    typealias T = ModbusTree
    let bytes: ByteView
    let pdu: Range<Int>
    let fc: UInt8

    init(bytes: ByteView, pdu: Range<Int>, fc: UInt8) {
        self.bytes = bytes
        self.pdu = pdu
        self.fc = fc
    }

    var payloadLength: Int { pdu.count - 1 }
    func has(_ at: Int, _ n: Int) -> Bool { at >= 0 && at + n <= pdu.count }
    func range(_ at: Int, _ n: Int) -> Range<Int> { pdu.lowerBound + at..<pdu.lowerBound + at + n }
    func u8(_ at: Int) -> UInt64 { UInt64(bytes[pdu.lowerBound + at]) }
    func u16(_ at: Int) -> UInt64 { UInt64(bytes.u16be(pdu.lowerBound + at)) }

    /// A 1-byte field at `at`, when the PDU holds it.
    func add8(_ field: HeaderField, _ at: Int, _ tree: inout TreeBuilder) {
        guard has(at, 1) else { return }
        tree.add(field, range(at, 1), .uint(u8(at)))
    }

    func add16(_ field: HeaderField, _ at: Int, _ tree: inout TreeBuilder) {
        guard has(at, 2) else { return }
        tree.add(field, range(at, 2), .uint(u16(at)))
    }

    func addBytes(_ field: HeaderField, _ at: Int, _ n: Int, _ tree: inout TreeBuilder) {
        guard n > 0, has(at, n) else { return }
        tree.add(field, range(at, n), .bytes(range(at, n)))
    }

    mutating func query(_ tree: inout TreeBuilder) {
        switch fc {
        case 1, 2:
            add16(T.reference, 1, &tree)
            add16(T.bitCount, 3, &tree)
        case 3, 4:
            add16(T.reference, 1, &tree)
            add16(T.wordCount, 3, &tree)
        case 5:
            add16(T.reference, 1, &tree)
            values(at: 3, length: 1, base: 0, count: 0, &tree)
            add8(T.padding, 4, &tree)
        case 6:
            add16(T.reference, 1, &tree)
            values(at: 3, length: 2, base: 0, count: 0, &tree)
        case 7: break
        case 8: diagnostics(response: false, &tree)
        case 15:
            add16(T.reference, 1, &tree)
            add16(T.bitCount, 3, &tree)
            guard has(5, 1) else { return }
            add8(T.byteCount, 5, &tree)
            values(at: 6, length: Int(u8(5)), base: 0, count: 0, &tree)
        case 16:
            add16(T.reference, 1, &tree)
            add16(T.wordCount, 3, &tree)
            guard has(5, 1) else { return }
            add8(T.byteCount, 5, &tree)
            values(at: 6, length: Int(u8(5)), base: has(1, 2) ? UInt16(u16(1)) : 0, count: 0, &tree)
        case 22:
            add16(T.reference, 1, &tree)
            add16(T.andMask, 3, &tree)
            add16(T.orMask, 5, &tree)
        case 23:
            add16(T.readReference, 1, &tree)
            add16(T.readWordCount, 3, &tree)
            add16(T.writeReference, 5, &tree)
            add16(T.writeWordCount, 7, &tree)
            guard has(9, 1) else { return }
            add8(T.byteCount, 9, &tree)
            values(at: 10, length: Int(u8(9)), base: 0, count: 0, &tree)
        case 24:
            add16(T.reference, 1, &tree)
        case 43:
            guard has(1, 1) else { return }
            add8(T.mei, 1, &tree)
            if u8(1) == 14 {
                add8(T.readDeviceID, 2, &tree)
                add8(T.objectID, 3, &tree)
            } else if payloadLength > 1 {
                values(at: 1, length: payloadLength - 1, base: 0, count: 0, &tree)
            }
        default:
            if payloadLength > 0 { values(at: 1, length: payloadLength, base: 0, count: 0, &tree) }
        }
    }

    mutating func response(_ match: ModbusRequestMatch?, _ tree: inout TreeBuilder) {
        if let match {
            tree.add(T.requestFrame, nil, .uint(UInt64(match.frame)), generated: true)
            tree.add(T.responseTime, nil, .relativeTime(match.sinceRequest), generated: true)
        }
        let base = match?.reference ?? 0
        switch fc {
        case 1, 2:
            guard has(1, 1) else { return }
            add8(T.byteCount, 1, &tree)
            let count = Int(u8(1))
            values(at: 2, length: count, base: base, count: match.map { Int($0.count) } ?? count * 8, &tree)
        case 3, 4:
            guard has(1, 1) else { return }
            add8(T.byteCount, 1, &tree)
            values(at: 2, length: Int(u8(1)), base: base, count: 0, &tree)
        case 5:
            add16(T.reference, 1, &tree)
            values(at: 3, length: 1, base: base, count: 0, &tree)
            add8(T.padding, 4, &tree)
        case 6:
            add16(T.reference, 1, &tree)
            values(at: 3, length: 2, base: base, count: 0, &tree)
        case 7:
            values(at: 1, length: 1, base: base, count: 0, &tree)
        case 8: diagnostics(response: true, &tree)
        case 11:
            add16(T.status, 1, &tree)
            add16(T.eventCount, 3, &tree)
        case 15:
            add16(T.reference, 1, &tree)
            add16(T.bitCount, 3, &tree)
        case 16:
            add16(T.reference, 1, &tree)
            add16(T.wordCount, 3, &tree)
        case 22:
            add16(T.reference, 1, &tree)
            add16(T.andMask, 3, &tree)
            add16(T.orMask, 5, &tree)
        case 23:
            guard has(1, 1) else { return }
            add8(T.byteCount, 1, &tree)
            values(at: 2, length: Int(u8(1)), base: base, count: 0, &tree)
        case 24:
            guard has(1, 2) else { return }
            let count = Int(u16(1))
            tree.add(T.longByteCount, range(1, 2), .uint(UInt64(count)))
            add16(T.wordCount, 3, &tree)
            values(at: 5, length: count - 2, base: base, count: 0, &tree)
        case 43:
            guard has(1, 1) else { return }
            add8(T.mei, 1, &tree)
            if u8(1) == 14 {
                deviceIdentification(&tree)
            } else if payloadLength > 1 {
                values(at: 1, length: payloadLength - 1, base: base, count: 0, &tree)
            }
        default:
            if payloadLength > 0 { values(at: 1, length: payloadLength, base: base, count: 0, &tree) }
        }
    }

    private func diagnostics(response: Bool, _ tree: inout TreeBuilder) {
        guard has(1, 2) else { return }
        let code = u16(1)
        add16(T.diagnosticCode, 1, &tree)
        let rest = payloadLength - 2
        switch code {
        case 0:
            if rest > 0 { addBytes(response ? T.echoData : T.queryData, 3, rest, &tree) }
        case 1: add16(T.restartOption, 3, &tree)
        case 2 where response: add16(T.diagnosticRegister, 3, &tree)
        case 3: add8(T.asciiDelimiter, 3, &tree)
        case 10 where response: add16(T.clearCounters, 3, &tree)
        case 11...18 where response: add16(T.diagnosticCounts[UInt16(code)]!, 3, &tree)
        default:
            if rest > 0 { values(at: 3, length: rest, base: 0, count: 0, &tree) }
        }
    }

    private func deviceIdentification(_ tree: inout TreeBuilder) {
        add8(T.readDeviceID, 2, &tree)
        add8(T.conformityLevel, 3, &tree)
        add8(T.moreFollows, 4, &tree)
        add8(T.nextObjectID, 5, &tree)
        guard has(6, 1) else { return }
        let objects = Int(u8(6))
        add8(T.objectCount, 6, &tree)
        let listLength = payloadLength - 6
        guard listLength >= 0 else { return }
        tree.openText("Objects", range: range(7, listLength))
        defer { tree.close() }
        var at = 7
        for n in 0..<objects {
            guard has(at, 2) else { return }
            let type = u8(at), length = Int(u8(at + 1))
            tree.openText("Object #\(n + 1)", range: pdu.lowerBound + at..<min(pdu.lowerBound + at + 2 + length, pdu.upperBound))
            add8(T.objectID, at, &tree)
            add8(T.objectLength, at + 1, &tree)
            if has(at + 2, length) {
                let r = range(at + 2, length)
                if type < 7 {
                    tree.add(T.objectString, r, .string(HTTPTree.string(bytes, r)))
                } else if length > 0 {
                    tree.add(T.objectValue, r, .bytes(r))
                }
            }
            tree.close()
            at += 2 + length
        }
    }

    /// `dissect_modbus_data`: coils bit by bit, registers as UINT16, anything else as Data.
    /// A length that is not what is left of the PDU shows what is left as Data.
    private func values(at start: Int, length: Int, base: UInt16, count: Int, _ tree: inout TreeBuilder) {
        let left = pdu.count - start
        guard start + length != 0, left >= 0 else { return }
        if length != left {
            if left > 0 { tree.add(T.data, range(start, left), .bytes(range(start, left))) }
            return
        }
        guard length > 0 else { return }
        var number = base
        switch fc {
        case 1, 2:
            for i in 0..<length {
                let byte = u8(start + i)
                for bit in 0..<8 {
                    let set: UInt64 = byte >> UInt64(bit) & 1
                    let r = range(start + i, 1)
                    tree.openText("Bit \(number) : \(set)", range: r)
                    tree.add(T.bitNumber, r, .uint(UInt64(number)), generated: true)
                    tree.bits(T.bitValue, r, container: set)
                    tree.close()
                    number &+= 1
                    if Int(number) - Int(base) >= count { break }
                }
            }
        case 3, 4, 16:
            var i = 0
            while i + 2 <= length {
                let value = u16(start + i)
                let r = range(start + i, 2)
                tree.openText("Register \(number) (UINT16): \(value)", range: r)
                tree.add(T.registerNumber, r, .uint(UInt64(number)))
                tree.add(T.registerValue, r, .uint(value))
                tree.close()
                number &+= 1
                i += 2
            }
        default:
            tree.add(T.data, range(start, length), .bytes(range(start, length)))
        }
    }
}

extension Frame {
    /// The whole Modbus/TCP ADUs of this segment, read again from the TCP payload.
    var modbusADUs: [ModbusADU]? {
        guard let tcp, tcp.sourcePort == ModbusADU.port || tcp.destinationPort == ModbusADU.port,
              protocols.contains(.mbtcp) else { return nil }
        let adus = ModbusADU.split(bytes, payload: tcp.payload.clamped(to: 0..<bytes.count))
        return adus.isEmpty ? nil : adus
    }
}
