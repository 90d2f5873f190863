import TollgateCommandLine
import TollgateNode

extension ChannelReport {
    /// The report's rows as one table for `--csv`: columns in snake_case, as `--json` names the
    /// same fields; times in Unix seconds and amounts in minor units, as on the wire. Tables about
    /// nodes carry the log size and checkpoint time each row reflects (`as_of_*`); the others are
    /// over the whole subtree, whose as-of `report` writes beside the table.
    var table: CSVTable {
        func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
        let asOf = Dictionary(self.asOf.map { ($0.node, $0) }, uniquingKeysWith: { first, _ in first })
        if let quota {
            return CSVTable(columns: ["node", "name", "parent", "allocated", "delegated", "issued", "activated", "returned",
                                      "as_of_log_size", "as_of_checkpoint_at"],
                            rows: quota.map { row in
                                [row.node, row.name, text(row.parent), "\(row.allocated)", "\(row.delegated)", "\(row.issued)", "\(row.activated)",
                                 "\(row.returned)", text(asOf[row.node]?.logSize), text(asOf[row.node]?.checkpointAt)]
                            })
        }
        if activationsByCountry != nil || activationsByPlatform != nil {
            return CSVTable(columns: ["dimension", "key", "count"],
                            rows: (activationsByCountry ?? []).map { ["country", $0.key, "\($0.count)"] }
                                + (activationsByPlatform ?? []).map { ["platform", $0.key, "\($0.count)"] })
        }
        if let conversion {
            return CSVTable(columns: ["licenses", "activated", "median_seconds", "p90_seconds", "mean_seconds"],
                            rows: [["\(conversion.licenses)", "\(conversion.activated)", text(conversion.medianSeconds),
                                    text(conversion.p90Seconds), text(conversion.meanSeconds)]])
        }
        if let models {
            return CSVTable(columns: ["model", "licenses", "seats"], rows: models.map { [$0.model, "\($0.licenses)", "\($0.seats)"] })
        }
        if let history {
            return CSVTable(columns: ["customer", "at", "event", "node", "log_index", "detail"],
                            rows: history.map { [customer ?? "", "\($0.at)", $0.event, $0.node, "\($0.logIndex)", $0.detail] })
        }
        if let freshness {
            return CSVTable(columns: ["node", "name", "status", "last_sync", "age_seconds", "sync_within", "as_of_log_size", "as_of_checkpoint_at"],
                            rows: freshness.map { row in
                                [row.node, row.name, row.status, text(row.lastSync), text(row.ageSeconds), "\(row.syncWithin)",
                                 text(asOf[row.node]?.logSize), text(asOf[row.node]?.checkpointAt)]
                            })
        }
        if let revenue {
            return CSVTable(columns: ["currency", "active_subscriptions", "monthly_recurring", "annual_recurring", "saturated"],
                            rows: revenue.map { [$0.currency, "\($0.activeSubscriptions)", "\($0.monthlyRecurring)", "\($0.annualRecurring)", "\($0.saturated)"] })
        }
        if let recurring {
            return CSVTable(columns: ["at", "dimension", "key", "node", "currency", "subscriptions", "monthly_recurring", "annual_recurring", "saturated"],
                            rows: recurring.map { row in
                                [text(recurringAt), row.dimension, row.key, text(row.node), row.currency, "\(row.subscriptions)",
                                 "\(row.monthlyRecurring)", "\(row.annualRecurring)", "\(row.saturated)"]
                            })
        }
        if let arrHistory {
            return CSVTable(columns: ["day", "at", "currency", "subscriptions", "annual_recurring", "monthly_recurring", "saturated"],
                            rows: arrHistory.map { row in
                                [row.day, "\(row.at)", row.currency, "\(row.subscriptions)", "\(row.annualRecurring)", "\(row.monthlyRecurring)", "\(row.saturated)"]
                            })
        }
        if let renewalRisk {
            return CSVTable(columns: ["state", "customer", "product", "country", "node", "name", "license", "exp", "grace_ends", "days_left",
                                      "currency", "annual_recurring", "units_before", "units_last"],
                            rows: renewalRisk.map { row in
                                [row.state, row.customer, row.product, row.country, row.node, row.name, row.license, "\(row.exp)", "\(row.graceEnds)",
                                 "\(row.daysLeft)", row.currency, "\(row.annualRecurring)", row.unitsBefore.map(String.init) ?? "",
                                 row.unitsLast.map(String.init) ?? ""]
                            })
        }
        if let forecast {
            return CSVTable(columns: ["month", "currency", "renewals", "amount", "saturated"],
                            rows: forecast.map { [$0.month, $0.currency, "\($0.renewals)", "\($0.amount)", "\($0.saturated)"] })
        }
        if let retention {
            return CSVTable(columns: ["from", "to", "currency", "customers", "churned_customers", "starting_recurring", "ending_recurring",
                                      "retained_recurring", "expansion", "contraction", "churn", "net_retention_basis_points",
                                      "gross_retention_basis_points", "renewals_due", "renewed", "saturated"],
                            rows: retention.map { row in
                                [text(window?.from), text(window?.to), row.currency, "\(row.customers)", "\(row.churnedCustomers)",
                                 "\(row.startingRecurring)", "\(row.endingRecurring)", "\(row.retainedRecurring)", "\(row.expansion)",
                                 "\(row.contraction)", "\(row.churn)", "\(row.netRetentionBasisPoints)", "\(row.grossRetentionBasisPoints)",
                                 text(renewalRate?.due), text(renewalRate?.renewed), "\(row.saturated)"]
                            })
        }
        if let usage {
            return CSVTable(columns: ["customer", "license", "node", "period", "feature", "machines", "records", "units", "allowance", "overage_units",
                                      "overage_rule", "currency", "unit_price", "overage_price", "saturated"],
                            rows: usage.map { row in
                                [row.customer, row.license, row.node, row.period, row.feature, "\(row.machines)", "\(row.records)", "\(row.units)",
                                 "\(row.allowance)", "\(row.overageUnits)", row.overageRule, row.currency, "\(row.unitPrice)", "\(row.overagePrice)",
                                 "\(row.saturated)"]
                            })
        }
        if let trials {
            return CSVTable(columns: ["product", "trials", "converted", "conversion_basis_points", "median_seconds", "mean_seconds"],
                            rows: trials.map { ["\($0.product)", "\($0.trials)", "\($0.converted)", "\($0.conversionBasisPoints)", text($0.medianSeconds), text($0.meanSeconds)] })
        }
        if let concentration {
            // One row per top customer, the currency's totals repeated on each.
            return CSVTable(columns: ["at", "currency", "customers", "annual_recurring", "top_one_basis_points", "top_ten_basis_points", "rank",
                                      "customer", "customer_annual_recurring", "share_basis_points", "saturated"],
                            rows: concentration.flatMap { row in
                                row.top.enumerated().map { rank, customer in
                                    [text(recurringAt), row.currency, "\(row.customers)", "\(row.annualRecurring)", "\(row.topOneBasisPoints)",
                                     "\(row.topTenBasisPoints)", "\(rank + 1)", customer.customer, "\(customer.annualRecurring)",
                                     "\(customer.shareBasisPoints)", "\(row.saturated)"]
                                }
                            })
        }
        if let piracy {
            return CSVTable(columns: ["node", "name", "parent", "from", "to", "refused", "over_activation_attempts", "over_leasing_attempts", "forgeries",
                                      "hidden_issuance", "over_activation_findings", "lease_oversubscribed_findings", "open_findings", "refused_by_code", "lenient_over_use",
                                      "as_of_log_size", "as_of_checkpoint_at"],
                            rows: piracy.map { row in
                                [row.node, row.name, text(row.parent), text(window?.from), text(window?.to), "\(row.refused)", "\(row.overActivationAttempts)",
                                 "\(row.overLeasingAttempts)", "\(row.forgeries)", "\(row.hiddenIssuance)", "\(row.overActivationFindings)",
                                 "\(row.leaseOversubscribedFindings)", "\(row.openFindings)", row.refusedByCode.map { "\($0.key)=\($0.count)" }.joined(separator: ";"),
                                 "\(row.lenientOverUse)", text(asOf[row.node]?.logSize), text(asOf[row.node]?.checkpointAt)]
                            })
        }
        if let features {
            return CSVTable(columns: ["at", "product", "feature", "licenses", "of", "basis_points"],
                            rows: features.map { [text(recurringAt), $0.product, $0.feature, "\($0.licenses)", "\($0.of)", "\($0.basisPoints)"] })
        }
        return CSVTable(columns: ["name", "generated_at"], rows: [[name, "\(generatedAt)"]])
    }
}
