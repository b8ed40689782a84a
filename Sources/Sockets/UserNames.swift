/// uid → user name from `/etc/passwd` (the socket's owner that ss -e shows), read once.
public enum UserNames {
    public static let system: [UInt32: String] = {
        var names: [UInt32: String] = [:]
        guard let text = ProcFS.readText("/etc/passwd", limit: 4 << 20) else { return names }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, let uid = UInt32(fields[2]), names[uid] == nil { names[uid] = String(fields[0]) }
        }
        return names
    }()

    public static func name(_ uid: UInt32) -> String { system[uid] ?? String(uid) }
}
