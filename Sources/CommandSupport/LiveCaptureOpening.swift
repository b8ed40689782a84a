import ArgumentParser
import PcapLive

extension LiveCapture {
    /// Opens a live capture as `capture` and `ui` do: the error on one line, exit 64 for a
    /// capture filter that does not compile (a usage error) and 2 for the rest; libpcap's
    /// warnings printed.
    public static func openReportingErrors(_ options: Options) throws -> LiveCapture {
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: options)
        } catch {
            printError("\(error)")
            if case .filter = error { throw ExitCode(64) }
            throw ExitCode(2)
        }
        for warning in capture.warnings { printError("warning: \(warning)") }
        return capture
    }
}
