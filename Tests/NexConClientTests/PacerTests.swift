import Clocks
@testable import NexConClient
import Platform
import Testing

/// Pacing on virtual time: slots, a declared limit, a 429's pause, and the slow ramp back.
@Suite struct PacerTests {
    static func elapsed(_ clock: ImmediateClock<Duration>, _ body: () async -> Void) async -> Duration {
        let start = clock.now
        await body()
        return start.duration(to: clock.now)
    }

    @Test func slotsAreSpacedAtTheCap() async {
        let clock = ImmediateClock()
        let pacer = Pacer(cap: 10, clock: InjectedClock(clock))
        let took = await Self.elapsed(clock) { for _ in 0..<11 { await pacer.acquire() } }
        #expect(took == .seconds(1), "11 requests at 10/s: the first at once, then one every 100 ms")
    }

    @Test func aDeclaredLimitIsPacedJustUnder() async {
        let clock = ImmediateClock()
        let pacer = Pacer(cap: nil, clock: InjectedClock(clock))
        pacer.observe(declaredLimit: 20)
        #expect(pacer.currentRate == 19)
        let took = await Self.elapsed(clock) { for _ in 0..<20 { await pacer.acquire() } }
        #expect(took > .milliseconds(990) && took < .milliseconds(1010), "\(took)")
    }

    @Test func a429PausesEveryoneThenThePaceWinsBackSlowly() async {
        let clock = ImmediateClock()
        let pacer = Pacer(cap: 40, clock: InjectedClock(clock))
        await pacer.acquire()
        pacer.throttled(retryAfter: .seconds(2))
        #expect(pacer.currentRate == 20, "halved, with no declared limit")
        let took = await Self.elapsed(clock) { await pacer.acquire() }
        #expect(took >= .seconds(2), "everyone waits the Retry-After")
        for _ in 0..<20 { pacer.succeeded() }
        #expect(abs((pacer.currentRate ?? 0) - 22) < 1e-9, "20 successes win back 10%")
        for _ in 0..<200 { pacer.succeeded() }
        #expect(pacer.currentRate == 40, "never past the cap")
    }
}
