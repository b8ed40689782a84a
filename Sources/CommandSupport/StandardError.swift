#if canImport(Glibc)
import Glibc
#endif

/// One line on standard error, prefixed "tcpwatch: ".
public func printError(_ message: String) {
    var stderr = StandardError()
    print("tcpwatch: \(message)", to: &stderr)
}

public struct StandardError: TextOutputStream {
    public init() {}
    public mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
