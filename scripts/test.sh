#!/usr/bin/env bash
# Runs the whole test suite. The vsftpd integration tests (examples/…/Vsftpd*Test) need a real
# vsftpd binary, the HAProxy tests (examples/…/Haproxy*Test) a real haproxy, the affinity-redis and
# shared-affinity tests a real redis-server; other tests may use lftp and curl. What is missing is
# installed first (Debian/Ubuntu,
# as root); any arguments are passed on to Maven, e.g. scripts/test.sh -o -pl examples -am.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in vsftpd lftp curl haproxy redis-server; do
  # vsftpd and haproxy live in /usr/sbin, which is not on every user's PATH
  if ! command -v "$tool" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$tool" ]; then
    missing+=("$tool")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh: missing ${missing[*]}; install as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "scripts/test.sh: installing ${missing[*]}" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

exec mvn -B verify "$@"
