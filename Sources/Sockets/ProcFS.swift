#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small, allocation-light wrappers over the calls `/proc` needs. procfs files report a size
/// of 0, so files are read until end of file, with a cap.
enum ProcFS {
    /// The whole file, or nil when it cannot be opened (absent, or not ours to read).
    static func readFile(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while data.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return data
    }

    static func readText(_ path: String, limit: Int = 64 << 20) -> String? {
        readFile(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names in a directory (without `.` and `..`), or nil when it cannot be listed.
    static func list(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The sockets among a process's open files: each `fd/N` that links to `socket:[inode]`,
    /// at most `limit` of them looked at. Nil when the directory cannot be listed (errno
    /// says why). Read with `readlinkat` into one buffer, without a string per link: a
    /// live capture reads every process's links when it meets a socket it does not know.
    static func socketLinks(_ fdDirectory: String, limit: Int) -> [(fd: Int32, inode: UInt64)]? {
        guard let dir = opendir(fdDirectory) else { return nil }
        defer { closedir(dir) }
        let dfd = dirfd(dir)
        var found: [(fd: Int32, inode: UInt64)] = []
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))   // 32 bytes: `socket:[` and 20 digits
        var looked = 0
        while looked < limit, let entry = readdir(dir) {
            looked += 1
            let parsed: (fd: Int32, inode: UInt64)? = withUnsafeMutableBytes(of: &buffer) { link in
                withUnsafePointer(to: entry.pointee.d_name) { namePointer in
                    namePointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { name in
                        guard name[0] >= 0x30 && name[0] <= 0x39 else { return nil }   // skip . and ..
                        let n = readlinkat(dfd, name, link.baseAddress!.assumingMemoryBound(to: CChar.self), link.count)
                        guard n > 9 && n < link.count, let inode = socketInode(UnsafeRawBufferPointer(rebasing: link[0..<n])),
                              let fd = Int32(String(cString: name)) else { return nil }
                        return (fd, inode)
                    }
                }
            }
            if let parsed { found.append(parsed) }
        }
        return found
    }

    /// The inode in the bytes of a `socket:[12345]` link, or nil for any other link.
    static func socketInode(_ link: UnsafeRawBufferPointer) -> UInt64? {
        let prefix: [UInt8] = Array("socket:[".utf8)
        guard link.count > prefix.count + 1, link.last == UInt8(ascii: "]"),
              zip(link, prefix).allSatisfy({ $0 == $1 }) else { return nil }
        var inode: UInt64 = 0
        for byte in link[prefix.count..<(link.count - 1)] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (shifted, overflow1) = inode.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1 && !overflow2 else { return nil }
            inode = sum
        }
        return inode
    }
}
