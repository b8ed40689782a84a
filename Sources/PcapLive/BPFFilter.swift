import CPcap
import Dissect

/// A BPF filter expression compiled by libpcap, applied to raw frames offline
/// (`pcap_offline_filter`). Programs are compiled once per link type and cached, so a
/// pcapng file with several interfaces filters each frame by its own link type.
public final class BPFFilter {
    public let expression: String
    private let snaplen: Int32
    private var programs: [UInt32: UnsafeMutablePointer<bpf_program>] = [:]

    /// Compiles `expression` for `linkType` right away, so syntax errors show before reading.
    public init(expression: String, linkType: LinkType = .ethernet, snaplen: Int32 = 262_144) throws(PcapError) {
        self.expression = expression
        self.snaplen = snaplen
        _ = try program(for: linkType)
    }

    deinit {
        for program in programs.values {
            pcap_freecode(program)
            program.deallocate()
        }
    }

    private func program(for linkType: LinkType) throws(PcapError) -> UnsafeMutablePointer<bpf_program> {
        if let program = programs[linkType.rawValue] { return program }
        guard let dead = pcap_open_dead(Int32(bitPattern: linkType.rawValue), snaplen) else {
            throw PcapError.filter(expression: expression, message: "libpcap could not open a handle for link type \(linkType)")
        }
        defer { pcap_close(dead) }
        let program = UnsafeMutablePointer<bpf_program>.allocate(capacity: 1)
        program.initialize(to: bpf_program())
        if pcap_compile(dead, program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            let message = String(cString: pcap_geterr(dead))
            program.deallocate()
            throw PcapError.filter(expression: expression, message: message)
        }
        programs[linkType.rawValue] = program
        return program
    }

    /// True when the frame passes the filter. A link type the expression cannot be
    /// compiled for matches nothing.
    public func matches(_ frame: RawFrame) -> Bool {
        guard let program = try? program(for: frame.linkType) else { return false }
        var header = pcap_pkthdr()
        header.caplen = UInt32(frame.capturedLength)
        header.len = UInt32(clamping: frame.originalLength)
        return frame.bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return pcap_offline_filter(program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
        }
    }
}
