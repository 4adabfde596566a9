#!/usr/bin/env bash
# `buildchain build --vary` on a real Maven project, beside Debian's reprotest on the same checkout.
#
#   bench/build-vary.sh CHECKOUT [REV]
#   e.g.  git clone --branch rel/commons-text-1.12.0 https://github.com/apache/commons-text /tmp/commons-text
#         bench/build-vary.sh /tmp/commons-text
#
# 1. A JDK image made with debootstrap (Debian bookworm minbase + openjdk-17-jdk-headless + maven), imported with
#    `docker import` and pushed to the registry on 127.0.0.1:5000, so the build pins it by digest.
# 2. The network phase, outside every build: Maven fetches the project's dependencies and plugins once into
#    $BENCH_DIR/deps (a build with tests skipped, on this machine's Maven). The builds see them read-only.
# 3. `buildchain build --vary`: a reference build and one with TZ, umask, locale, build path, hostname, user and
#    date (libfaketime, when the image's glibc can load it) all varied, each in a fresh container with no network;
#    when they differ, one build per variation names the cause.
# 4. reprotest on the same revision and the same offline Maven: two builds, the second varied (what it can vary
#    here: environment, build path, home, locales, exec path, time zone, umask, time, kernel, aslr, num_cpus).
# Prints both results and their wall times. Heavy: a few minutes of debootstrap, then 2 to 10 Maven builds.
#
# Needs root (debootstrap, chown of the checkout to the build user), a running dockerd and the registry
# (as .ci/run starts them). Installs debootstrap and reprotest with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(realpath "${1:?usage: bench/build-vary.sh CHECKOUT [REV]}")
rev=${2:-HEAD}
work=${BENCH_DIR:-/tmp/buildchain-bench-vary}
registry=${BUILDCHAIN_REGISTRY:-127.0.0.1:5000}
suite=${SUITE:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
mvn_args=(-B -q -DskipTests -Drat.skip=true -Djacoco.skip=true -Danimal.sniffer.skip=true -Dcyclonedx.skip=true
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package)
mkdir -p "$work"

for tool in debootstrap reprotest faketime; do   # faketime: --vary's date, as reprotest's time variation
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"; }
done
jar=${BUILDCHAIN_JAR:-$PWD/buildchain-cli/target/buildchain.jar}
[ -f "$jar" ] || ./mvnw -q -B -DskipTests package -pl buildchain-cli -am
buildchain() { java -jar "$jar" "$@"; }

# 1. The image, once (debootstrap's tree is kept in $work/rootfs).
image_tag=$registry/buildchain-bench/jdk17-maven:$suite
if ! docker image inspect "$image_tag" >/dev/null 2>&1; then
  start=$(date +%s)
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jdk-headless,maven "$suite" "$work/rootfs" "$mirror" >/dev/null
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  tar -C "$work/rootfs" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' - "$image_tag" >/dev/null
  echo "image: debootstrap $suite + JDK 17 + Maven in $(( $(date +%s) - start )) s, $(du -sh "$work/rootfs" | cut -f1)"
fi
docker push "$image_tag" >/dev/null
image=$(docker image inspect --format '{{index .RepoDigests 0}}' "$image_tag")
echo "image: $image"

# 2. The network phase: dependencies and plugins into $work/deps, from a throwaway copy of the revision.
if [ ! -d "$work/deps" ]; then
  rm -rf "$work/fetch" && git clone -q "$checkout" "$work/fetch" && git -C "$work/fetch" checkout -q "$rev"
  (cd "$work/fetch" && mvn -B -q -Dmaven.repo.local="$work/deps" "${mvn_args[@]}" >/dev/null)
  rm -rf "$work/fetch"
fi
echo "dependencies: $(find "$work/deps" -type f | wc -l) files, $(du -sh "$work/deps" | cut -f1)"

# 3. buildchain build --vary. The read-only dependencies are copied into HOME (Debian's Maven 3.8 writes to its
#    local repository even offline; Maven 3.9 can read them in place with -Dmaven.repo.local.tail).
rm -rf "$work/vary"
start=$(date +%s)
set +e
buildchain build --git "$checkout" --rev "$rev" --image "$image" --deps "$work/deps" --vary --out "$work/vary" \
  --outputs 'target/*.jar' -- sh -c "cp -r /buildchain-deps \"\$HOME/m2\" && mvn -o -Dmaven.repo.local=\"\$HOME/m2\" ${mvn_args[*]}" \
  | tee "$work/vary.txt"
vary_exit=${PIPESTATUS[0]}
set -e
echo "buildchain build --vary: exit $vary_exit in $(( $(date +%s) - start )) s"

# 4. reprotest: same revision, same offline dependencies (copied, as reprotest may vary HOME), on this machine.
rm -rf "$work/reprotest-src" "$work/reprotest-out"
git clone -q "$checkout" "$work/reprotest-src" && git -C "$work/reprotest-src" checkout -q "$rev"
start=$(date +%s)
set +e
(cd "$work/reprotest-src" && reprotest --verbosity 1 --store-dir "$work/reprotest-out" \
  --vary=-fileordering,-user_group,-domain_host \
  "cp -r $work/deps ./.m2-deps && mvn -o -Dmaven.repo.local=./.m2-deps ${mvn_args[*]} && rm -rf ./.m2-deps" \
  'target/*.jar') 2>&1 | tail -25 | tee "$work/reprotest.txt"
reprotest_exit=${PIPESTATUS[0]}
set -e
echo "reprotest: exit $reprotest_exit in $(( $(date +%s) - start )) s"
