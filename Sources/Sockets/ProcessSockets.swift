#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which processes hold which sockets: every `/proc/PID/fd/N` that links to `socket:[inode]`.
public struct ProcessSockets: Sendable {
    /// Owners per socket inode, in pid order.
    public var owners: [UInt64: [SocketProcess]] = [:]
    /// Processes whose `fd` directory could not be listed (another user's, when not root).
    public var unreadable = 0

    public init() {}

    /// At most this many fd links are read per process, to bound the work on huge fd tables.
    public static let fdLimitPerProcess = 100_000

    /// Scans `procRoot` (normally `/proc`). With `inodes`, only those sockets are recorded;
    /// with `pids`, only those processes are looked at. Processes that vanish or cannot be
    /// read are skipped without error.
    public static func scan(procRoot: String = "/proc", inodes: Set<UInt64>? = nil, pids only: [Int32]? = nil) -> ProcessSockets {
        var result = ProcessSockets()
        let pids: [Int32]
        if let only {
            pids = only
        } else {
            guard let names = ProcFS.list(procRoot) else { return result }
            // Newest first: a socket that a live capture has just met is most likely a
            // young process's, and may not outlive a long walk through the old ones.
            pids = names.compactMap { Int32($0) }.sorted(by: >)
        }
        var programs: [Int32: String] = [:]
        for pid in pids {
            guard let links = ProcFS.socketLinks("\(procRoot)/\(pid)/fd", limit: fdLimitPerProcess) else {
                // Gone since the listing (ENOENT) is not worth counting; denied is.
                if errno == EACCES || errno == EPERM { result.unreadable += 1 }
                continue
            }
            for (fd, inode) in links where inodes?.contains(inode) ?? true {
                let program: String
                if let known = programs[pid] {
                    program = known
                } else {
                    program = programName(procRoot: procRoot, pid: pid)
                    programs[pid] = program
                }
                result.owners[inode, default: []].append(SocketProcess(pid: pid, program: program, fd: fd))
            }
        }
        for (inode, list) in result.owners {
            // One entry per process (its lowest fd), sorted by pid.
            var seen = Set<Int32>()
            result.owners[inode] = list.sorted { ($0.pid, $0.fd) < ($1.pid, $1.fd) }.filter { seen.insert($0.pid).inserted }
        }
        return result
    }

    /// `/proc/PID/comm`, which the kernel cuts at 15 characters; then the base name of
    /// `argv[0]` when it starts with the cut name. `?` when neither can be read.
    public static func programName(procRoot: String = "/proc", pid: Int32) -> String {
        let comm = ProcFS.readText("\(procRoot)/\(pid)/comm", limit: 256)?
            .trimmingSuffix("\n") ?? ""
        if comm.count < 15, !comm.isEmpty { return comm }
        if let cmdline = ProcFS.readFile("\(procRoot)/\(pid)/cmdline", limit: 4096) {
            let argv0 = String(decoding: cmdline.prefix { $0 != 0 }, as: UTF8.self)
            let base = argv0.split(separator: "/").last.map(String.init) ?? argv0
            if !base.isEmpty && (comm.isEmpty || base.hasPrefix(comm)) { return base }
        }
        return comm.isEmpty ? "?" : comm
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
