import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT and SIGTERM; the capture loop checks it between packets. Once
/// installed, further signals only set it again, so a second Ctrl-C during shutdown
/// cannot cut the output file short.
enum StopSignal {
    static let raised = Atomic<Int>(0)

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in StopSignal.raised.store(1, ordering: .relaxed) }
        }
    }

    static var isRaised: Bool { raised.load(ordering: .relaxed) != 0 }
}
