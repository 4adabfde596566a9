#!/usr/bin/env bash
# verify --url on a store of BLOCKS blocks (default 100 000) built in-process with a software signer, through a
# counting loopback proxy in front of buildchain serve: requests, bytes and time of a first verify, an unchanged
# tail, the next verify after one more release and after 100 more, beside today's walk (log hidden, no cache).
# Goals at 100 000 blocks: first <= 12 requests and <= 100 KB beside the release's files, incremental <= 6,
# unchanged <= 2. SKIP_WALK=1 leaves out the walk, which makes one request per block.
set -euo pipefail
cd "$(dirname "$0")/.."
blocks="${BLOCKS:-100000}"
work="${BENCH_DIR:-$PWD/target/bench-log}"
rm -rf "$work" && mkdir -p "$work"
./mvnw -q -B -DskipTests package -pl buildchain-bench -am
java -Dbench.skipWalk="${SKIP_WALK:-false}" -cp buildchain-bench/target/benchmarks.jar \
  io.buildchain.bench.LogBenchmark "$blocks" "$work"
