// Shared by every fuzz target: compiled into each target binary (see scripts/fuzz.sh).
#if canImport(Glibc)
import Glibc
#endif
import Dissect

/// The link types the decode target chooses from with its first byte (index = byte % count).
/// The last one is a link type no decoder supports.
let fuzzLinkTypes: [LinkType] = [
    .ethernet, .null, .loop, .raw, .ipv4, .ipv6, .linuxSLL, .linuxSLL2, LinkType(rawValue: 147),
]

/// Touches every byte of a view, so AddressSanitizer sees a view that points outside its
/// buffer, and the optimizer cannot drop the reads.
@inline(never)
func touch(_ view: ByteView) -> UInt8 {
    var x: UInt8 = 0
    view.withUnsafeBytes { for b in $0 { x ^= b } }
    return x
}

/// Environment switch: set `FUZZ_VERBOSE=1` to print what a run does (for debugging one input).
let fuzzVerbose = getenv("FUZZ_VERBOSE") != nil
