#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ReadBuffer calls as the record readers need them: failures become ``CaptureFileError``s
/// that name the packet and the record being read.
extension ReadBuffer {
    /// True when the input has ended exactly at the current position.
    func isAtEnd() throws(CaptureFileError) -> Bool {
        do {
            return try !ensure(1)
        } catch {
            throw ioError(error)
        }
    }

    /// Makes `count` bytes available from the current position, or throws a truncation
    /// error for the record that starts at `recordOffset`.
    func require(_ count: Int, packet: Int, recordOffset: Int64) throws(CaptureFileError) {
        let ok: Bool
        do {
            ok = try ensure(count)
        } catch {
            throw ioError(error)
        }
        if !ok { throw truncated(count, packet: packet, recordOffset: recordOffset) }
    }

    /// Consumes `count` bytes without buffering them, or throws a truncation error for
    /// the record of `recordLength` bytes that starts at `recordOffset`.
    func skipOrThrow(_ count: Int, packet: Int, recordOffset: Int64, recordLength: Int) throws(CaptureFileError) {
        let ok: Bool
        do {
            ok = try skip(Int64(count))
        } catch {
            throw ioError(error)
        }
        if !ok {
            throw .truncatedRecord(packet: packet, offset: recordOffset, needed: Int64(recordLength),
                                   available: offset &- recordOffset)
        }
    }

    private func truncated(_ count: Int, packet: Int, recordOffset: Int64) -> CaptureFileError {
        let inRecord = offset &- recordOffset
        return .truncatedRecord(packet: packet, offset: recordOffset, needed: inRecord &+ Int64(count),
                                available: inRecord &+ knownRemaining)
    }

    func ioError(_ failure: Failure) -> CaptureFileError {
        .ioError(offset: offset, reason: String(cString: strerror(failure.errno)), errno: failure.errno)
    }
}
