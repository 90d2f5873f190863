#!/usr/bin/env python3
"""activate_offline.py: activates a machine by files with libtollgate (ctypes), for a machine that
never reaches the network. The customer writes a request, carries it to the reseller (who answers
it with `tollgate answer`), and installs the response; check_license.py --wallet then verifies.

  activate_offline.py request --key VENDOR.pem --wallet DIR --product ID --license LICENSE.json --country CC --out REQUEST
  activate_offline.py install --key VENDOR.pem --wallet DIR RESPONSE

The wallet is made on the first request (this machine's key and fingerprint). Prints "status:",
after a failure "rule:" and "message:", and after a request this machine's fingerprint. The
library is TOLLGATE_LIBRARY when set, else libtollgate found the system's way.
"""
import argparse
import ctypes
import sys

from tollgate import NOW, OK, fingerprint, load_library


def main():
    parser = argparse.ArgumentParser(description="Activate this machine by files with libtollgate.")
    commands = parser.add_subparsers(dest="command", required=True)
    request = commands.add_parser("request", help="write an activation request file")
    install = commands.add_parser("install", help="install the reseller's response file")
    for command in (request, install):
        command.add_argument("--key", required=True, help="the vendor's public key (PEM)")
        command.add_argument("--wallet", required=True, help="the machine wallet directory")
        command.add_argument("--now", type=int, default=NOW)
    request.add_argument("--product", required=True)
    request.add_argument("--license", required=True)
    request.add_argument("--country", required=True)
    request.add_argument("--out", required=True)
    install.add_argument("response")
    args = parser.parse_args()
    lib = load_library()

    handle = ctypes.c_void_p()
    if lib.tollgate_create(ctypes.byref(handle)) != OK:
        return 1
    try:
        status = lib.tollgate_load_key_file(handle, args.key.encode())
        if args.command == "request":
            if status == OK:
                status = lib.tollgate_create_wallet(handle, args.wallet.encode(), args.product.encode())
            if status == OK:
                status = lib.tollgate_import_license(handle, args.license.encode(), args.now)
            if status == OK:
                status = lib.tollgate_write_activation_request(handle, args.country.encode(), args.out.encode(), args.now)
        else:
            if status == OK:
                status = lib.tollgate_open_wallet(handle, args.wallet.encode())
            if status == OK:
                status = lib.tollgate_install_response(handle, args.response.encode(), args.now)
        print("status:", lib.tollgate_status_name(status).decode())
        if status != OK:
            if lib.tollgate_rule(handle):
                print("rule:", lib.tollgate_rule(handle).decode())
            print("message:", lib.tollgate_message(handle).decode())
            return 1
        if args.command == "request":
            print("fingerprint:", fingerprint(lib, handle))
        return 0
    finally:
        lib.tollgate_destroy(handle)


if __name__ == "__main__":
    sys.exit(main())
