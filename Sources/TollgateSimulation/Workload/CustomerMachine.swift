import TollgateCertificates
import TollgateCrypto

/// One of a customer's machines: its own key (made at install, here from the run's seed, on the
/// ``MachineWorkshop``'s thread), the country it is in and the activation it holds.
struct CustomerMachine {
    let prepared: PreparedMachine
    var activation: String?
    /// The seat was given back, or the machine failed.
    var retired = false
    /// The prepared first request went to the agent: its nonce is spent, later requests are new.
    var firstRequestSent = false
    /// On a metered license, once activated: the machine's usage chain.
    var meter: UsageMeter?

    var country: String { prepared.country }

    /// The key and identity, waiting for the workshop if need be.
    func made() throws -> PreparedMachine.Made {
        try prepared.made()
    }

    /// A signed request of this machine about `license` (and `activation` for deactivation or
    /// emergency): the prepared first request when it is the one asked for, else a new one.
    mutating func request(_ action: MachineRequest.Action, license: String, activation: String? = nil, at now: Int64,
                          nonce: @autoclosure () -> String) throws -> String {
        let made = try prepared.made()
        if !firstRequestSent, let first = prepared.first, let compact = made.firstRequest,
           first.action == action, first.license == license, first.activation == activation, first.at == now {
            firstRequestSent = true
            return compact
        }
        firstRequestSent = true
        let payload = MachineRequest(action: action, license: license, activation: activation, machineKey: made.machineKey,
                                     fingerprint: made.fingerprint, platform: made.platform, country: country,
                                     iat: now, nonce: nonce())
        return try SignedMachineRequest.sign(payload, with: made.key, recordingIn: prepared.signatures).compact
    }
}
