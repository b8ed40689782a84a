/// Zeek's connection `history` string and the bookkeeping behind it.
///
/// Ported from Zeek's `Session::CheckHistory` / `Session::AddHistory` (`src/session/Session.h`,
/// formerly `src/Conn.h`) and `Connection::ScaledHistoryEntry` (`src/Conn.cc`).
/// Letters from the originator are upper case, from the responder lower case.
struct ConnectionHistory: Sendable, Equatable {
    /// The history string as Zeek logs it.
    private(set) var text = ""
    /// Zeek's `hist_seen`: one bit per "seen once" letter; responder bits are shifted by 16.
    /// It is not flipped when the roles are flipped (neither is Zeek's).
    private var seen: UInt32 = 0

    /// `Session::AddHistory`: append unconditionally.
    mutating func add(_ code: Character) {
        text.append(code)
    }

    /// `Session::CheckHistory`: add `code` the first time `mask` is seen.
    /// Returns true when the mask was already seen (nothing added), false after adding.
    @discardableResult
    mutating func check(mask: UInt32, _ code: Character) -> Bool {
        if seen & mask == 0 {
            seen |= mask
            add(code)
            return false
        }
        return true
    }

    /// `TCP_Endpoint::CheckHistory`: responder masks are shifted 16 bits and the letter lowered.
    @discardableResult
    mutating func check(mask: UInt32, _ code: Character, isOrig: Bool) -> Bool {
        // Most calls find the letter already seen: lower it only when it is added.
        let bit = isOrig ? mask : mask << 16
        if seen & bit != 0 { return true }
        seen |= bit
        add(code, isOrig: isOrig)
        return false
    }

    /// `TCP_Endpoint::AddHistory`: the letter is lowered for the responder.
    mutating func add(_ code: Character, isOrig: Bool) {
        add(isOrig ? code : Character(code.lowercased()))
    }
}

/// The masks of `TCP_Endpoint::HistoryMasks` (`src/analyzer/protocol/tcp/TCP_Endpoint.h`).
enum TCPHistoryMask {
    static let syn: UInt32 = 0x1
    static let fin: UInt32 = 0x2
    static let rst: UInt32 = 0x4
    static let finRst: UInt32 = 0x8
    static let data: UInt32 = 0x10
    static let ack: UInt32 = 0x20
    static let multiFlag: UInt32 = 0x40
}

/// The masks of `src/packet_analysis/protocol/udp/UDP.cc` (not shifted: each side has its own).
enum UDPHistoryMask {
    static let origData: UInt32 = 0x1
    static let respData: UInt32 = 0x2
}

/// `Connection::ScaledHistoryEntry` with base 10: a letter is logged at the 1st, 10th, 100th, ...
/// occurrence. Used for C/c (bad checksum), T/t (retransmission), W/w (zero window), G/g (gap).
struct ScaledHistoryCounter: Sendable, Equatable {
    private(set) var counter: UInt32 = 0
    private(set) var threshold: UInt32 = 1

    /// Counts one occurrence; true when the letter must be added to the history now.
    mutating func hit() -> Bool {
        counter &+= 1
        guard counter == threshold else { return false }
        let next = threshold &* 10
        if next <= threshold {
            // Wrap-around: Zeek resets the counter and keeps the threshold.
            counter = 0
        } else {
            threshold = next
        }
        return true
    }
}
