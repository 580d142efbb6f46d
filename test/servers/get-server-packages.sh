#!/usr/bin/env bash
# Fetches and unpacks the Cyrus and Courier server packages into a private folder, for the interop tests
# (test/servers/cyrus.ts, test/servers/courier.ts; see test/servers/README.md).
#
# Why not `apt-get install`: Debian's cyrus-imapd/cyrus-pop3d and courier-imap/courier-pop conflict with
# Dovecot (they all Provide imap-server/pop3-server), so installing them removes the Dovecot the rest of
# the suite needs. Their *base* packages do not conflict, so .ci/run installs those
# (cyrus-common sasl2-bin courier-base courier-authdaemon courier-authlib-userdb) and this
# script `apt-get download`s the four server packages and `dpkg -x`es them into $HOMING_TEST_SERVERS_DIR
# (default /var/cache/homing-test-servers as root, ~/.cache/homing-test-servers otherwise).
#
# Idempotent: does nothing when the folder already holds the versions that match the installed base
# packages. Safe to run concurrently (flock).
# Usage: test/servers/get-server-packages.sh   (prints the folder on its last line)
set -euo pipefail

if [ -n "${HOMING_TEST_SERVERS_DIR:-}" ]; then
  cache=$HOMING_TEST_SERVERS_DIR
elif [ "$(id -u)" = 0 ]; then
  cache=/var/cache/homing-test-servers
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/homing-test-servers
fi

installed() { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null | sed -n 's/^install ok installed //p'; }

# The server packages depend on their base package at exactly the same version (cyrus-imapd on
# cyrus-common (= V), courier-imap/courier-pop on courier-base (= V)): download the matching versions.
cyrus_version=$(installed cyrus-common)
courier_base_version=$(installed courier-base)
if [ -z "$cyrus_version" ] && [ -z "$courier_base_version" ]; then
  echo "get-server-packages: neither cyrus-common nor courier-base is installed (see .ci/run)" >&2
  exit 1
fi

# The cache is keyed by the installed base versions (dpkg-query is fast; apt-cache only when downloading).
stamp="cyrus-common=$cyrus_version courier-base=$courier_base_version"
target="$cache/root"
mkdir -p "$cache"
chmod 755 "$cache"
# One download at a time (two test files may ask at once); the others wait, then find it done.
exec 9>"$cache/lock"
flock 9
if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$stamp" ] && [ -d "$target" ]; then
  echo "$target"
  exit 0
fi

wanted=()
[ -n "$cyrus_version" ] && wanted+=("cyrus-imapd=$cyrus_version" "cyrus-pop3d=$cyrus_version")
if [ -n "$courier_base_version" ]; then
  # courier-imap carries its own upstream version in front of courier-base's ("5.0.13+1.0.16-3+b6"):
  # take the candidate whose Depends names this exact courier-base (awk reads to the end: an early exit
  # would SIGPIPE apt-cache and fail the pipeline under pipefail).
  wanted+=("courier-pop=$courier_base_version")
  imap_version=$(apt-cache show courier-imap 2>/dev/null |
    awk -v base="courier-base (= $courier_base_version)" '/^Version:/ {v=$2} /^Depends:/ && index($0, base) && !found {found=v} END {print found}')
  if [ -z "$imap_version" ]; then
    echo "get-server-packages: no courier-imap matching courier-base $courier_base_version (run apt-get update)" >&2
    exit 1
  fi
  wanted+=("courier-imap=$imap_version")
fi

work=$(mktemp -d "$cache/tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
# apt-get download writes into the current folder (as root it warns that _apt cannot write there: harmless).
(cd "$work" && apt-get download -q "${wanted[@]}" >&2)
mkdir "$work/root"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
# The daemons run as cyrus / as the mail user: every folder must be traversable and readable.
chmod -R a+rX "$work/root"
rm -rf "$target"
mv "$work/root" "$target"
echo "$stamp" > "$cache/stamp"
echo "$target"
