#!/usr/bin/env bash
# buildchain diff versus diffoscope on the same pairs of ~50 MB jars with thousands of entries, built the way
# the three usual reproducibility bugs build them: umask 077, TZ=America/Los_Angeles, JDK 25 instead of 17.
# Prints, per pair, both tools' wall time, CPU time and output size, plus the time to just inflate one jar
# (unzip -p), so what buildchain spends beyond reading the jars can be read off.
# diffoscope is the Debian package; it is installed if missing (set NO_INSTALL=1 to skip it instead).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${BENCH_DIR:-$PWD/target/bench-diff}"
entries="${ENTRIES:-4000}"
./mvnw -q -B -DskipTests package -pl buildchain-cli -am
jar="$PWD/buildchain-cli/target/buildchain.jar"

if ! command -v diffoscope >/dev/null; then
  if [ "${NO_INSTALL:-}" = 1 ]; then
    echo "diffoscope is not installed: its side is skipped (apt-get install diffoscope)"
  else
    echo "installing diffoscope (Debian package) for the comparison…"
    apt-get install -y -q --no-install-recommends diffoscope >/dev/null
  fi
fi

mkdir -p "$work"
python3 - "$work" "$entries" <<'PY'
import os, random, sys, time, zipfile
work, count = sys.argv[1], int(sys.argv[2])
source_time = (2026, 11, 30, 15, 11, 12)
def build(path, jdk="17", mode=0o644, shift_hours=0):
    rnd = random.Random(1)
    t = time.struct_time(source_time + (0, 0, 0))
    stamp = time.localtime(time.mktime(t) - shift_hours * 3600)[:6]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name, data, m):
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = (0o100000 | m) << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
        put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: Maven JAR Plugin 3.4.1\r\n"
            "Build-Jdk-Spec: %s\r\n\r\n" % jdk, mode)
        for i in range(count):
            # class-like entries: a header with the major version, then mostly incompressible bytes
            body = rnd.randbytes(12000)
            major = 61 if jdk == "17" or i % 200 != 0 else 69
            header = bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, major])
            put("org/example/p%d/C%d.class" % (i % 50, i), header + body, mode)
            if i % 10 == 0:
                put("org/example/p%d/messages%d.properties" % (i % 50, i), "key%d=value %d\n" % (i, i) * 40, mode)
for name in ("umask", "tz", "jdk"):
    build(os.path.join(work, name, "a", "lib.jar"))
build(os.path.join(work, "umask", "b", "lib.jar"), mode=0o600)
build(os.path.join(work, "tz", "b", "lib.jar"), shift_hours=7)
build(os.path.join(work, "jdk", "b", "lib.jar"), jdk="25")
PY

cpu() { tail -1 "$1" | awk '{print $2 + $3}'; }
wall() { tail -1 "$1" | awk '{print $1}'; }
printf '%-6s %8s | %-34s | %-34s | %s\n' pair size "buildchain diff (wall, CPU, lines)" "diffoscope (wall, CPU, lines)" "unzip -p (CPU)"
for pair in umask tz jdk; do
  d="$work/$pair"
  for side in a b; do
    java -jar "$jar" manifest --time 1796051472 --out "$d/$side.json" "$d/$side" >/dev/null 2>&1
  done
  /usr/bin/time -f '%e %U %S' -o "$d/bc.time" java -jar "$jar" diff --name-a a --name-b b \
    --artifacts-a "$d/a" --artifacts-b "$d/b" "$d/a.json" "$d/b.json" >"$d/buildchain.txt" || true
  /usr/bin/time -f '%e %U %S' -o "$d/unzip.time" unzip -p "$d/a/lib.jar" >/dev/null
  bc="$(wall "$d/bc.time") s, $(cpu "$d/bc.time") s, $(wc -l <"$d/buildchain.txt")"
  if command -v diffoscope >/dev/null; then
    /usr/bin/time -f '%e %U %S' -o "$d/ds.time" diffoscope "$d/a/lib.jar" "$d/b/lib.jar" >"$d/diffoscope.txt" || true
    ds="$(wall "$d/ds.time") s, $(cpu "$d/ds.time") s, $(wc -l <"$d/diffoscope.txt")"
  else
    ds="(not installed)"
  fi
  printf '%-6s %7sM | %-34s | %-34s | %s s\n' "$pair" "$(( $(stat -c %s "$d/a/lib.jar") / 1048576 ))" "$bc" "$ds" \
    "$(cpu "$d/unzip.time")"
done
echo
for pair in umask tz jdk; do
  echo "== buildchain diff, $pair: causes =="
  sed -n '/^Causes:/,/^$/p' "$work/$pair/buildchain.txt"
done
echo
echo "== in one warm JVM: CPU of reading both jars vs explaining them (which reads them too) =="
java -cp "$jar" bench/DiffCpu.java "$work"
