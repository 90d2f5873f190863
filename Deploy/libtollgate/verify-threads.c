/*
 * verify-threads: verifies one license from many threads at once with libtollgate, as a server
 * that checks its license on every request does. It is how the tests hold the library to the
 * threading contract of tollgate.h under ThreadSanitizer, and to "no leak" under LeakSanitizer.
 *
 *   cc -pthread verify-threads.c $(pkg-config --cflags --libs tollgate) -o verify-threads
 *   verify-threads [--threads N] [--calls N] [--tampered LICENSE.json] [--share-handles] [--no-destroy]
 *                  VENDOR-KEY.pem LICENSE.json ACTIVATION.jws MACHINE-KEY NOW
 *
 * Each thread (default 8) makes its own handle, as the contract asks, from the one vendor key
 * text read once and shared read-only, opens the license and activation, names the machine and
 * then makes --calls calls (default 1000 per thread), started together: tollgate_verify must say
 * TOLLGATE_OK; every 16th call also asks tollgate_feature_enabled, tollgate_state,
 * tollgate_version and tollgate_status_name. With --tampered, every other call verifies that
 * license on a second handle too, which must fail with rule "bad_signature": the failure path
 * (messages, rules) is exercised as often as the good one.
 *
 * Two options break the contract on purpose, so the tests can see the sanitizers catch it:
 * --share-handles gives all threads the same two handles (ThreadSanitizer must report a race),
 * --no-destroy never calls tollgate_destroy (LeakSanitizer must report the handles).
 *
 * Prints "threads:", "calls:" (verifications made in all), "wrong:" (verdicts that were not the
 * expected one, with the first shown), and "rss growth kb:" (resident memory at the end less after
 * the first tenth of the calls; a leak of even 40 bytes a call shows here). Exits 0 when every
 * verdict was right, 1 when one was not, 2 on misuse.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tollgate.h>

struct job {
    const char *pem, *license, *activation, *machine, *tampered;
    int64_t now, calls;
    /* With --share-handles: the handles every thread uses, made by main. */
    tollgate *shared_good, *shared_bad;
    int destroy;
    pthread_barrier_t *start;
    /* Written by the thread, read by main after pthread_join. */
    int64_t made, wrong;
    char first_wrong[512];
};

static pthread_mutex_t rss_lock = PTHREAD_MUTEX_INITIALIZER;
static long rss_after_warm_up_kb = -1;

static long resident_kb(void) {
    FILE *file = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (!file) return -1;
    if (fscanf(file, "%ld %ld", &size, &resident) != 2) resident = -1;
    fclose(file);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static char *read_text(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (text && fread(text, 1, (size_t)size, file) != (size_t)size) { free(text); text = NULL; }
    if (text) text[size] = '\0';
    fclose(file);
    return text;
}

static void note_wrong(struct job *job, const char *what, tollgate *handle, tollgate_status status) {
    if (job->wrong++ == 0) {
        const char *name = tollgate_status_name(status);
        snprintf(job->first_wrong, sizeof job->first_wrong, "%s: %s, rule \"%s\": %s", what, name ? name : "?",
                 handle ? tollgate_rule(handle) : "", handle ? tollgate_message(handle) : "");
    }
}

/* A handle with the key, a license and (when not NULL) the activation of the named machine. */
static tollgate *open_handle(struct job *job, const char *license, const char *activation) {
    tollgate *handle = NULL;
    tollgate_status status = tollgate_create(&handle);
    if (status != TOLLGATE_OK) { note_wrong(job, "create", NULL, status); return NULL; }
    if ((status = tollgate_load_key_pem(handle, job->pem)) != TOLLGATE_OK ||
        (status = tollgate_open_license(handle, license, activation)) != TOLLGATE_OK ||
        (activation && (status = tollgate_set_machine(handle, job->machine, NULL)) != TOLLGATE_OK)) {
        note_wrong(job, "open", handle, status);
        tollgate_destroy(handle);
        return NULL;
    }
    return handle;
}

static void *run(void *argument) {
    struct job *job = argument;
    int own = job->shared_good == NULL;
    tollgate *good = own ? open_handle(job, job->license, job->activation) : job->shared_good;
    tollgate *bad = !job->tampered ? NULL : own ? open_handle(job, job->tampered, NULL) : job->shared_bad;
    pthread_barrier_wait(job->start);
    if (!good || (job->tampered && !bad)) goto done;
    for (int64_t call = 0; call < job->calls; call++) {
        tollgate_status status = tollgate_verify(good, job->now);
        job->made++;
        if (status != TOLLGATE_OK || *tollgate_message(good) || *tollgate_rule(good)) note_wrong(job, "verify", good, status);
        if (bad && call % 2 == 0) {
            status = tollgate_verify_license(bad, job->now);
            job->made++;
            if (status != TOLLGATE_VERIFICATION_FAILED || strcmp(tollgate_rule(bad), "bad_signature") != 0 || !*tollgate_message(bad))
                note_wrong(job, "tampered", bad, status);
        }
        if (call % 16 == 0) {
            int32_t enabled = -1, state = -1;
            int64_t days_left = -2;
            if ((status = tollgate_feature_enabled(good, "no-such-feature", job->now, &enabled)) != TOLLGATE_OK || enabled != 0)
                note_wrong(job, "feature_enabled", good, status);
            if ((status = tollgate_state(good, job->now, 14, &state, &days_left)) != TOLLGATE_OK || state < 0 || days_left < -1)
                note_wrong(job, "state", good, status);
            if (strchr(tollgate_version(), '.') == NULL || strcmp(tollgate_status_name(TOLLGATE_OK), "ok") != 0)
                note_wrong(job, "version", NULL, TOLLGATE_OK);
            job->made += 2;
        }
        if (call == job->calls / 10) {
            pthread_mutex_lock(&rss_lock);
            long now = resident_kb();
            if (now > rss_after_warm_up_kb) rss_after_warm_up_kb = now;
            pthread_mutex_unlock(&rss_lock);
        }
    }
done:
    if (own && job->destroy) {
        tollgate_destroy(bad);
        tollgate_destroy(good);
    }
    return NULL;
}

static int usage(void) {
    fprintf(stderr, "usage: verify-threads [--threads N] [--calls N] [--tampered LICENSE.json] [--share-handles] [--no-destroy]\n"
                    "                      VENDOR-KEY.pem LICENSE.json ACTIVATION.jws MACHINE-KEY NOW\n");
    return 2;
}

int main(int argc, char **argv) {
    long threads = 8;
    int64_t calls = 1000;
    const char *tampered = NULL, *positional[5];
    int positional_count = 0, share = 0, destroy = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--calls") && i + 1 < argc) calls = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--tampered") && i + 1 < argc) tampered = argv[++i];
        else if (!strcmp(argv[i], "--share-handles")) share = 1;
        else if (!strcmp(argv[i], "--no-destroy")) destroy = 0;
        else if (argv[i][0] != '-' && positional_count < 5) positional[positional_count++] = argv[i];
        else return usage();
    }
    if (positional_count != 5 || threads < 1 || threads > 256 || calls < 1) return usage();
    char *pem = read_text(positional[0]);
    if (!pem) { fprintf(stderr, "verify-threads: cannot read %s\n", positional[0]); return 2; }

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    struct job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    if (!jobs || !ids) return 2;
    struct job shared = {.pem = pem, .machine = positional[3]};
    if (share) {
        shared.shared_good = open_handle(&shared, positional[1], positional[2]);
        shared.shared_bad = tampered ? open_handle(&shared, tampered, NULL) : NULL;
        if (shared.wrong) { printf("first wrong: %s\n", shared.first_wrong); return 1; }
    }
    for (long t = 0; t < threads; t++) {
        jobs[t] = (struct job){.pem = pem, .license = positional[1], .activation = positional[2], .machine = positional[3],
                               .tampered = tampered, .now = strtoll(positional[4], NULL, 10), .calls = calls, .start = &start,
                               .shared_good = shared.shared_good, .shared_bad = shared.shared_bad, .destroy = destroy};
        if (pthread_create(&ids[t], NULL, run, &jobs[t]) != 0) { fprintf(stderr, "verify-threads: pthread_create failed\n"); return 2; }
    }
    int64_t made = 0, wrong = 0;
    const char *first = NULL;
    for (long t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        made += jobs[t].made;
        wrong += jobs[t].wrong;
        if (!first && jobs[t].wrong) first = jobs[t].first_wrong;
    }
    long end_kb = resident_kb();
    printf("threads: %ld\ncalls: %lld\nwrong: %lld\n", threads, (long long)made, (long long)wrong);
    if (first) printf("first wrong: %s\n", first);
    printf("rss growth kb: %ld\n", rss_after_warm_up_kb < 0 || end_kb < 0 ? 0 : end_kb - rss_after_warm_up_kb);
    if (destroy) {
        tollgate_destroy(shared.shared_bad);
        tollgate_destroy(shared.shared_good);
    }
    pthread_barrier_destroy(&start);
    free(jobs);
    free(ids);
    free(pem);
    return wrong == 0 && made > 0 ? 0 : 1;
}
