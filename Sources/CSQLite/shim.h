#ifndef TOLLGATE_CSQLITE_SHIM_H
#define TOLLGATE_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it. */
static inline sqlite3_destructor_type tollgate_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
/* sqlite3_config is variadic. */
static inline int tollgate_sqlite3_config_single_thread_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}
#endif
