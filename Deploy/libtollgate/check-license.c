/*
 * check-license: checks a Tollgate license offline with libtollgate, as a vendor's product does
 * at start-up.
 *
 *   cc check-license.c $(pkg-config --cflags --libs tollgate) -o check-license
 *   check-license [options] VENDOR-KEY.pem LICENSE.json [ACTIVATION.jws --machine MACHINE-KEY]
 *   check-license [options] VENDOR-KEY.pem --wallet DIR
 *
 * options: --now UNIX-SECONDS (default: the clock), --revocation FILE (repeatable),
 *          --feature NAME (repeatable), --warning-days N (default 14),
 *          --release-date UNIX-SECONDS (the running release, checked against the license's maintenance)
 * MACHINE-KEY is this machine's Ed25519 public key, base64url (a wallet knows its own).
 *
 * Prints "status: NAME", and after a failure "rule:", "object:" and "message:"; after a success
 * the state, the days left and each feature asked for. Exits 0 when the license verifies
 * (for this machine, when an activation or a wallet is given), 1 when it does not, 2 on misuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tollgate.h>

static char *read_text(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    char *text = NULL;
    size_t size = 0, used = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (used + n + 1 > size) {
            size = (used + n + 1) * 2;
            char *grown = realloc(text, size);
            if (!grown) { free(text); fclose(file); return NULL; }
            text = grown;
        }
        memcpy(text + used, chunk, n);
        used += n;
    }
    fclose(file);
    if (!text) text = calloc(1, 1);
    else text[used] = '\0';
    return text;
}

static int report(tollgate *handle, tollgate_status status) {
    printf("status: %s\n", tollgate_status_name(status));
    if (status != TOLLGATE_OK) {
        if (*tollgate_rule(handle)) printf("rule: %s\nobject: %s\n", tollgate_rule(handle), tollgate_object(handle));
        printf("message: %s\n", tollgate_message(handle));
    }
    return status == TOLLGATE_OK ? 0 : 1;
}

static int usage(void) {
    fprintf(stderr, "usage: check-license [--now T] [--revocation FILE]... [--feature NAME]... [--warning-days N] [--release-date T]\n"
                    "                     VENDOR-KEY.pem (LICENSE.json [ACTIVATION.jws --machine KEY] | --wallet DIR)\n");
    return 2;
}

int main(int argc, char **argv) {
    int64_t now = TOLLGATE_NOW, warning_days = 14, release_date = -1;
    const char *revocations[16], *features[16], *positional[3], *wallet = NULL, *machine = NULL;
    int revocation_count = 0, feature_count = 0, positional_count = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--now") && i + 1 < argc) now = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--warning-days") && i + 1 < argc) warning_days = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--release-date") && i + 1 < argc) release_date = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--revocation") && i + 1 < argc && revocation_count < 16) revocations[revocation_count++] = argv[++i];
        else if (!strcmp(argv[i], "--feature") && i + 1 < argc && feature_count < 16) features[feature_count++] = argv[++i];
        else if (!strcmp(argv[i], "--wallet") && i + 1 < argc) wallet = argv[++i];
        else if (!strcmp(argv[i], "--machine") && i + 1 < argc) machine = argv[++i];
        else if (argv[i][0] != '-' && positional_count < 3) positional[positional_count++] = argv[i];
        else return usage();
    }
    int with_files = positional_count == 2 || (positional_count == 3 && machine);
    if (wallet ? positional_count != 1 || machine : !with_files) return usage();
    printf("libtollgate %s\n", tollgate_version());

    tollgate *handle = NULL;
    if (tollgate_create(&handle) != TOLLGATE_OK) return 1;
    tollgate_status status = tollgate_load_key_file(handle, positional[0]);
    int activated = wallet != NULL || positional_count == 3;
    if (status == TOLLGATE_OK && wallet) status = tollgate_open_wallet(handle, wallet);
    if (status == TOLLGATE_OK && !wallet) status = tollgate_open_license(handle, positional[1], activated ? positional[2] : NULL);
    if (status == TOLLGATE_OK && !wallet && activated) status = tollgate_set_machine(handle, machine, NULL);
    for (int i = 0; status == TOLLGATE_OK && i < revocation_count; i++) {
        char *revocation = read_text(revocations[i]);
        if (!revocation) { fprintf(stderr, "cannot read %s\n", revocations[i]); tollgate_destroy(handle); return 2; }
        status = tollgate_add_revocation(handle, revocation, now);
        free(revocation);
    }
    if (status == TOLLGATE_OK) {
        if (!activated) status = tollgate_verify_license(handle, now);
        else status = release_date >= 0 ? tollgate_verify_release(handle, release_date, now) : tollgate_verify(handle, now);
    }
    int exit_code = report(handle, status);
    int32_t state = 0;
    int64_t days_left = 0;
    /* The state is known after an expiry too: TOLLGATE_STATE_EXPIRED. */
    if (activated && tollgate_state(handle, now, warning_days, &state, &days_left) == TOLLGATE_OK) {
        const char *names[] = {"active", "expiring", "grace", "expired", "downgraded"};
        printf("state: %s\n", state >= 0 && state <= 4 ? names[state] : "unknown");
        if (days_left == TOLLGATE_UNLIMITED) printf("days left: unlimited\n");
        else printf("days left: %lld\n", (long long)days_left);
    }
    if (status == TOLLGATE_OK && activated) {
        for (int i = 0; i < feature_count; i++) {
            int32_t enabled = 0;
            if (tollgate_feature_enabled(handle, features[i], now, &enabled) == TOLLGATE_OK)
                printf("feature %s: %s\n", features[i], enabled ? "enabled" : "disabled");
        }
    }
    tollgate_destroy(handle);
    return exit_code;
}
