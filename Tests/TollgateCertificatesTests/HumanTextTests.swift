import Foundation
import Testing
import TollgateCertificates

/// Times, durations and money as messages and reports print them.
@Suite struct HumanTextTests {
    @Test func timesAreISO8601UTC() {
        #expect(TimeText.iso(0) == "1970-01-01T00:00:00Z")
        #expect(TimeText.iso(1_799_150_400) == "2027-01-05T12:00:00Z")
        #expect(TimeText.iso(951_825_599) == "2000-02-29T11:59:59Z")
        #expect(TimeText.iso(-1) == "1969-12-31T23:59:59Z")
        // The same as Foundation's formatter over a spread of times, leap years and ends of months included.
        let formatter = ISO8601DateFormatter()
        for seconds in stride(from: Int64(-86_400 * 400), to: 253_402_300_799, by: 7_777_777) {
            #expect(TimeText.iso(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
    }

    @Test func relativeTimesUseTheLargestUnit() {
        #expect(TimeText.relative(1_000 + 3 * 86_400 + 5, to: 1_000) == "in 3 days")
        #expect(TimeText.relative(1_000 - 3_600, to: 1_000) == "1 hour ago")
        #expect(TimeText.relative(1_030, to: 1_000) == "now")
        #expect(TimeText.relative(1_000 + 2 * 365 * 86_400, to: 1_000) == "in 2 years")
        #expect(TimeText.iso(1_799_150_400, relativeTo: 1_799_150_400 - 120) == "2027-01-05T12:00:00Z (in 2 minutes)")
    }

    @Test func durationsReadBackInTheirUnit() {
        #expect(TimeText.duration(604_800) == "7d")
        #expect(TimeText.duration(43_200) == "12h")
        #expect(TimeText.duration(129_600) == "36h")
        #expect(TimeText.duration(5_400) == "90m")
        #expect(TimeText.duration(45) == "45s")
        #expect(TimeText.duration(0) == "0s")
    }

    @Test func amountsCarryTheCurrencysDecimals() {
        #expect(Price(currency: "EUR", amount: 4_900).description == "EUR 49.00")
        #expect(Price(currency: "EUR", amount: 5).description == "EUR 0.05")
        #expect(Price(currency: "JPY", amount: 500).description == "JPY 500")
        #expect(Price(currency: "KWD", amount: 1_250).description == "KWD 1.250")
        #expect(CurrencyAmount.minorUnits("49.00", currency: "EUR") == 4_900)
        #expect(CurrencyAmount.minorUnits("49.5", currency: "EUR") == 4_950)
        #expect(CurrencyAmount.minorUnits("500", currency: "JPY") == 500)
        for refused in ["4900", "49.001", "49.", ".5", "-1.00", "4 9.00", "49,00", "", "99999999999999999999.00"] {
            #expect(CurrencyAmount.minorUnits(refused, currency: "EUR") == nil, "\(refused)")
        }
        #expect(CurrencyAmount.minorUnits("5.0", currency: "JPY") == nil)
    }
}
