import CPcap
import Dissect
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A live capture on one interface through libpcap: pcap_create, the settings, then
/// pcap_activate, with every return code checked and turned into a ``PcapError``.
///
/// Packets are read in batches with `pcap_dispatch`: each call hands over everything the
/// kernel ring holds, so the caller can flush its output once per batch instead of once
/// per packet, and still show every packet as soon as it arrives.
public final class LiveCapture {
    public struct Options: Sendable {
        public var interface: String
        public var snaplen: Int32 = 262_144
        public var promiscuous = true
        /// Kernel ring buffer in MiB (`pcap_set_buffer_size`).
        public var bufferMiB = LiveCapture.defaultBufferMiB
        /// libpcap's immediate mode: every packet is handed over the moment it arrives.
        /// On Linux this selects TPACKET_V2, a ring of fixed slots each as large as the
        /// biggest frame the interface can deliver (64 KiB on `lo`), so a small-packet
        /// flood fills it after a few hundred packets. Off, libpcap uses TPACKET_V3,
        /// which packs packets into blocks and hands a block over when it is full or
        /// after ``timeoutMilliseconds``.
        public var immediate = false
        /// The read timeout: how long a part-filled TPACKET_V3 block may wait before
        /// it is handed over, i.e. the longest delay before a packet is seen.
        public var timeoutMilliseconds: Int32 = LiveCapture.defaultTimeoutMilliseconds
        public var linkType: LinkType?
        public var filter: String?
        public init(interface: String) { self.interface = interface }
    }

    /// The default kernel ring (`-B`): 32 MiB. tcpdump's and dumpcap's 2 MiB hold about
    /// 1 ms of a loopback bulk TCP transfer (64 KiB GSO segments at several GB/s), so any
    /// scheduling hiccup of the reader drops packets; 32 MiB holds tens of milliseconds,
    /// which is what `scripts/bench-live.sh` needed for 0 drops on a 2-core machine.
    public static let defaultBufferMiB = 64
    /// The default read timeout: 10 ms, short enough that a summary line appears with no
    /// visible delay, long enough that a busy interface fills whole blocks.
    public static let defaultTimeoutMilliseconds: Int32 = 10

    /// tcpdump's counters at the end of a capture.
    public struct Statistics: Sendable, Equatable {
        /// Packets that passed the filter (tcpdump's "received by filter").
        public var received: UInt32
        public var droppedByKernel: UInt32
        public var droppedByInterface: UInt32
    }

    /// How a batch read ended.
    public enum BatchEnd: Equatable, Sendable {
        /// `packets` packets were handed over (0 when the read timed out).
        case packets(Int)
        /// ``breakLoop()`` was called (a signal, or the caller's own request).
        case interrupted(Int)
    }

    public let options: Options
    public let linkType: LinkType
    /// The snapshot length libpcap settled on (`pcap_snapshot`).
    public let snapshotLength: Int
    /// True when libpcap delivers nanosecond timestamps (`pcap_get_tstamp_precision`).
    public let nanosecondTimestamps: Bool
    /// Warnings pcap_activate returned (a positive result): shown, not fatal.
    public let warnings: [String]
    private let handle: OpaquePointer
    var rawHandle: OpaquePointer { handle }

    public init(options: Options) throws(PcapError) {
        self.options = options
        let opened = try Self.open(options)
        handle = opened.handle
        warnings = opened.warnings
        linkType = LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle)))
        snapshotLength = Int(pcap_snapshot(handle))
        nanosecondTimestamps = pcap_get_tstamp_precision(handle) == Int32(PCAP_TSTAMP_PRECISION_NANO)
    }

    deinit {
        LiveCapture.disarm(handle)
        pcap_close(handle)
    }

    // MARK: Opening

    /// Creates, configures and activates the handle; on any failure it is closed before
    /// the error is thrown, so nothing leaks and nothing is closed twice.
    private static func open(_ options: Options) throws(PcapError) -> (handle: OpaquePointer, warnings: [String]) {
        let name = options.interface
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_create(name, &errbuf) else {
            throw PcapError.activation(interface: name, message: cString(errbuf))
        }
        do throws(PcapError) {
            func check(_ result: Int32, _ what: String) throws(PcapError) {
                guard result != 0 else { return }
                let message = result == PCAP_ERROR_ACTIVATED ? "the capture is already active" : lastError(handle)
                throw PcapError.setting(what, interface: name, message: message)
            }
            try check(pcap_set_snaplen(handle, options.snaplen), "the snapshot length")
            try check(pcap_set_promisc(handle, options.promiscuous ? 1 : 0), "promiscuous mode")
            try check(pcap_set_immediate_mode(handle, options.immediate ? 1 : 0), "immediate mode")
            try check(pcap_set_buffer_size(handle, Int32(clamping: options.bufferMiB << 20)), "the buffer size")
            try check(pcap_set_timeout(handle, max(options.timeoutMilliseconds, 1)), "the read timeout")
            let precision = pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
            if precision != 0 && precision != PCAP_ERROR_TSTAMP_PRECISION_NOTSUP {
                try check(precision, "nanosecond timestamps")
            }
            let warnings = try activate(handle, name: name)
            if let wanted = options.linkType, wanted.rawValue != UInt32(bitPattern: pcap_datalink(handle)) {
                let offered = datalinks(handle)
                guard offered.contains(wanted) else {
                    throw PcapError.setting("link type \(wanted.name ?? "\(wanted.rawValue)")", interface: name,
                                            message: "not offered; \(name) offers \(offered.map { $0.name ?? "\($0.rawValue)" }.joined(separator: ", "))")
                }
                if pcap_set_datalink(handle, Int32(bitPattern: wanted.rawValue)) != 0 {
                    throw PcapError.setting("link type \(wanted.name ?? "\(wanted.rawValue)")", interface: name, message: lastError(handle))
                }
            }
            if let filter = options.filter { try apply(filter: filter, to: handle) }
            ignoreOutgoingOnLoopback(handle, name: name)
            return (handle, warnings)
        } catch {
            pcap_close(handle)
            throw error
        }
    }

    /// On a loopback interface the kernel hands a packet socket every packet twice: once
    /// as it is sent (PACKET_OUTGOING) and once as it is received. libpcap throws the
    /// outgoing copy away after the kernel has copied it into the ring, so on `lo` half
    /// of the ring and of the kernel's copying goes to waste. PACKET_IGNORE_OUTGOING
    /// (Linux 4.20) stops the kernel from queueing those copies at all: the same packets
    /// are captured, the ring holds twice as many, and "received by filter" stops
    /// counting each packet twice. Best effort: an older kernel keeps the old behaviour.
    private static func ignoreOutgoingOnLoopback(_ handle: OpaquePointer, name: String) {
        guard let interface = try? LiveCapture.interfaces().first(where: { $0.name == name }),
              interface.isLoopback else { return }
        let fd = pcap_fileno(handle)
        guard fd >= 0 else { return }
        var on: Int32 = 1
        _ = setsockopt(fd, packetSocketLevel, packetIgnoreOutgoing, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// SOL_PACKET and PACKET_IGNORE_OUTGOING from <linux/if_packet.h>.
    private static let packetSocketLevel: Int32 = 263
    private static let packetIgnoreOutgoing: Int32 = 23

    private static func lastError(_ handle: OpaquePointer) -> String { String(cString: pcap_geterr(handle)) }

    private static func activate(_ handle: OpaquePointer, name: String) throws(PcapError) -> [String] {
        let result = pcap_activate(handle)
        switch result {
        case 0:
            return []
        case PCAP_WARNING_PROMISC_NOTSUP:
            return ["\(name) does not support promiscuous mode (\(lastError(handle)))"]
        case PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
            return ["\(name) does not support the requested time stamp type"]
        case let w where w > 0:
            let message = lastError(handle)
            return ["\(name): \(message.isEmpty ? String(cString: pcap_statustostr(w)) : message)"]
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            throw PcapError.permissionDenied(interface: name, message: lastError(handle))
        case PCAP_ERROR_NO_SUCH_DEVICE:
            throw PcapError.noSuchDevice(interface: name, available: (try? LiveCapture.interfaces().map(\.name)) ?? [])
        case PCAP_ERROR_IFACE_NOT_UP:
            throw PcapError.interfaceDown(interface: name)
        default:
            let message = lastError(handle)
            if message.contains("Operation not permitted") || message.contains("ermission") {
                throw PcapError.permissionDenied(interface: name, message: message)
            }
            throw PcapError.activation(interface: name, message: message.isEmpty ? String(cString: pcap_statustostr(result)) : message)
        }
    }

    private static func apply(filter: String, to handle: OpaquePointer) throws(PcapError) {
        var program = bpf_program()
        if pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            throw PcapError.filter(expression: filter, message: lastError(handle))
        }
        defer { pcap_freecode(&program) }
        if pcap_setfilter(handle, &program) != 0 {
            throw PcapError.filter(expression: filter, message: lastError(handle))
        }
    }

    private static func datalinks(_ handle: OpaquePointer) -> [LinkType] {
        var list: UnsafeMutablePointer<Int32>?
        let count = pcap_list_datalinks(handle, &list)
        guard count > 0, let list else { return [] }
        defer { pcap_free_datalinks(list) }
        return (0..<Int(count)).map { LinkType(rawValue: UInt32(bitPattern: list[$0])) }
    }

    // MARK: Reading

    private final class BatchContext {
        let linkType: LinkType
        let nanosecond: Bool
        let body: (RawFrame) -> Void
        init(linkType: LinkType, nanosecond: Bool, body: @escaping (RawFrame) -> Void) {
            self.linkType = linkType
            self.nanosecond = nanosecond
            self.body = body
        }
    }

    /// Reads one batch with `pcap_dispatch`: waits until packets arrive (or the read
    /// timeout passes, or ``breakLoop()`` is called), then hands `body` every packet the
    /// ring holds, at most `limit` of them when `limit > 0`. A frame's bytes belong to
    /// libpcap and are valid only inside `body`.
    public func readBatch(limit: Int = 0, _ body: (RawFrame) -> Void) throws(PcapError) -> BatchEnd {
        var delivered = 0
        let result: Int32 = withoutActuallyEscaping(body) { body in
            let context = BatchContext(linkType: linkType, nanosecond: nanosecondTimestamps) { frame in
                delivered += 1
                body(frame)
            }
            let user = Unmanaged.passUnretained(context).toOpaque().assumingMemoryBound(to: UInt8.self)
            let result = pcap_dispatch(handle, limit > 0 ? Int32(clamping: limit) : -1, { user, header, data in
                guard let user, let header, let data else { return }
                let context = Unmanaged<BatchContext>.fromOpaque(UnsafeRawPointer(user)).takeUnretainedValue()
                let h = header.pointee
                let fraction = UInt32(clamping: h.ts.tv_usec)
                context.body(RawFrame(
                    bytes: ByteView(start: UnsafeRawPointer(data), count: Int(h.caplen)),
                    timestamp: Timestamp(seconds: Int64(h.ts.tv_sec),
                                         nanoseconds: context.nanosecond ? fraction : fraction &* 1000),
                    originalLength: Int(h.len), linkType: context.linkType,
                    timestampDigits: context.nanosecond ? 9 : 6))
            }, user)
            withExtendedLifetime(context) {}
            return result
        }
        switch result {
        case 0...:
            return .packets(delivered)
        case PCAP_ERROR_BREAK:
            return .interrupted(delivered)
        default:
            throw PcapError.capture(message: "\(options.interface): \(Self.lastError(handle))")
        }
    }

    /// Non-blocking mode: a batch read returns at once when the ring is empty. Used to
    /// drain what the kernel already holds when the capture stops.
    public func setNonBlocking(_ on: Bool) throws(PcapError) {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        if pcap_setnonblock(handle, on ? 1 : 0, &errbuf) != 0 {
            throw PcapError.capture(message: "\(options.interface): cannot switch to non-blocking reads: \(cString(errbuf))")
        }
    }

    /// Makes a blocked ``readBatch(limit:_:)`` return.
    public func breakLoop() { pcap_breakloop(handle) }

    public func statistics() -> Statistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return Statistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop, droppedByInterface: stats.ps_ifdrop)
    }

    /// Link types the interface offers (`-L`).
    public func availableLinkTypes() -> [LinkType] { Self.datalinks(handle) }

    // MARK: Signals

    /// The handle a signal handler breaks out of (see ``interruptFromSignalHandler()``).
    private static let armed = Atomic<UInt>(0)

    /// Lets ``interruptFromSignalHandler()`` wake this capture's blocked read.
    public func armForSignals() {
        LiveCapture.armed.store(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))), ordering: .sequentiallyConsistent)
    }

    private static func disarm(_ handle: OpaquePointer) {
        _ = armed.compareExchange(expected: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))), desired: 0,
                                  ordering: .sequentiallyConsistent)
    }

    /// Async-signal-safe: `pcap_breakloop` sets a flag and writes to libpcap's eventfd,
    /// which wakes the `poll` a blocked read sleeps in.
    public static func interruptFromSignalHandler() {
        let bits = armed.load(ordering: .sequentiallyConsistent)
        guard bits != 0, let raw = UnsafeRawPointer(bitPattern: bits) else { return }
        pcap_breakloop(OpaquePointer(raw))
    }
}

/// The text in a C error buffer.
func cString(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
