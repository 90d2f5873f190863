// Offline verification: the license alone, the license for this machine, a feature, the state.

@_cdecl("tollgate_verify_license")
public func tollgate_verify_license(_ handle: OpaquePointer?, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        _ = try handle.verifyLicense(at: CallArguments.time(now))
    }
}

@_cdecl("tollgate_verify")
public func tollgate_verify(_ handle: OpaquePointer?, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        _ = try handle.verifyForMachine(at: CallArguments.time(now))
    }
}

@_cdecl("tollgate_verify_release")
public func tollgate_verify_release(_ handle: OpaquePointer?, _ releaseDate: Int64, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        guard releaseDate >= 0 else { throw LibraryError(.invalidArgument, "release_date is \(releaseDate), it must be 0 or more") }
        _ = try handle.verifyRelease(releaseDate, at: CallArguments.time(now))
    }
}

@_cdecl("tollgate_feature_enabled")
public func tollgate_feature_enabled(_ handle: OpaquePointer?, _ feature: UnsafePointer<CChar>?, _ now: Int64,
                                     _ enabled: UnsafeMutablePointer<Int32>?) -> Int32 {
    enabled?.pointee = 0
    return CallArguments.call(handle) { (handle) throws(LibraryError) in
        let feature = try CallArguments.text(feature, "feature")
        guard enabled != nil else { throw LibraryError(.invalidArgument, "enabled is NULL") }
        let verified = try handle.verifyForMachine(at: CallArguments.time(now))
        try CallArguments.store(verified.standing.enables(feature) ? 1 : 0, enabled, "enabled")
    }
}

@_cdecl("tollgate_state")
public func tollgate_state(_ handle: OpaquePointer?, _ now: Int64, _ warningDays: Int64,
                           _ state: UnsafeMutablePointer<Int32>?, _ daysLeft: UnsafeMutablePointer<Int64>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        guard state != nil, daysLeft != nil else { throw LibraryError(.invalidArgument, "state and days_left must not be NULL") }
        guard warningDays >= 0 else { throw LibraryError(.invalidArgument, "warning_days is \(warningDays), it must be 0 or more") }
        let at = try CallArguments.time(now)
        let result: LicenseState
        do throws(LibraryError) {
            result = LicenseState(try handle.verifyForMachine(at: at), at: at, warningDays: warningDays)
        } catch {
            guard let verification = error.verification, let expired = LicenseState(failure: verification) else { throw error }
            result = expired
        }
        try CallArguments.store(result.state, state, "state")
        try CallArguments.store(result.daysLeft, daysLeft, "days_left")
    }
}
