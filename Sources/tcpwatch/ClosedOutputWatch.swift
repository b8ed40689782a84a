import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Notices, from a thread of its own, that the reader of standard output went away
/// (`tcpwatch capture -i lo | head -1`), and wakes the capture with `onClose`.
///
/// A write to the closed pipe fails with EPIPE, but a live capture only writes when a
/// packet arrives: on a quiet interface it would sleep in libpcap's `poll` forever after
/// `head` has what it wanted (TPACKET_V3 retires no empty block, so the read never times
/// out). A pipe's write end reports POLLERR the moment its last reader closes (and a
/// socket POLLHUP), so the thread sleeps in `poll` on descriptor 1 and costs nothing
/// until then. Regular files and terminals are not watched: they have no reader to lose.
final class ClosedOutputWatch: @unchecked Sendable {
    private let fd: Int32
    private let onClose: () -> Void
    private let stopping = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    private var thread = pthread_t()
    private var running = false

    /// True once the reader went away.
    var isClosed: Bool { closed.load(ordering: .sequentiallyConsistent) }

    /// Starts watching `fd` when it is a pipe or a socket; `onClose` runs once, on the
    /// watcher's thread, so it must be thread-safe (`pcap_breakloop` is).
    init(fileDescriptor fd: Int32 = 1, onClose: @escaping () -> Void) {
        self.fd = fd
        self.onClose = onClose
        guard Self.hasReader(fd) else { return }
        let context = Unmanaged.passRetained(self).toOpaque()
        running = pthread_create(&thread, nil, { raw in
            let watch = Unmanaged<ClosedOutputWatch>.fromOpaque(raw!).takeRetainedValue()
            watch.run()
            return nil
        }, context) == 0
        if !running { Unmanaged<ClosedOutputWatch>.fromOpaque(context).release() }
    }

    /// Stops the thread and waits for it (at most one 100 ms poll).
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        if running {
            pthread_join(thread, nil)
            running = false
        }
    }

    private func run() {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            // No events asked for: poll still reports POLLERR and POLLHUP, which is all we want.
            var entry = pollfd(fd: fd, events: 0, revents: 0)
            let ready = poll(&entry, 1, 100)
            guard ready > 0, entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 else { continue }
            closed.store(true, ordering: .sequentiallyConsistent)
            onClose()
            return
        }
    }

    /// A pipe or a socket: something whose reader can go away.
    static func hasReader(_ fd: Int32) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK
    }
}
