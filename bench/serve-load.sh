#!/usr/bin/env bash
# Requests per second for a tail and for a 1 MiB object, 50 concurrent connections, loopback only,
# from buildchain serve and, in the same run on the same store, nginx and python3 -m http.server.
# Each measurement lasts DURATION seconds (default 10). Needs wrk; nginx is optional.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
./mvnw -q -B -DskipTests package
work="$PWD/target/bench-serve"
rm -rf "$work" && mkdir -p "$work"
bin/buildchain quickstart --dir "$work/qs" >/dev/null
store="$work/qs/store"
# A 1 MiB content-addressed object (objects are named by the base32 SHA-384 of their bytes).
head -c 1048576 /dev/urandom > "$work/big.bin"
big=$(python3 -c 'import base64,hashlib,sys; print(base64.b32encode(hashlib.sha384(open(sys.argv[1],"rb").read()).digest()).decode().rstrip("="))' "$work/big.bin")
cp "$work/big.bin" "$store/object/$big" && chmod 0400 "$store/object/$big"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

bin/buildchain serve --store "$store" --bind 127.0.0.1:18181 > "$work/serve.log" 2>&1 & pids+=($!)
(cd "$store" && exec python3 -m http.server 18182 --bind 127.0.0.1 > "$work/python.log" 2>&1) & pids+=($!)
servers=("buildchain-serve 18181" "python-http.server 18182")
if command -v nginx >/dev/null; then
  cat > "$work/nginx.conf" <<NGINX
daemon off; master_process on; worker_processes auto; user root; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; sendfile on; server { listen 127.0.0.1:18183; root $store; } }
NGINX
  nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
  servers+=("nginx 18183")
fi
for port in 18181 18182 18183; do
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/tail/hello/main" && break; sleep 0.2; done
done

echo "machine: $(nproc) cores shared by wrk and the server; ${duration} s per run, 50 connections, 2 wrk threads"
printf "%-20s %18s %24s\n" server "tail (req/s)" "1 MiB object (req/s)"
for entry in "${servers[@]}"; do
  read -r name port <<<"$entry"
  tail_rps=$(wrk -t2 -c50 -d"${duration}s" "http://127.0.0.1:$port/tail/hello/main" | awk '/Requests\/sec/ {print $2}')
  obj_rps=$(wrk -t2 -c50 -d"${duration}s" "http://127.0.0.1:$port/object/$big" | awk '/Requests\/sec/ {print $2}')
  printf "%-20s %18s %24s\n" "$name" "$tail_rps" "$obj_rps"
done
