#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// C's printf formatting of floating-point numbers (`%g`, `%.0f`), which Wireshark's
/// labels use and Swift's String lacks. Called without Foundation, whose String(format:)
/// would map about 6.5 MB of libraries into every command's process.
enum PrintfFormat {
    static func string(_ format: String, _ arguments: CVarArg...) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let written = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
        guard written >= 0 else { return "" }
        if Int(written) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(written) + 1)
            _ = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
