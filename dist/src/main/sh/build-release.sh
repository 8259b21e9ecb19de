#!/usr/bin/env bash
# Packs a release of image-audit from the built audit-cli and the generated docs (run by Maven at package time):
#   target/image-audit-VERSION.tar.gz   unpack anywhere; bin/image-audit runs it
#   target/image-audit_DEBVERSION_ARCH.deb   with dpkg-deb only (Debian, Ubuntu); required when CI=true
# Both hold the same launcher, jars and AppCDS archive (lib/image-audit.jsa, made here by a training run).
#
# usage: build-release.sh VERSION REPO_DIR TARGET_DIR TIMESTAMP
#   TIMESTAMP (ISO-8601, the build's project.build.outputTimestamp) is every file's modification time:
#   the JVM checks the jars' times against the archive, and the packs come out the same for the same inputs.
set -euo pipefail

version="$1"
repo="$(cd "$2" && pwd)"
target="$3"
timestamp="$4"

name="image-audit-$version"
cli="$repo/audit-cli/target"
docs="$target/docs"
release="$repo/dist/src/main/release"
work="$target/release"
stage="$work/$name"

for needed in "$cli/image-audit.jar" "$cli/lib" "$docs/man1/image-audit.1" "$docs/completion/bash"; do
  [[ -e "$needed" ]] || { echo "build-release: $needed is missing: build audit-cli and dist first" >&2; exit 1; }
done

rm -rf "$work" "$target/$name.tar.gz" "$target"/image-audit_*.deb
mkdir -p "$stage"/{bin,lib,share/man/man1,share/bash-completion/completions,share/zsh/site-functions}

# The jars side by side in lib/: the audit-cli jar's Class-Path names its dependencies in lib/ beside it,
# so here the prefix goes (manifest lines are folded at 72 bytes: unfold them first).
cp "$cli"/lib/*.jar "$stage/lib/"
cp "$cli/image-audit.jar" "$stage/lib/image-audit.jar"
# JNA's dispatch library, unpacked beside the JNA jar: loaded in place, never extracted at run time.
[[ -d "$cli/lib/jna-native" ]] || { echo "build-release: $cli/lib/jna-native is missing: build audit-cli first" >&2; exit 1; }
cp -R "$cli/lib/jna-native" "$stage/lib/jna-native"
find "$stage/lib/jna-native" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
manifest="$work/MANIFEST.MF"
(cd "$work" && jar --extract --file "$stage/lib/image-audit.jar" META-INF/MANIFEST.MF)
class_path="$(sed -e ':a' -e 'N' -e '$!ba' -e 's/\r//g' -e 's/\n //g' "$work/META-INF/MANIFEST.MF" |
  sed -n 's/^Class-Path: //p' | sed 's#\(^\| \)lib/#\1#g')"
[[ -n "$class_path" ]] || { echo "build-release: no Class-Path in the audit-cli jar's manifest" >&2; exit 1; }
for jar in $class_path; do
  [[ -f "$stage/lib/$jar" ]] || { echo "build-release: $jar is named by Class-Path but missing" >&2; exit 1; }
done
# Manifest lines hold at most 72 bytes; a longer one goes on in lines that start with a space.
printf 'Class-Path: %s\n' "$class_path" |
  awk '{ print substr($0, 1, 72); for (i = 73; i <= length($0); i += 71) print " " substr($0, i, 71) }' >"$manifest"
jar --update --file "$stage/lib/image-audit.jar" --manifest "$manifest"
rm -rf "$work/META-INF" "$manifest"

install -m 0755 "$release/bin/image-audit" "$stage/bin/image-audit"
install -m 0644 "$docs"/man1/*.1 "$stage/share/man/man1/"
install -m 0644 "$docs/completion/bash" "$stage/share/bash-completion/completions/image-audit"
install -m 0644 "$docs/completion/zsh" "$stage/share/zsh/site-functions/_image-audit"
install -m 0644 "$repo/LICENSE" "$repo/README.md" "$repo/CHANGELOG.md" "$release/THIRD-PARTY.md" "$stage/"
chmod 0644 "$stage"/lib/*.jar
find "$stage" -exec touch -h -d "$timestamp" {} +

# The AppCDS archive: a training run over the example store, through the release's own launcher (its flags),
# lists the classes it loads; the JVM then dumps them, linked and verified, into a static archive (which,
# unlike one written at exit, also holds picocli's old-version classes). The dump spells the class path as
# the launcher does at run time, through descriptor 57 opened on the installation folder. It pays about half
# the JVM's start-up CPU (README, "Start-up").
training="$work/training"
mkdir -p "$training"
JAVA_OPTS="-Xshare:off -XX:DumpLoadedClassList=$training/classes" "$stage/bin/image-audit" \
  scan --quiet --fail-on none -o "$training/out" "$repo/examples/image-store" >/dev/null
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
(
  exec 57<"$stage"
  "$java" -Xshare:dump -XX:SharedClassListFile="$training/classes" \
    -XX:SharedArchiveFile="$stage/lib/image-audit.jsa.tmp" -cp /proc/self/fd/57/lib/image-audit.jar >/dev/null
)
mv "$stage/lib/image-audit.jsa.tmp" "$stage/lib/image-audit.jsa"
chmod 0644 "$stage/lib/image-audit.jsa"
touch -d "$timestamp" "$stage/lib/image-audit.jsa" "$stage/lib"
rm -rf "$training"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$timestamp" -C "$work" -cf - "$name" |
  gzip -n >"$target/$name.tar.gz"
echo "build-release: $target/$name.tar.gz"

# The Debian package: the same tree under /usr/share/image-audit, /usr/bin/image-audit a relative link to
# its launcher, man pages and completions where Debian's man, bash-completion and zsh look.
if ! command -v dpkg-deb >/dev/null; then
  [[ "${CI:-}" == true ]] && { echo "build-release: dpkg-deb is needed under CI=true" >&2; exit 1; }
  echo "build-release: no dpkg-deb here: no .deb built"
  exit 0
fi
deb_version="${version//-/\~}"                 # 0.1.0-SNAPSHOT sorts before 0.1.0 as 0.1.0~SNAPSHOT
arch="$(dpkg --print-architecture)"            # the AppCDS archive is for this machine's JVM architecture
root="$work/deb"
mkdir -p "$root"/DEBIAN "$root"/usr/{bin,share/image-audit} "$root"/usr/share/doc/image-audit \
  "$root"/usr/share/man/man1 "$root"/usr/share/bash-completion/completions "$root"/usr/share/zsh/vendor-completions
cp -a "$stage/bin" "$stage/lib" "$root/usr/share/image-audit/"
ln -s ../share/image-audit/bin/image-audit "$root/usr/bin/image-audit"
for page in "$stage"/share/man/man1/*.1; do
  gzip -9n <"$page" >"$root/usr/share/man/man1/${page##*/}.gz"
done
cp -a "$stage/share/bash-completion/completions/image-audit" "$root/usr/share/bash-completion/completions/"
cp -a "$stage/share/zsh/site-functions/_image-audit" "$root/usr/share/zsh/vendor-completions/"
cp -a "$stage/README.md" "$stage/THIRD-PARTY.md" "$root/usr/share/doc/image-audit/"
gzip -9n <"$stage/CHANGELOG.md" >"$root/usr/share/doc/image-audit/changelog.gz"
sed "s/@YEAR@/${timestamp:0:4}/" "$release/debian/copyright" >"$root/usr/share/doc/image-audit/copyright"
installed_size="$(du -sk --apparent-size "$root/usr" | cut -f1)"
sed -e "s/@VERSION@/$deb_version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$installed_size/" \
  "$release/debian/control" >"$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod -R u=rwX,go=rX "$root"
chmod 0755 "$root/usr/share/image-audit/bin/image-audit"
find "$root" -exec touch -h -d "$timestamp" {} +
deb="$target/image-audit_${deb_version}_$arch.deb"
SOURCE_DATE_EPOCH="$(date -d "$timestamp" +%s)" dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "build-release: $deb"
