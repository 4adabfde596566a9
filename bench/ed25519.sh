#!/usr/bin/env bash
# Ed25519 verifications (and signatures) per second: BouncyCastle through our Block code (JMH), and
# libsodium on the same message size in the same run when libsodium-dev is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests package -pl buildchain-bench -am
java -jar buildchain-bench/target/benchmarks.jar Ed25519Benchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -rf text \
  -rff buildchain-bench/target/ed25519.txt >/dev/null
echo "BouncyCastle Ed25519 through buildchain-core (JMH, 400-byte blocks):"
cat buildchain-bench/target/ed25519.txt
# What a 10,000-block chain costs to verify (two signatures a block: the signer's and the builder request's),
# walkChain with the signatures batched over every core against the same checks one after the other.
java -jar buildchain-bench/target/benchmarks.jar ChainVerifyBenchmark -f 1 -wi 3 -i 5 -rf text \
  -rff buildchain-bench/target/chain-verify.txt >/dev/null
echo "A 10,000-block chain (ms per walk, single shot after warm-up):"
cat buildchain-bench/target/chain-verify.txt
if pkg-config --exists libsodium 2>/dev/null; then
  out=buildchain-bench/target/ed25519_libsodium
  cc -O2 -o "$out" bench/ed25519_libsodium.c $(pkg-config --cflags --libs libsodium)
  "$out"
else
  echo "libsodium comparison skipped: install it with 'apt-get install libsodium-dev pkg-config'"
fi
