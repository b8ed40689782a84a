import CPcap
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Watches the capture's interface from a thread of its own and breaks the capture out
/// of libpcap when the interface goes down or is deleted.
///
/// libpcap reports a deleted interface as an error, but an interface that is merely
/// taken down makes it wait inside `pcap_dispatch` (polling every millisecond) until the
/// interface comes back, so the capture would hang with the file half-written. The
/// watcher checks five times a second with `SIOCGIFFLAGS`, which is cheap and sees the
/// caller's network namespace.
public final class InterfaceWatch: @unchecked Sendable {
    public enum Event: Int, Sendable { case none = 0, wentDown = 1, disappeared = 2 }

    private let name: String
    private let handle: OpaquePointer
    private let stopping = Atomic<Bool>(false)
    private let seen = Atomic<Int>(0)
    private var thread = pthread_t()
    private var running = false

    /// What the watcher saw, `.none` while the interface is up.
    public var event: Event { Event(rawValue: seen.load(ordering: .sequentiallyConsistent)) ?? .none }

    init(capture: LiveCapture, handle: OpaquePointer) {
        name = capture.options.interface
        self.handle = handle
    }

    func start() {
        guard name != "any" else { return }
        let context = Unmanaged.passRetained(self).toOpaque()
        running = pthread_create(&thread, nil, { raw in
            let watch = Unmanaged<InterfaceWatch>.fromOpaque(raw!).takeRetainedValue()
            watch.run()
            return nil
        }, context) == 0
        if !running { Unmanaged<InterfaceWatch>.fromOpaque(context).release() }
    }

    /// Stops the thread and waits for it (at most one 50 ms nap).
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        if running {
            pthread_join(thread, nil)
            running = false
        }
    }

    private func run() {
        var ticks = 0
        while !stopping.load(ordering: .sequentiallyConsistent) {
            usleep(50_000)
            ticks += 1
            guard ticks % 4 == 0 else { continue }
            let state = InterfaceWatch.state(of: name)
            guard state != .up else { continue }
            seen.store(state == .missing ? Event.disappeared.rawValue : Event.wentDown.rawValue, ordering: .sequentiallyConsistent)
            pcap_breakloop(handle)
            return
        }
    }

    /// Up, down or gone, as the kernel says now (`SIOCGIFFLAGS` on a datagram socket).
    static func state(of name: String) -> LiveCapture.InterfaceState {
        guard name != "any" else { return .up }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .up }
        defer { close(fd) }
        // struct ifreq: the name in the first 16 bytes, ifr_flags (a short) right after.
        var request = [UInt8](repeating: 0, count: 64)
        for (i, byte) in name.utf8.prefix(15).enumerated() { request[i] = byte }
        let result = request.withUnsafeMutableBytes { ioctl(fd, UInt(SIOCGIFFLAGS), $0.baseAddress!) }
        guard result == 0 else { return errno == ENODEV ? .missing : .up }
        let flags = UInt16(request[16]) | UInt16(request[17]) << 8
        return flags & UInt16(IFF_UP) != 0 ? .up : .down
    }
}

extension LiveCapture {
    /// Starts watching the interface (nothing to watch on `any`); stop it before the
    /// capture is closed.
    public func watchInterface() -> InterfaceWatch {
        let watch = InterfaceWatch(capture: self, handle: rawHandle)
        watch.start()
        return watch
    }
}
