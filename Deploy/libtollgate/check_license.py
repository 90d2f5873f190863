#!/usr/bin/env python3
"""check_license.py: checks a Tollgate license offline with libtollgate through ctypes, as a
vendor's Python product does at start-up. The same arguments and output as check-license.c:

  check_license.py [options] VENDOR-KEY.pem LICENSE.json [ACTIVATION.jws --machine MACHINE-KEY]
  check_license.py [options] VENDOR-KEY.pem --wallet DIR

options: --now UNIX-SECONDS, --revocation FILE, --feature NAME, --warning-days N (default 14),
--release-date UNIX-SECONDS (the running release, checked against the license's maintenance).
The library is TOLLGATE_LIBRARY when set, else libtollgate found the system's way
(ldconfig, LD_LIBRARY_PATH). Exits 0 when the license verifies, 1 when not, 2 on misuse.
"""
import argparse
import ctypes
import sys

from tollgate import NOW, OK, STATES, UNLIMITED, load_library


def main():
    parser = argparse.ArgumentParser(description="Check a Tollgate license offline with libtollgate.")
    parser.add_argument("--now", type=int, default=NOW)
    parser.add_argument("--revocation", action="append", default=[])
    parser.add_argument("--feature", action="append", default=[])
    parser.add_argument("--warning-days", type=int, default=14)
    parser.add_argument("--release-date", type=int)
    parser.add_argument("--wallet")
    parser.add_argument("--machine")
    parser.add_argument("key")
    parser.add_argument("license", nargs="?")
    parser.add_argument("activation", nargs="?")
    # A machine key is base64url and may start with "-", which argparse takes for an option.
    argv, given = [], iter(sys.argv[1:])
    for argument in given:
        argv.append("--machine=" + next(given, "") if argument == "--machine" else argument)
    args = parser.parse_args(argv)
    if (args.wallet is None) == (args.license is None) or (args.activation is None) != (args.machine is None):
        parser.print_usage(sys.stderr)
        return 2
    lib = load_library()
    print("libtollgate", lib.tollgate_version().decode())

    handle = ctypes.c_void_p()
    if lib.tollgate_create(ctypes.byref(handle)) != OK:
        return 1
    try:
        activated = args.wallet is not None or args.activation is not None
        status = lib.tollgate_load_key_file(handle, args.key.encode())
        if status == OK and args.wallet:
            status = lib.tollgate_open_wallet(handle, args.wallet.encode())
        if status == OK and not args.wallet:
            activation = args.activation.encode() if args.activation else None
            status = lib.tollgate_open_license(handle, args.license.encode(), activation)
        if status == OK and args.machine:
            status = lib.tollgate_set_machine(handle, args.machine.encode(), None)
        for path in args.revocation:
            if status == OK:
                with open(path, "rb") as file:
                    status = lib.tollgate_add_revocation(handle, file.read().strip(), args.now)
        if status == OK:
            if not activated:
                status = lib.tollgate_verify_license(handle, args.now)
            elif args.release_date is not None:
                status = lib.tollgate_verify_release(handle, args.release_date, args.now)
            else:
                status = lib.tollgate_verify(handle, args.now)
        print("status:", lib.tollgate_status_name(status).decode())
        if status != OK:
            if lib.tollgate_rule(handle):
                print("rule:", lib.tollgate_rule(handle).decode())
                print("object:", lib.tollgate_object(handle).decode())
            print("message:", lib.tollgate_message(handle).decode())
        state, days_left = ctypes.c_int32(), ctypes.c_int64()
        # The state is known after an expiry too: "expired".
        if activated and lib.tollgate_state(handle, args.now, args.warning_days, ctypes.byref(state), ctypes.byref(days_left)) == OK:
            print("state:", STATES.get(state.value, "unknown"))
            print("days left:", "unlimited" if days_left.value == UNLIMITED else days_left.value)
        if status != OK:
            return 1
        if activated:
            for feature in args.feature:
                enabled = ctypes.c_int32()
                if lib.tollgate_feature_enabled(handle, feature.encode(), args.now, ctypes.byref(enabled)) == OK:
                    print(f"feature {feature}:", "enabled" if enabled.value else "disabled")
        return 0
    finally:
        lib.tollgate_destroy(handle)


if __name__ == "__main__":
    sys.exit(main())
