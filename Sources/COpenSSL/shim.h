#ifndef TOLLGATE_COPENSSL_SHIM_H
#define TOLLGATE_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/// BIO_get_mem_data is a macro around BIO_ctrl; Swift does not import function-like macros.
static inline long tollgate_BIO_get_mem_data(BIO *bio, char **out) {
    return BIO_ctrl(bio, BIO_CTRL_INFO, 0, (void *)out);
}

/// SSL_CTX_set_min_proto_version is a macro around SSL_CTX_ctrl.
static inline long tollgate_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL);
}

/// SSL_CTX_set_mode is a macro around SSL_CTX_ctrl.
static inline long tollgate_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, mode, NULL);
}

/// SSL_OP_IGNORE_UNEXPECTED_EOF and SSL_OP_NO_RENEGOTIATION expand through the function-like SSL_OP_BIT.
static inline uint64_t tollgate_SSL_OP_IGNORE_UNEXPECTED_EOF(void) {
    return SSL_OP_IGNORE_UNEXPECTED_EOF;
}
static inline uint64_t tollgate_SSL_OP_NO_RENEGOTIATION(void) {
    return SSL_OP_NO_RENEGOTIATION;
}
#endif
