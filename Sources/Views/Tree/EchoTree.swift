import Dissect
import Follow

/// The echo protocol (RFC 862, port 7): the data, sent back as it came.
enum EchoTree {
    static let data = HeaderField("echo.data", "Echo data", .bytes)
    static let request = HeaderField("echo.request", "Echo request", .boolean)
    static let response = HeaderField("echo.response", "Echo response", .boolean)
    static let declaration = ProtocolDeclaration("echo", "Echo", fields: [data, request, response])

    static func dissect(_ payload: Range<Int>, toServer: Bool, _ tree: inout TreeBuilder) {
        tree.open(declaration, payload, label: "Echo")
        tree.add(data, payload, .bytes(payload))
        tree.add(toServer ? request : response, nil, .bool(true), hidden: true)
        tree.close()
    }
}

/// TFTP (RFC 1350): the opcode and what each opcode carries.
enum TFTPTree {
    static let opcode = HeaderField("tftp.opcode", "Opcode", .uint16, names: .values([
        1: "Read Request", 2: "Write Request", 3: "Data Packet", 4: "Acknowledgement", 5: "Error Code", 6: "Option Acknowledgement",
    ]))
    static let sourceFile = HeaderField("tftp.source_file", "Source File", .string)
    static let destinationFile = HeaderField("tftp.destination_file", "Destination File", .string)
    static let type = HeaderField("tftp.type", "Type", .string)
    static let block = HeaderField("tftp.block", "Block", .uint16)
    static let errorCode = HeaderField("tftp.error.code", "Error code", .uint16)
    static let errorMessage = HeaderField("tftp.error.message", "Error message", .string)
    static let data = HeaderField("tftp.data", "Data", .bytes)
    static let requestFrame = HeaderField("tftp.request_frame", "Request frame", .frameNumber)
    static let declaration = ProtocolDeclaration("tftp", "Trivial File Transfer Protocol", fields: [
        opcode, sourceFile, destinationFile, type, block, errorCode, errorMessage, data, requestFrame,
    ])

    /// `request`: the read or write request of this transfer, which every later message
    /// names (the file it reads into or writes from, and the request's frame).
    static func dissect(_ payload: Range<Int>, request: TFTPRequest?, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        guard payload.count >= 2 else { return }
        let o = payload.lowerBound
        tree.open(declaration, payload, label: "Trivial File Transfer Protocol")
        let code = bytes.u16be(o)
        tree.add(opcode, o..<o + 2, .uint(UInt64(code)))
        if let request, code != 1, code != 2 {
            let name = request.fileName.withUnsafeBytes { HTTPTree.string(ByteView($0), 0..<request.fileName.count) }
            tree.add(request.isWrite ? sourceFile : destinationFile, nil, .string(name), generated: true)
            tree.add(requestFrame, nil, .uint(UInt64(request.frame)),
                     label: "\(request.isWrite ? "Write" : "Read") Request in frame \(request.frame)", generated: true)
        }
        func zeroTerminated(from start: Int) -> Range<Int> {
            start..<(bytes.firstIndex(of: 0, in: start..<payload.upperBound) ?? payload.upperBound)
        }
        switch code {
        case 1, 2:
            let name = zeroTerminated(from: o + 2)
            tree.add(code == 1 ? sourceFile : destinationFile, name.lowerBound..<min(name.upperBound + 1, payload.upperBound),
                     .string(HTTPTree.string(bytes, name)))
            if name.upperBound + 1 < payload.upperBound {
                let mode = zeroTerminated(from: name.upperBound + 1)
                tree.add(type, mode.lowerBound..<min(mode.upperBound + 1, payload.upperBound), .string(HTTPTree.string(bytes, mode)))
            }
        case 3 where payload.count >= 4, 4 where payload.count >= 4:
            tree.add(block, o + 2..<o + 4, .uint(UInt64(bytes.u16be(o + 2))))
            if code == 3, payload.count > 4 { tree.add(data, o + 4..<payload.upperBound, .bytes(o + 4..<payload.upperBound)) }
        case 5 where payload.count >= 4:
            tree.add(errorCode, o + 2..<o + 4, .uint(UInt64(bytes.u16be(o + 2))))
            let message = zeroTerminated(from: o + 4)
            tree.add(errorMessage, message, .string(HTTPTree.string(bytes, message)))
        default:
            if payload.count > 2 { tree.add(data, o + 2..<payload.upperBound, .bytes(o + 2..<payload.upperBound)) }
        }
        tree.close()
    }
}
