#!/usr/bin/env bash
# Bytes moved to the Jenkins controller per release with 3 builders, against the artifact size (issue 24): before,
# every builder's output was copied at manifest time (3 copies); now only manifests, requests and buildinfos travel
# until the vote, then one agreeing builder's output once. See bench/ControllerTransfer.java for what is counted.
#   bench/controller-transfer.sh            SKIP_BUILD=1 bench/controller-transfer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="${BENCH_DIR:-$PWD/target/bench-controller-transfer}"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -DskipTests package -pl buildchain-cli -am
rm -rf "$work" && mkdir -p "$work"
java -cp "$PWD/buildchain-cli/target/buildchain.jar" bench/ControllerTransfer.java "$work"
rm -rf "$work"
