import ArgumentParser

/// The file format `-w` writes (pcap or pcapng).
public enum FileFormatChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case pcap, pcapng
}
