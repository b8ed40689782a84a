import Testing
import PcapLive

@Suite struct LinkTests {
    @Test func libpcapIsLinked() {
        #expect(libpcapVersion.contains("libpcap"))
    }
}
