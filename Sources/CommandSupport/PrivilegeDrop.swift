#if canImport(Glibc)
import Glibc
#endif

/// `-Z USER`: after the capture is open and the output file created, become USER.
public enum PrivilegeDrop {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func drop(to user: String) throws {
        guard let entry = getpwnam(user) else { throw Failure(description: "-Z: no such user '\(user)'") }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        guard setgroups(0, nil) == 0 || getuid() != 0 else {
            throw Failure(description: "-Z: cannot drop supplementary groups: \(String(cString: strerror(errno)))")
        }
        guard setgid(gid) == 0 else { throw Failure(description: "-Z: cannot set group \(gid): \(String(cString: strerror(errno)))") }
        guard setuid(uid) == 0 else { throw Failure(description: "-Z: cannot become \(user): \(String(cString: strerror(errno)))") }
        if uid != 0 && setuid(0) == 0 { throw Failure(description: "-Z: privileges could be regained; refusing to continue") }
    }
}
