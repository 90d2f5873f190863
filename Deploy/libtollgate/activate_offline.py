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
import ctypes.util
import os
import sys

OK = 0
NOW = -1


def load_library():
    path = os.environ.get("TOLLGATE_LIBRARY") or ctypes.util.find_library("tollgate")
    if not path:
        sys.exit("libtollgate not found: install it or set TOLLGATE_LIBRARY")
    lib = ctypes.CDLL(path)
    handle, text, status, i64 = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_int64
    signatures = {
        "tollgate_status_name": ([status], text),
        "tollgate_create": ([ctypes.POINTER(handle)], status),
        "tollgate_destroy": ([handle], None),
        "tollgate_message": ([handle], text),
        "tollgate_rule": ([handle], text),
        "tollgate_load_key_file": ([handle, text], status),
        "tollgate_create_wallet": ([handle, text, text], status),
        "tollgate_open_wallet": ([handle, text], status),
        "tollgate_import_license": ([handle, text, i64], status),
        "tollgate_write_activation_request": ([handle, text, text, i64], status),
        "tollgate_install_response": ([handle, text, i64], status),
        "tollgate_machine_fingerprint": ([handle, text, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)], status),
    }
    for name, (arguments, result) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = arguments
        function.restype = result
    return lib


def fingerprint(lib, handle):
    """The open wallet's fingerprint: asks for the length first, then fills a buffer that size."""
    length = ctypes.c_size_t()
    lib.tollgate_machine_fingerprint(handle, None, None, 0, ctypes.byref(length))
    buffer = ctypes.create_string_buffer(length.value + 1)
    status = lib.tollgate_machine_fingerprint(handle, None, buffer, len(buffer), ctypes.byref(length))
    return buffer.value.decode() if status == OK else None


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
