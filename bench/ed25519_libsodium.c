/* Ed25519 verifications per second with libsodium, on a 336-byte message like a block's signed part. */
#include <sodium.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
    if (sodium_init() < 0) return 1;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char msg[336], sig[crypto_sign_BYTES];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(msg, sizeof msg);
    crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    long bad0 = 0; /* warm-up */
    for (int i = 0; i < 2000; i++) bad0 += crypto_sign_verify_detached(sig, msg, sizeof msg, pk) != 0;
    long n = 0, bad = 0;
    double start = now(), elapsed;
    do {
        for (int i = 0; i < 1000; i++) bad += crypto_sign_verify_detached(sig, msg, sizeof msg, pk) != 0;
        n += 1000;
    } while ((elapsed = now() - start) < 5.0);
    printf("libsodium %s verify: %.0f ops/s (%ld verifications, %ld failed)\n", sodium_version_string(), n / elapsed, n, bad);
    n = 0;
    start = now();
    do {
        for (int i = 0; i < 1000; i++) crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
        n += 1000;
    } while ((elapsed = now() - start) < 5.0);
    printf("libsodium %s sign:   %.0f ops/s\n", sodium_version_string(), n / elapsed);
    return bad + bad0 != 0;
}
