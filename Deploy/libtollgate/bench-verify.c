/*
 * bench-verify: times tollgate_verify through libtollgate's C ABI, for `tollgate-bench library`,
 * which compiles it against an installed library and sets its rate against the Swift verifier's
 * in the same run.
 *
 *   cc -O2 bench-verify.c $(pkg-config --cflags --libs tollgate) -o bench-verify
 *   bench-verify VENDOR-KEY.pem LICENSE.json ACTIVATION.jws MACHINE-KEY NOW
 *
 * Opens the license and activation once, as a product does at start-up, then reads one number N
 * a line from standard input and answers each with "N CPU-NANOSECONDS": the processor time N
 * tollgate_verify calls took (CPU time, not wall time: on a busy host the wait for a core is not
 * the library's), each of which must return TOLLGATE_OK. The process stays up between rounds, so a
 * round times the calls alone, not starting the process or loading the library. Exits 0 at the
 * end of input, 1 when a call fails (its status and message on standard error), 2 on misuse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <tollgate.h>

static int64_t cpu_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: bench-verify VENDOR-KEY.pem LICENSE.json ACTIVATION.jws MACHINE-KEY NOW\n");
        return 2;
    }
    int64_t now = strtoll(argv[5], NULL, 10);
    tollgate *handle = NULL;
    tollgate_status status = tollgate_create(&handle);
    if (status == TOLLGATE_OK) status = tollgate_load_key_file(handle, argv[1]);
    if (status == TOLLGATE_OK) status = tollgate_open_license(handle, argv[2], argv[3]);
    if (status == TOLLGATE_OK) status = tollgate_set_machine(handle, argv[4], NULL);
    if (status == TOLLGATE_OK) status = tollgate_verify(handle, now);
    if (status != TOLLGATE_OK) {
        fprintf(stderr, "bench-verify: %s: %s\n", tollgate_status_name(status), handle ? tollgate_message(handle) : "");
        return 1;
    }
    long long calls;
    while (scanf("%lld", &calls) == 1) {
        int64_t start = cpu_nanoseconds();
        for (long long call = 0; call < calls; call++) {
            if ((status = tollgate_verify(handle, now)) != TOLLGATE_OK) {
                fprintf(stderr, "bench-verify: call %lld: %s: %s\n", call, tollgate_status_name(status), tollgate_message(handle));
                return 1;
            }
        }
        printf("%lld %lld\n", calls, (long long)(cpu_nanoseconds() - start));
        fflush(stdout);
    }
    tollgate_destroy(handle);
    return 0;
}
