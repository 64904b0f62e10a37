#!/usr/bin/env bash
# Air-gapped images for docker-compose.yml, built from this machine's own binaries, for
# machines that cannot pull (nothing is fetched: every image starts FROM scratch):
#
#   kubelite-local/jre:TAG       the host's Java runtime (java.home of the `java` on PATH,
#                                or $KUBELITE_JRE_HOME) at /opt/java/openjdk, as in the
#                                Temurin images, plus /bin/sh (dash), /etc/passwd with the
#                                non-root user 10001, /tmp, and exactly the shared libraries
#                                `ldd` lists for them
#   kubelite-local/kubelite:TAG  the repository's Dockerfile on top of that JRE image
#   kubelite-local/etcd:TAG      the host's etcd and etcdctl ($ETCD_BIN, else `etcd` on PATH)
#                                at /usr/local/bin, as in the official etcd images, plus
#                                their libraries
#
# Then: eval "$(docker/build-local-images.sh --print-env)" or export what it prints, and
# `docker compose up -d` runs the unchanged docker-compose.yml on them.
#
# Options: --tag TAG (default dev), --skip-maven (use dist/target/kubelite as it is),
#          --print-env (print only the export lines on stdout; progress goes to stderr).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag=dev
skip_maven=false
print_env_only=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --skip-maven) skip_maven=true; shift ;;
    --print-env) print_env_only=true; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "build-local-images: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
log() { echo "build-local-images: $*" >&2; }
die() { echo "build-local-images: $*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker client; run docker/ensure-docker.sh"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer; run docker/ensure-docker.sh"
command -v ldd >/dev/null || die "ldd not found (Debian: apt-get install libc-bin)"

jre_home="${KUBELITE_JRE_HOME:-}"
if [[ -z "$jre_home" ]]; then
  command -v java >/dev/null || die "no java on PATH; set KUBELITE_JRE_HOME to a Java 17+ runtime"
  jre_home="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')"
fi
[[ -x "$jre_home/bin/java" ]] || die "no Java runtime at '$jre_home' (set KUBELITE_JRE_HOME)"
etcd_bin="${ETCD_BIN:-$(command -v etcd || true)}"
[[ -n "$etcd_bin" && -x "$etcd_bin" ]] || die "no etcd binary (Debian: apt-get install etcd-server; or set ETCD_BIN)"
etcdctl_bin="${ETCDCTL_BIN:-$(dirname "$etcd_bin")/etcdctl}"
[[ -x "$etcdctl_bin" ]] || etcdctl_bin="$(command -v etcdctl || true)"
[[ -n "$etcdctl_bin" && -x "$etcdctl_bin" ]] || die "no etcdctl binary (Debian: apt-get install etcd-client; or set ETCDCTL_BIN)"
sh_bin="$(command -v dash || true)"
[[ -n "$sh_bin" ]] || sh_bin=/bin/sh

work="$(mktemp -d "${TMPDIR:-/tmp}/kubelite-images.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# copy_libs ROOTFS FILE...: the shared libraries ldd lists for each FILE (and the dynamic
# loader), each to the same path under ROOTFS, except those already inside ROOTFS (found
# through LD_LIBRARY_PATH). Fails on a library ldd cannot find.
copy_libs() {
  local rootfs="$1"; shift
  local f libs
  for f in "$@"; do
    libs="$(ldd "$f" 2>/dev/null || true)"
    if grep -q 'not found' <<<"$libs"; then
      die "$f needs libraries this machine lacks: $(grep 'not found' <<<"$libs" | tr -s ' \t' ' ')"
    fi
    awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$libs"
  done | sort -u | while read -r lib; do
    if [[ "$lib" != "$rootfs"/* && ! -e "$rootfs$lib" ]]; then
      mkdir -p "$rootfs$(dirname "$lib")"
      cp -L "$lib" "$rootfs$lib"
    fi
  done
}

# base_rootfs ROOTFS: /tmp, /etc/passwd and /etc/group with root and the kubelite user
base_rootfs() {
  local rootfs="$1"
  mkdir -p "$rootfs"/{tmp,etc,bin,home/kubelite}
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nkubelite:x:10001:10001:kubelite:/home/kubelite:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nkubelite:x:10001:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

# pack ROOTFS OUT.tar: a root-owned tar of the tree (ADD keeps its modes, /tmp's sticky bit too)
pack() {
  tar -C "$1" --numeric-owner --owner=0 --group=0 -cf "$2" .
}

build() { # build IMAGE CONTEXT [docker build args...]
  local image="$1" context="$2"; shift 2
  local old new
  old="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  log "docker build -t $image"
  if ! docker build -q -t "$image" "$@" "$context" >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    die "docker build of $image failed"
  fi
  new="$(docker image inspect -f '{{.Id}}' "$image")"
  # the image this build replaced, now untagged: remove it unless something still uses it
  if [[ -n "$old" && "$old" != "$new" ]]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
}

started=$SECONDS

# 1. the JRE image
log "JRE image from $jre_home"
jre="$work/jre"
rootfs="$jre/rootfs"
base_rootfs "$rootfs"
mkdir -p "$rootfs/opt/java"
# the runtime only: dereference Debian's links into /etc, leave out headers, sources,
# man pages and jmods, and the desktop (AWT, sound) libraries a server never loads
tar -C "$jre_home" -chf - \
  --exclude=./jmods --exclude=./include --exclude=./man --exclude=./docs --exclude=./demo \
  --exclude=./legal --exclude=./lib/src.zip --exclude=./lib/ct.sym \
  --exclude=./lib/libawt_xawt.so --exclude=./lib/libatk-wrapper.so --exclude=./lib/libjsound.so \
  --exclude=./lib/libsplashscreen.so --exclude=./lib/libjawt.so --exclude=./lib/libfontmanager.so \
  . 2>/dev/null | (mkdir -p "$rootfs/opt/java/openjdk" && tar -C "$rootfs/opt/java/openjdk" -xf -) \
  || die "cannot copy the Java runtime from $jre_home"
cp -L "$sh_bin" "$rootfs/bin/sh"
mapfile -t elf < <(find "$rootfs/opt/java/openjdk/bin" "$rootfs/opt/java/openjdk/lib" -type f \( -name '*.so' -o -perm -u+x \))
# the JVM's own libraries find each other (libjvm.so) by path at run time
LD_LIBRARY_PATH="$rootfs/opt/java/openjdk/lib:$rootfs/opt/java/openjdk/lib/server" \
  copy_libs "$rootfs" "$sh_bin" "${elf[@]}"
pack "$rootfs" "$jre/rootfs.tar"
rm -rf "$rootfs"
cat >"$jre/Dockerfile" <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV JAVA_HOME=/opt/java/openjdk \\
    PATH=/opt/java/openjdk/bin:/usr/local/bin:/usr/bin:/bin \\
    LANG=C.UTF-8 \\
    HOME=/tmp
LABEL org.opencontainers.image.description="Java runtime copied from a host's $jre_home (kubelite docker/build-local-images.sh)"
CMD ["java", "-version"]
DOCKERFILE
build "kubelite-local/jre:$tag" "$jre"
docker run --rm --user 10001:10001 "kubelite-local/jre:$tag" java -version >"$work/java-version" 2>&1 \
  || { cat "$work/java-version" >&2; die "the JRE image does not run java"; }
log "  $(head -1 "$work/java-version")"

# 2. the kubelite image: the repository's Dockerfile on that JRE
if ! $skip_maven || [[ ! -d "$root/dist/target/kubelite/lib" || ! -d "$root/dist/target/kubelite/var" ]]; then
  log "mvn package (dist/target/kubelite)"
  (cd "$root" && mvn -q -B package -DskipTests) >&2 || die "maven build failed"
fi
build "kubelite-local/kubelite:$tag" "$root" --build-arg "JRE_IMAGE=kubelite-local/jre:$tag" -f "$root/Dockerfile"

# 3. the etcd image, laid out as the official one (/usr/local/bin, /var/lib/etcd)
log "etcd image from $etcd_bin ($("$etcd_bin" --version | head -1))"
etcd="$work/etcd"
rootfs="$etcd/rootfs"
base_rootfs "$rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/var/lib/etcd" "$rootfs/var/etcd"
chmod 700 "$rootfs/var/lib/etcd"
cp -L "$etcd_bin" "$rootfs/usr/local/bin/etcd"
cp -L "$etcdctl_bin" "$rootfs/usr/local/bin/etcdctl"
copy_libs "$rootfs" "$etcd_bin" "$etcdctl_bin"
pack "$rootfs" "$etcd/rootfs.tar"
rm -rf "$rootfs"
cat >"$etcd/Dockerfile" <<'DOCKERFILE'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/bin:/usr/bin:/bin ETCDCTL_API=3
WORKDIR /var/lib/etcd
EXPOSE 2379 2380
CMD ["/usr/local/bin/etcd"]
DOCKERFILE
build "kubelite-local/etcd:$tag" "$etcd"

log "done in $((SECONDS - started))s:"
docker image ls --filter "reference=kubelite-local/*:$tag" >&2 || true
if ! $print_env_only; then
  echo "Point docker compose at them:" >&2
fi
echo "export KUBELITE_IMAGE=kubelite-local/kubelite:$tag"
echo "export ETCD_IMAGE=kubelite-local/etcd:$tag"
