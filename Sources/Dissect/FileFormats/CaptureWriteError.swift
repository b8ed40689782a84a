#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a capture file could not be written.
public enum CaptureWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `open(2)` failed for the output path.
    case cannotCreate(path: String, reason: String, errno: Int32)
    /// The device is full (ENOSPC) or the quota is used up (EDQUOT).
    case diskFull
    /// The reader at the other end of a pipe went away (EPIPE).
    case brokenPipe
    /// Any other `write(2)` failure.
    case ioError(reason: String, errno: Int32)
    /// A frame names an interface the writer was not given.
    case unknownInterface(Int, count: Int)
    /// A frame's link type differs from the pcap file's one link type.
    case mixedLinkTypes(UInt32, UInt32)

    /// The error for a failed `write(2)`, by its errno.
    public init(errno code: Int32) {
        switch code {
        case ENOSPC, EDQUOT: self = .diskFull
        case EPIPE: self = .brokenPipe
        default: self = .ioError(reason: String(cString: strerror(code)), errno: code)
        }
    }

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason, code):
            let hint = (code == EACCES || code == EPERM) ? " (check the directory's permissions)" : ""
            return "cannot create \(path): \(reason)\(hint)"
        case .diskFull: return "write failed: disk full"
        case .brokenPipe: return "write failed: the reading end of the pipe was closed"
        case let .ioError(reason, _): return "write failed: \(reason)"
        case let .unknownInterface(id, count): return "frame on interface \(id), but only \(count) interface(s) were declared"
        case let .mixedLinkTypes(frame, file):
            return "a frame has link type \(frame) but the pcap file holds link type \(file); use --format pcapng"
        }
    }

    /// Opens `path` for writing (`"-"` is standard output); the caller closes what it gets.
    static func openForWriting(_ path: String) throws(CaptureWriteError) -> (fd: Int32, owned: Bool) {
        if path == "-" { return (STDOUT_FILENO, false) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw .cannotCreate(path: path, reason: String(cString: strerror(code)), errno: code)
        }
        return (fd, true)
    }
}
