import Testing
import Views

struct InOrderReleaseTests {
    @Test func releasesInNumberOrderAndSkipsEmptyNumbers() {
        var order = InOrderRelease<String>()
        var out: [String] = []
        order.add("two", number: 2) { out.append($0) }
        order.add(nil, number: 1) { out.append($0) }
        #expect(out == [])
        #expect(order.waitingCount == 2)
        order.add("zero", number: 0) { out.append($0) }
        #expect(out == ["zero", "two"])
        #expect(order.waitingCount == 0)
    }

    @Test func oneLongOpenItemHoldsBackAtMostTheLimit() {
        var order = InOrderRelease<Int>(limit: 3)
        var out: [Int] = []
        for n in 1...4 { order.add(n, number: n) { out.append($0) } }
        // Number 0 is still open: four items waited, one more than the limit, so all went out.
        #expect(out == [1, 2, 3, 4])
        #expect(order.waitingCount == 0)
        order.add(0, number: 0) { out.append($0) }
        order.add(5, number: 5) { out.append($0) }
        #expect(out == [1, 2, 3, 4, 0, 5])
    }

    @Test func flushReleasesWhatIsLeftInOrder() {
        var order = InOrderRelease<Int>()
        var out: [Int] = []
        order.add(9, number: 9) { out.append($0) }
        order.add(4, number: 4) { out.append($0) }
        order.flush { out.append($0) }
        #expect(out == [4, 9])
    }
}
