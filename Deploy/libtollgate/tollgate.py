"""tollgate.py: the ctypes binding of tollgate.h, declared once for every Python program that
checks a Tollgate license with libtollgate (check_license.py and activate_offline.py use it).

The library is TOLLGATE_LIBRARY when set, else libtollgate found the system's way (ldconfig,
LD_LIBRARY_PATH). Each function keeps the C name and signature; see tollgate.h for what it does.
"""
import ctypes
import ctypes.util
import os
import sys

OK = 0
NOW = -1
UNLIMITED = -1
STATES = {0: "active", 1: "expiring", 2: "grace", 3: "expired", 4: "downgraded"}

_handle, _text, _status, _i64 = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_int64
_SIGNATURES = {
    "tollgate_version": ([], _text),
    "tollgate_status_name": ([_status], _text),
    "tollgate_create": ([ctypes.POINTER(_handle)], _status),
    "tollgate_destroy": ([_handle], None),
    "tollgate_message": ([_handle], _text),
    "tollgate_rule": ([_handle], _text),
    "tollgate_object": ([_handle], _text),
    "tollgate_load_key_pem": ([_handle, _text], _status),
    "tollgate_load_key_file": ([_handle, _text], _status),
    "tollgate_open_license": ([_handle, _text, _text], _status),
    "tollgate_open_wallet": ([_handle, _text], _status),
    "tollgate_create_wallet": ([_handle, _text, _text], _status),
    "tollgate_import_license": ([_handle, _text, _i64], _status),
    "tollgate_set_machine": ([_handle, _text, _text], _status),
    "tollgate_add_revocation": ([_handle, _text, _i64], _status),
    "tollgate_verify_license": ([_handle, _i64], _status),
    "tollgate_verify_release": ([_handle, _i64, _i64], _status),
    "tollgate_verify": ([_handle, _i64], _status),
    "tollgate_feature_enabled": ([_handle, _text, _i64, ctypes.POINTER(ctypes.c_int32)], _status),
    "tollgate_state": ([_handle, _i64, _i64, ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(_i64)], _status),
    "tollgate_write_activation_request": ([_handle, _text, _text, _i64], _status),
    "tollgate_install_response": ([_handle, _text, _i64], _status),
    "tollgate_machine_fingerprint": ([_handle, _text, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)], _status),
}


def load_library():
    """libtollgate with every function's argument and result types set; exits when it is missing."""
    path = os.environ.get("TOLLGATE_LIBRARY") or ctypes.util.find_library("tollgate")
    if not path:
        sys.exit("libtollgate not found: install it or set TOLLGATE_LIBRARY")
    lib = ctypes.CDLL(path)
    for name, (arguments, result) in _SIGNATURES.items():
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
