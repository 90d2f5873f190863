import TollgateCertificates
import TollgateNode

/// What a refused call threw, for tests that match error codes and rules rather than reason text.
public enum Thrown {
    /// The ``NodeError`` `body` throws; nil when it returns or throws another kind of error.
    public static func nodeError(_ body: () throws -> Void) -> NodeError? {
        do {
            try body()
            return nil
        } catch {
            return error as? NodeError
        }
    }

    /// The rule of the ``VerificationError`` `body` throws; nil when it returns.
    public static func rule(_ body: () throws(VerificationError) -> Void) -> VerificationError.Rule? {
        do throws(VerificationError) {
            try body()
            return nil
        } catch {
            return error.rule
        }
    }
}
