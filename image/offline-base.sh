#!/usr/bin/env bash
# Builds a container base image as a `docker save` tar without a registry or a Docker daemon:
# a jlink'ed Java runtime from a local JDK, the C libraries it links against copied from this
# host, and a non-root user. For machines that cannot pull eclipse-temurin:21-jre (the default
# base); use it with
#   ./mvnw -Pimage -pl bootstrap -am package -DskipTests -Dimage.base=tar://$PWD/bootstrap/target/offline-base.tar
# The result runs on x86-64 Linux like the host it was made on. Real builds use a maintained base.
#
# Usage: image/offline-base.sh [JDK home, default $JAVA_HOME] [output tar, default bootstrap/target/offline-base.tar]
set -euo pipefail

jdk="${1:-${JAVA_HOME:?set JAVA_HOME or pass a JDK home}}"
root_dir="$(cd "$(dirname "$0")/.." && pwd)"
out="${2:-$root_dir/bootstrap/target/offline-base.tar}"
modules="java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs"
java_home=/opt/java/openjdk

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/opt/java" "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot"

"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --output "$rootfs$java_home"

# Every shared library the runtime needs, at the path the dynamic linker looks for it.
find "$rootfs$java_home" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
    | xargs -0 ldd 2>/dev/null | awk '/=> \// {print $3} /^\t\// {print $1}' | grep -v "^$rootfs" | sort -u \
    | while read -r lib; do
        mkdir -p "$rootfs$(dirname "$lib")"
        cp -L "$lib" "$rootfs$lib"
    done

cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$rootfs/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"
chmod 1777 "$rootfs/tmp"

# Everything belongs to root, but the non-root user's home.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='1970-01-01' -C "$rootfs" -cf "$work/layer.tar" \
    --exclude=./home/nonroot .
tar --owner=65532 --group=65532 --numeric-owner --mtime='1970-01-01' -C "$rootfs" -rf "$work/layer.tar" ./home/nonroot
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"

cat > "$work/config.json" <<CONFIG
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home"],
           "User":"65532:65532","WorkingDir":"/home/nonroot"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]},
 "history":[{"created_by":"image/offline-base.sh: jlink runtime of $("$jdk/bin/java" -version 2>&1 | head -1 | tr -d '"') and host libraries"}]}
CONFIG
cat > "$work/manifest.json" <<MANIFEST
[{"Config":"config.json","RepoTags":["rtsync-offline-base:latest"],"Layers":["layer.tar"]}]
MANIFEST

mkdir -p "$(dirname "$out")"
tar --owner=0 --group=0 --numeric-owner -C "$work" -cf "$out" manifest.json config.json layer.tar
echo "$out ($(du -h "$out" | cut -f1)): base image with $java_home/bin/java, user 65532"
