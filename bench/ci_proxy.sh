#!/bin/bash
# What the publish workflow's actions do with the files around the build, done locally, timed
# (issue 18's "CI job under 5 minutes": everything but the network and the job's set-up).
#
#   bench/ci_proxy.sh PROJECT CACHE
#
# PROJECT: a built project (docs/ and site/), CACHE: its page cache; for instance those
# `bench/bench_incremental.py --papers 100000 --keep --workdir DIR` leaves in
# DIR/incremental-100000-*/incremental and DIR/incremental-100000-*/cache.
#
# - save: actions/cache (tar --posix of the cached paths of .github/workflows/publish.yml,
#   compressed with zstd -T0 --long=30);
# - restore: the same archive extracted into an empty folder;
# - artifact: upload-pages-artifact's tar of the site (--dereference --hard-dereference).
set -euo pipefail
project=$(cd "$1" && pwd)
cache=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$cache" "$work/pages"
timed() { /usr/bin/time -f "$1: %e s wall, %U s user, %S s system" "${@:2}"; }
cd "$project"
cached="docs/index.md docs/papers docs/tags docs/archive docs/feeds docs/api docs/.generated docs/.generated.stamps"
timed "save (tar --posix | zstd)" sh -c \
    "tar --posix -chf - $cached -C '$work' pages/ | zstd -T0 --long=30 -q -o '$work/cache.tzst'"
echo "cache archive: $(($(stat -c %s "$work/cache.tzst") / 1000000)) MB"
mkdir "$work/restored"
sync
timed "restore (zstd -d | tar -x)" sh -c "zstd -d --long=30 -q -c '$work/cache.tzst' | tar -xf - -C '$work/restored'"
sync
timed "artifact (tar of the site)" tar --dereference --hard-dereference -cf "$work/artifact.tar" -C site .
echo "artifact: $(($(stat -c %s "$work/artifact.tar") / 1000000)) MB"
