#!/usr/bin/env bash
# The randomized fault schedule of FaultScheduleIT at a larger scale than CI's 50 faults: a real signer on a
# socat pty, serve on loopback and publish, stopped and killed at random points between random releases and
# submissions, then issue 25's invariants. RUNS faults per schedule (default 300), SCHEDULES schedules (default 3),
# each with its own seed, printed so that a failing one can be replayed: SEED=... RUNS=... bench/faults.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-300}"
schedules="${SCHEDULES:-3}"
for i in $(seq 1 "$schedules"); do
  seed="${SEED:-$(date +%s%N)}"
  echo "schedule $i of $schedules: $runs faults, seed $seed"
  nice ./mvnw -q -B -pl buildchain-cli -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=FaultScheduleIT -Dfailsafe.failIfNoSpecifiedTests=false -Dfaults.runs="$runs" -Dfaults.seed="$seed"
done
