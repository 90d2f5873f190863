import TollgateCertificates
import TollgateCommandLine

/// The options that make a sale metered (`tollgate issue --model metered`): the allowance per
/// feature, the overage rule and the unit price, read into the license's ``Metering``.
enum MeteringArguments {
    static let allowance = Option<[MeteredFeature]>("allowance", value: "feature=units,...",
                                                    help: "For --model metered: units per month and machine of each metered feature, e.g. render=1000.") {
        text throws(ValidationError) in
        var items: [MeteredFeature] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty, let units = Int64(pair[1]), units >= 0, units <= ObjectLimits.maxAmount else {
                throw ValidationError("'\(part)' is not feature=units with units from 0 to \(ObjectLimits.maxAmount), e.g. render=1000")
            }
            items.append(MeteredFeature(feature: String(pair[0]), units: units))
        }
        return items
    }
    static let overage = Option<Metering.Overage>("overage", value: "refuse|allow:1.25|allow:1.5|allow:2|bill",
                                                  help: "For --model metered: refuse use past the allowance, allow it up to a ceiling, or always bill it.") {
        text throws(ValidationError) in
        switch text {
        case Metering.refuseWord: return .refuse
        case Metering.billWord: return .bill
        case "allow:1.25": return .allow(percent: 125)
        case "allow:1.5", "allow:1.50": return .allow(percent: 150)
        case "allow:2", "allow:2.0": return .allow(percent: 200)
        default: throw ValidationError("must be one of refuse, allow:1.25, allow:1.5, allow:2, bill, got '\(text)'")
        }
    }
    static let unitPrice = Option<Price>("unit-price", value: "CUR:amount",
                                         help: "For --model metered: price of one unit past the allowance, e.g. EUR:0.02.", parse: PriceArgument.parse)

    static let options: [any OptionDeclaring] = [allowance, overage, unitPrice]

    /// The metering the arguments describe: all three with `--model metered`, none otherwise.
    static func metering(_ arguments: ParsedArguments, model: String) throws -> Metering? {
        let allowance = try arguments.value(Self.allowance), overage = try arguments.value(Self.overage), price = try arguments.value(unitPrice)
        guard model == License.meteredModel else {
            if allowance != nil || overage != nil || price != nil {
                throw ValidationError("--\(Self.allowance.name), --\(Self.overage.name) and --\(unitPrice.name) go with --model \(License.meteredModel)",
                                      code: .conflictingOptions)
            }
            return nil
        }
        guard let allowance, let overage, let price else {
            throw ValidationError("--model \(License.meteredModel) needs --\(Self.allowance.name), --\(Self.overage.name) and --\(unitPrice.name)",
                                  code: .missingOption)
        }
        return Metering(allowance: allowance, unitPrice: price, overage: overage)
    }
}
