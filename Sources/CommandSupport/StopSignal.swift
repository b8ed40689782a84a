import PcapLive
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why the capture stops, set from signal handlers; the capture loop checks it after
/// every batch. The handlers only store to atomics and call `pcap_breakloop` (which sets
/// a flag and writes an eventfd), so they are async-signal-safe, and a second stop signal
/// during shutdown cannot cut the output file short: it only cuts the final drain short.
///
/// As tcpdump: SIGINT (Ctrl-C), SIGTERM, SIGHUP (the terminal closed) and SIGQUIT
/// (Ctrl-\) end the capture cleanly, with the file flushed and the counters printed;
/// SIGUSR1 prints the counters and the capture goes on. Taking SIGQUIT here also keeps
/// the Swift runtime's crash handler (which dumps registers and a backtrace for SIGQUIT
/// and then lets the program run on) out of an ordinary stop.
public enum StopSignal {
    /// The signals that end a live command cleanly.
    public static let stopping: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Stop signals received so far.
    public static let interrupts = Atomic<Int>(0)
    /// The `-a duration:` timer (SIGALRM) fired.
    public static let timerFired = Atomic<Bool>(false)
    /// SIGUSR1 arrived and its counters are not printed yet.
    public static let countersWanted = Atomic<Bool>(false)

    public static func install() {
        for sig in stopping {
            signal(sig) { _ in
                StopSignal.interrupts.add(1, ordering: .sequentiallyConsistent)
                LiveCapture.interruptFromSignalHandler()
            }
        }
        signal(SIGUSR1) { _ in
            StopSignal.countersWanted.store(true, ordering: .sequentiallyConsistent)
            LiveCapture.interruptFromSignalHandler()
        }
        signal(SIGALRM) { _ in
            StopSignal.timerFired.store(true, ordering: .sequentiallyConsistent)
            LiveCapture.interruptFromSignalHandler()
        }
        // A parent may have started us with these signals blocked (a blocked mask is
        // inherited across exec; Foundation's Process does this): unblock them, or Ctrl-C,
        // SIGTERM and -a would never arrive.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in stopping + [SIGUSR1, SIGALRM] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        // A closed pipe becomes EPIPE, reported and handled as a clean stop.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Raises SIGALRM after `seconds` (`-a duration:SECONDS`).
    public static func arm(after seconds: Double) {
        var timer = itimerval()
        let whole = seconds.rounded(.down)
        timer.it_value.tv_sec = Int(whole)
        timer.it_value.tv_usec = max(Int((seconds - whole) * 1_000_000), whole == 0 ? 1 : 0)
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }

    public static var interruptCount: Int { interrupts.load(ordering: .sequentiallyConsistent) }
    public static var isRaised: Bool { interruptCount > 0 || timerFired.load(ordering: .sequentiallyConsistent) }

    /// True once per SIGUSR1 (several before one check count once, as in tcpdump).
    public static func takeCountersRequest() -> Bool {
        countersWanted.exchange(false, ordering: .sequentiallyConsistent)
    }
}
