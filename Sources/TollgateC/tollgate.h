/*
 * tollgate.h: the offline license check of Tollgate for C, C++, Python (ctypes), Go (cgo), Rust.
 *
 * Link with -ltollgate (pkg-config tollgate). The library carries the Swift runtime inside; it
 * needs only libc, libstdc++ and OpenSSL's libcrypto at run time.
 *
 * Conventions every call follows:
 * - Every call but the string getters and tollgate_destroy returns a tollgate_status;
 *   TOLLGATE_OK (0) is success. After a failure tollgate_message() says what went wrong and, when a
 *   signed object failed verification, tollgate_rule() names the verifier's rule (the same names as
 *   the test vectors in Certificates/vectors and the Swift verifier, e.g. "expired",
 *   "machine_mismatch") and tollgate_object() the object that broke it.
 * - Strings returned by the library belong to it: those read from a handle stay valid until the
 *   next call on that handle or tollgate_destroy; tollgate_version() and tollgate_status_name()
 *   return strings that live as long as the process. Strings the library writes for you go into
 *   your buffer (see tollgate_machine_fingerprint). Nothing you receive needs freeing except the
 *   handle, with tollgate_destroy.
 * - Times are Unix seconds; TOLLGATE_NOW stands for the system clock.
 *
 * Threading contract:
 * - Any number of threads may call the library at once, each on its own handle: handles share
 *   no state the caller can see, and what the library keeps for the whole process (the Swift
 *   runtime's caches, OpenSSL) is guarded inside it. Give each thread its own handle, made from
 *   the same key text.
 * - One handle is used by one thread at a time. A handle holds the last call's message, rule and
 *   object, and every call (tollgate_verify too) replaces them, so calls on one handle from two
 *   threads at once are a data race even when both only verify. Guard a shared handle with your
 *   own mutex, held from the call until you have read or copied its strings. A handle may move
 *   between threads, as long as one call ends before the next begins.
 * - tollgate_version and tollgate_status_name may be called from any thread at any time, also
 *   with no handle; their strings never change.
 * - Several handles, in this process or others, may open the same wallet and verify from it at
 *   once: the library replaces a wallet's files atomically, so a reader sees each file whole,
 *   before or after a change. Calls that change a wallet (tollgate_create_wallet,
 *   tollgate_import_license, tollgate_add_revocation with a wallet open,
 *   tollgate_install_response) are not serialized across handles: run at most one at a time.
 * - Nothing is allocated per call that outlives the call, except the strings a handle keeps
 *   (freed by the next call or tollgate_destroy): verifying in a loop does not grow memory.
 * Deploy/libtollgate/verify-threads.c verifies from 8 threads at once; the tests run it under
 * ThreadSanitizer and LeakSanitizer.
 *
 * The numbers of statuses and states are ABI: they never change, new ones are only added.
 */
#ifndef TOLLGATE_H
#define TOLLGATE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque handle: the vendor's key, the license, this machine, and the last call's failure. */
typedef struct tollgate tollgate;

typedef int32_t tollgate_status;
#define TOLLGATE_OK                  0
#define TOLLGATE_FAILED              1  /* a failure without a status of its own; read the message */
#define TOLLGATE_INVALID_ARGUMENT    2  /* NULL, not UTF-8, a negative time, or a call out of order */
#define TOLLGATE_BUFFER_TOO_SMALL    3  /* the length needed was written; call again with more room */
#define TOLLGATE_FILE_ACCESS         4  /* a file could not be read or written */
#define TOLLGATE_MALFORMED           5  /* a file or object is not in the expected form */
#define TOLLGATE_VERIFICATION_FAILED 6  /* tollgate_rule() names the rule that failed */
#define TOLLGATE_NOT_ACTIVATED       7  /* no license, or no activation of this machine, is there */
#define TOLLGATE_MACHINE_ID_MISSING  8  /* /etc/machine-id holds no id (run systemd-machine-id-setup) */
#define TOLLGATE_WALLET_MISSING      9  /* the directory is not a machine wallet */
#define TOLLGATE_WALLET_CONFLICT     10 /* the wallet is for another vendor key or product */
#define TOLLGATE_PRODUCT_MISMATCH    11 /* the license or response is for another product */
#define TOLLGATE_RECEIPT_MISMATCH    12 /* the response is not for this machine or its activation */
#define TOLLGATE_ACTIVATION_HELD     13 /* this machine holds an activation of another license */
#define TOLLGATE_CRYPTO              14 /* signing or key handling failed */

/* Pass as `now` to use the system clock. */
#define TOLLGATE_NOW ((int64_t)-1)

/* License states (tollgate_state). A license may declare its expiry behaviour: a warning window,
 * a grace period after it ends, then lock (expired) or downgrade to a tier of fewer features. */
#define TOLLGATE_STATE_ACTIVE     0 /* verifies, and does not end within the warning window */
#define TOLLGATE_STATE_EXPIRING   1 /* verifies, and ends within the warning window */
#define TOLLGATE_STATE_EXPIRED    3 /* the license or this machine's activation has expired */
#define TOLLGATE_STATE_GRACE      2 /* ended, inside its grace period: still every feature */
#define TOLLGATE_STATE_DOWNGRADED 4 /* past its grace period: only the downgrade tier's features */

/* days_left when neither the license nor the activation ends. */
#define TOLLGATE_UNLIMITED ((int64_t)-1)

/* The library's version, "MAJOR.MINOR.PATCH"; MAJOR is the soname's number. */
const char *tollgate_version(void);

/* The snake_case name of a status ("ok", "verification_failed", ...), for logs; NULL for a
 * number that is no status. */
const char *tollgate_status_name(tollgate_status status);

/* Makes a handle and stores it in *out. Free it with tollgate_destroy. */
tollgate_status tollgate_create(tollgate **out);

/* Frees the handle and every string read from it. NULL is ignored. */
void tollgate_destroy(tollgate *handle);

/* What the last call on the handle failed with, "code: reason"; "" after a success. */
const char *tollgate_message(const tollgate *handle);

/* The verifier's rule that failed in the last call ("expired", "bad_signature", ...); "" when
 * the last call did not fail verification. Compare rules, not messages: messages may change. */
const char *tollgate_rule(const tollgate *handle);

/* Which object broke the rule, e.g. "license (Muster GmbH)", "activation (serial 1002)",
 * "certificate[1] (ra-dach)"; "" when there is no rule. */
const char *tollgate_object(const tollgate *handle);

/* Loads the vendor's Ed25519 public key from PEM text (NUL-terminated). Every verification runs
 * against this key only: build it into your product rather than reading it from the customer's
 * disk, where it could be replaced together with a forged license. */
tollgate_status tollgate_load_key_pem(tollgate *handle, const char *pem);

/* Loads the vendor's public key from a PEM file. */
tollgate_status tollgate_load_key_file(tollgate *handle, const char *path);

/* Opens a license file (JSON: format, chain, license) and, when activation_path is not NULL,
 * this machine's activation (the compact JWS a node or reseller issued). Both are read and
 * parsed now and verified by each later call; nothing is written. */
tollgate_status tollgate_open_license(tollgate *handle, const char *license_path, const char *activation_path);

/* Names this machine for an activation opened with tollgate_open_license: its Ed25519 key
 * (base64url of the raw 32 bytes) and, when not NULL, its fingerprint for the product
 * (tollgate_machine_fingerprint). An activation bound to another key or fingerprint then fails
 * with rule "machine_mismatch". A wallet names its machine itself. */
tollgate_status tollgate_set_machine(tollgate *handle, const char *machine_key, const char *fingerprint);

/* Opens the machine wallet in `directory` (made by `tollgate machine init` or
 * tollgate_create_wallet): its license, activation, revocations and this machine's key and
 * fingerprint. Load the vendor's key first: a wallet made for another key is refused with
 * TOLLGATE_WALLET_CONFLICT. */
tollgate_status tollgate_open_wallet(tollgate *handle, const char *directory);

/* Makes `directory` a machine wallet for `product` of the loaded vendor key, with a new machine
 * key, and opens it. An existing wallet for the same key and product is kept and opened. */
tollgate_status tollgate_create_wallet(tollgate *handle, const char *directory, const char *product);

/* Verifies the license file at `path` at `now` (as tollgate_verify_license does) and stores it in
 * the open wallet, for tollgate_write_activation_request. A license of another product is
 * refused with TOLLGATE_PRODUCT_MISMATCH, and one of another license while this machine holds an
 * unexpired activation with TOLLGATE_ACTIVATION_HELD. */
tollgate_status tollgate_import_license(tollgate *handle, const char *path, int64_t now);

/* Holds a revocation (compact JWS) for every later verification: of a certificate, or of one
 * license (a refund, fraud or chargeback, refused from its effective time as license_revoked).
 * With a wallet open it is recorded in the wallet when it is a valid revocation of the installed
 * license's chain or of the license itself, judged at `now`; with license files the handle keeps
 * it until destroyed. */
tollgate_status tollgate_add_revocation(tollgate *handle, const char *revocation, int64_t now);

/* Verifies the license alone at `now`: the whole chain from the vendor's key, every attenuation
 * rule, the license inside its certificate (seats, territory, product, features, price),
 * its validity window and the revocations held. No activation or machine is looked at. */
tollgate_status tollgate_verify_license(tollgate *handle, int64_t now);

/* Verifies offline that this machine may run the product at `now`: everything
 * tollgate_verify_license checks, then that the activation names the license, is signed by its
 * issuer or an ancestor, lies within its seats and territory, has not expired and is bound to
 * this machine. TOLLGATE_NOT_ACTIVATED when the license verifies but no activation is there. */
tollgate_status tollgate_verify(tollgate *handle, int64_t now);
/* Verifies as tollgate_verify does at `now`, then that the license's maintenance covers the
 * running product version, released at `release_date` (Unix seconds; the date your build
 * carries): a perpetual license with updates_until accepts releases dated on or before it and
 * fails a later one with rule "release_after_maintenance" (older releases keep running). A
 * license without maintenance accepts every release. */
tollgate_status tollgate_verify_release(tollgate *handle, int64_t release_date, int64_t now);

/* Sets *enabled to 1 when the license verifies for this machine at `now` (as tollgate_verify)
 * and grants `feature` in its state at `now` (a downgraded license grants only its tier's
 * features), else 0. A failed verification returns its status, with *enabled 0. */
tollgate_status tollgate_feature_enabled(tollgate *handle, const char *feature, int64_t now, int32_t *enabled);

/* The state of this machine's license at `now`, and the whole days until the state next changes
 * or the activation ends (whichever is first), TOLLGATE_UNLIMITED when neither happens. The
 * license's own warning window, grace period and downgrade decide the state; EXPIRING also when
 * an active license ends within `warning_days`. EXPIRED, with 0 days and TOLLGATE_OK, when
 * verification failed only because the license ("expired") or the activation
 * ("activation_expired") ran out; tollgate_verify returns that failure with its rule. Any other
 * failure (e.g. "clock_rolled_back" when `now` is before the wallet's latest check) is returned
 * as tollgate_verify returns it. */
tollgate_status tollgate_state(tollgate *handle, int64_t now, int64_t warning_days, int32_t *state, int64_t *days_left);

/* Writes this machine's fingerprint for `product` (base64url of a SHA-256 over the systemd
 * machine id and the product; the raw id never leaves the machine) into buffer, NUL-terminated.
 * product NULL means the open wallet's product. *length (when not NULL) receives the length
 * without the NUL, also when the buffer of `size` bytes is too small (TOLLGATE_BUFFER_TOO_SMALL). */
tollgate_status tollgate_machine_fingerprint(tollgate *handle, const char *product, char *buffer, size_t size,
                                             size_t *length);

/* Writes an offline activation request for the open wallet's license to `path`: signed by this
 * machine's key, naming `country` (ISO 3166-1 alpha-2, where the machine is). The customer
 * carries it to the reseller, whose response goes to tollgate_install_response. */
tollgate_status tollgate_write_activation_request(tollgate *handle, const char *country, const char *path, int64_t now);

/* Installs a node's or reseller's response file into the open wallet after verifying it at
 * `now`: an activation must verify with its license for this machine; a deactivation must end
 * this machine's activation. Nothing is written unless every check passes. */
tollgate_status tollgate_install_response(tollgate *handle, const char *path, int64_t now);

#ifdef __cplusplus
}
#endif

#endif /* TOLLGATE_H */
