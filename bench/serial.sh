#!/usr/bin/env bash
# Signing round trips over a socat pty pair versus the line-rate limit at the configured baud.
# Usage: bench/serial.sh [REQUESTS (1000)] [BAUD (57600)]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v socat >/dev/null || { echo "needs socat (apt-get install socat)" >&2; exit 1; }
./mvnw -q -B -DskipTests package -pl buildchain-bench -am
java -cp buildchain-bench/target/benchmarks.jar io.buildchain.bench.SerialRoundTrip "${1:-1000}" "${2:-57600}"
