import CPcap
import Dissect
#if canImport(Glibc)
import Glibc
#endif

/// A live capture on one interface through libpcap: pcap_create, the settings, then
/// pcap_activate, with every return code checked and turned into a ``PcapError``.
public final class LiveCapture {
    public struct Options: Sendable {
        public var interface: String
        public var snaplen: Int32 = 262_144
        public var promiscuous = true
        /// Kernel buffer in MiB. Large enough that a loopback bulk transfer does not drop.
        public var bufferMiB = 64
        public var linkType: LinkType?
        public var filter: String?
        public init(interface: String) { self.interface = interface }
    }

    /// tcpdump's counters at the end of a capture.
    public struct Statistics: Sendable, Equatable {
        public var received: UInt32
        public var droppedByKernel: UInt32
        public var droppedByInterface: UInt32
    }

    public let options: Options
    public private(set) var linkType: LinkType
    /// Warnings pcap_activate returned (a positive result): shown, not fatal.
    public private(set) var warnings: [String] = []
    private let handle: OpaquePointer

    public init(options: Options) throws(PcapError) {
        self.options = options
        let name = options.interface
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_create(name, &errbuf) else {
            throw PcapError.activation(interface: name, message: String(cString: errbuf))
        }
        self.handle = handle
        self.linkType = .ethernet
        do throws(PcapError) {
            try check(pcap_set_snaplen(handle, options.snaplen), "the snapshot length")
            try check(pcap_set_promisc(handle, options.promiscuous ? 1 : 0), "promiscuous mode")
            try check(pcap_set_immediate_mode(handle, 1), "immediate mode")
            try check(pcap_set_buffer_size(handle, Int32(clamping: options.bufferMiB << 20)), "the buffer size")
            // Wake up regularly even when nothing arrives, to notice Ctrl-C and -a.
            try check(pcap_set_timeout(handle, 100), "the read timeout")
            let precision = pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
            if precision != 0 && precision != PCAP_ERROR_TSTAMP_PRECISION_NOTSUP {
                try check(precision, "nanosecond timestamps")
            }
            try activate()
            if let wanted = options.linkType {
                if pcap_set_datalink(handle, Int32(bitPattern: wanted.rawValue)) != 0 {
                    throw PcapError.setting("link type \(wanted)", interface: name, message: lastError)
                }
            }
            linkType = LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle)))
            if let filter = options.filter { try apply(filter: filter) }
        } catch {
            pcap_close(handle)
            throw error
        }
    }

    deinit { pcap_close(handle) }

    private var lastError: String { String(cString: pcap_geterr(handle)) }

    private func check(_ result: Int32, _ what: String) throws(PcapError) {
        guard result != 0 else { return }
        if result == PCAP_ERROR_ACTIVATED {
            throw PcapError.setting(what, interface: options.interface, message: "the capture is already active")
        }
        throw PcapError.setting(what, interface: options.interface, message: lastError)
    }

    private func activate() throws(PcapError) {
        let name = options.interface
        let result = pcap_activate(handle)
        switch result {
        case 0:
            return
        case PCAP_WARNING_PROMISC_NOTSUP:
            warnings.append("\(name) does not support promiscuous mode")
        case PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
            warnings.append("\(name) does not support the requested time stamp type")
        case let w where w > 0:
            warnings.append("\(name): \(lastError)")
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            throw PcapError.permissionDenied(interface: name, message: lastError)
        case PCAP_ERROR_NO_SUCH_DEVICE:
            throw PcapError.noSuchDevice(interface: name, available: (try? LiveCapture.interfaces().map(\.name)) ?? [])
        case PCAP_ERROR_IFACE_NOT_UP:
            throw PcapError.interfaceDown(interface: name)
        default:
            let message = lastError
            if message.contains("Operation not permitted") || message.contains("ermission") {
                throw PcapError.permissionDenied(interface: name, message: message)
            }
            throw PcapError.activation(interface: name, message: message.isEmpty ? String(cString: pcap_statustostr(result)) : message)
        }
    }

    private func apply(filter: String) throws(PcapError) {
        var program = bpf_program()
        if pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            throw PcapError.filter(expression: filter, message: lastError)
        }
        defer { pcap_freecode(&program) }
        if pcap_setfilter(handle, &program) != 0 {
            throw PcapError.filter(expression: filter, message: lastError)
        }
    }

    /// The next packet, nil when the read timed out with nothing to deliver. The frame's
    /// bytes are libpcap's and valid until the next call.
    public func next() throws(PcapError) -> RawFrame? {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            guard let header, let data else { return nil }
            let h = header.pointee
            return RawFrame(
                bytes: ByteView(start: UnsafeRawPointer(data), count: Int(h.caplen)),
                timestamp: Timestamp(seconds: Int64(h.ts.tv_sec), nanoseconds: UInt32(clamping: h.ts.tv_usec)),
                originalLength: Int(h.len), linkType: linkType)
        case 0, PCAP_ERROR_BREAK:
            return nil
        default:
            throw PcapError.capture(message: "\(options.interface): \(lastError)")
        }
    }

    /// Makes a blocked `next()` return; safe to call from a signal handler.
    public func breakLoop() { pcap_breakloop(handle) }

    public func statistics() -> Statistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return Statistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop, droppedByInterface: stats.ps_ifdrop)
    }

    /// Link types the interface offers (`-L`).
    public func availableLinkTypes() -> [LinkType] {
        var list: UnsafeMutablePointer<Int32>?
        let count = pcap_list_datalinks(handle, &list)
        guard count > 0, let list else { return [] }
        defer { pcap_free_datalinks(list) }
        return (0..<Int(count)).map { LinkType(rawValue: UInt32(bitPattern: list[$0])) }
    }
}
