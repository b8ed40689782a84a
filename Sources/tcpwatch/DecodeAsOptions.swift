import ArgumentParser
import Dissect

/// `-d tcp.port==8443,tls`: Wireshark's Decode As, for the views that read frames.
struct DecodeAsOptions: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("decode-as")],
            help: "Decode a TCP port as a protocol, as tshark -d: tcp.port==PORT,tls or tcp.port==PORT,ssh (repeatable).")
    var decodeAs: [String] = []

    /// Checks the specs and installs them in the decoder's table, which is read-only from
    /// then on (this runs before any frame is decoded).
    func validate() throws {
        try Self.install(decodeAs)
    }

    static func install(_ specs: [String]) throws {
        for spec in specs {
            guard let (port, layer) = DecodeAs.parse(spec) else {
                throw ValidationError("-d needs tcp.port==PORT,PROTOCOL with PROTOCOL one of \(DecodeAs.protocols.keys.sorted().joined(separator: ", ")), not '\(spec)'")
            }
            DecodeAs.tcpPorts[port] = layer
        }
    }
}
