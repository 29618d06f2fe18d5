#!/usr/bin/env bash
# End-to-end FTP benchmark (issue 13): alternates, within one run, four targets on loopback
#   direct       curl/loadgen -> vsftpd
#   haproxy      HAProxy 2.6, IPVS-style L4 recipe (control + passive-range frontends, stick on src,
#                mode tcp, option splice-auto) -> 2 x vsftpd; the reference of every ratio
#   haproxy-splice  the same with option splice-request + splice-response (splice-auto does not
#                splice these transfers in 2.6: see README)
#   proftpd      ProFTPD 1.3.8 + mod_proxy 0.9.2 reverse proxy (Debian packages unpacked, not
#                installed) -> 2 x vsftpd; fewer sessions (PROFTPD_SESSIONS): it is slow
#   persistence  ftproute example proxy --mode persistence (same recipe, in Java)  -> 2 x vsftpd
#   rewrite      ftproute example proxy --mode rewrite (reads/rewrites the control channel) -> 2 x vsftpd
# and prints a markdown table (also written to benchmarks/target/e2e-results.md):
#   MiB/s of a big RETR over EPSV (curl), sessions/s (login + RETR 4 KiB + QUIT, 8 at a time, 32
#   client source addresses), stalls (transfers or sessions over 60 s), proxy CPU s per GiB moved,
#   medians over rounds and ratios vs HAProxy measured in the same run. See README.md beside this.
#
#   benchmarks/e2e/run-e2e.sh [PROXY_JAR]        full run (5 rounds, 3 x 200 MiB, 2,000 sessions; ~5 min)
#   QUICK=1 benchmarks/e2e/run-e2e.sh            smoke run (1 round, 50 MiB, 500 sessions)
#
# Environment (defaults in brackets):
#   PROXY_JAR        the example proxy jar [examples/target/ftproute-examples.jar; built if absent]
#   BUILD=1          run `mvn -q -B package -DskipTests` first even if the jar exists [0]
#   PROXY_JAVA_OPTS  JVM options for the proxy [-Xms512m -Xmx512m -XX:+UseParallelGC]
#   ROUNDS [5|1]  BIG_MIB [200|50]  RETRS per target per round [3|1]  SESSIONS [2000|500]
#   WARMUP_SESSIONS [4000|1500] (ProFTPD: a quarter of PROFTPD_SESSIONS; a JVM runs the first
#                 few thousand sessions before its JIT has compiled the hot path)  CONCURRENCY [8]  SOURCES [127.0.0.10-127.0.0.41]
#   STALL_SECONDS [60]  TARGETS ["direct haproxy haproxy-splice persistence rewrite proftpd"]
#   PORT_BASE [21000]  PROFTPD_SESSIONS [500|200]
#   REWRITE_PORTS [1000]: size of the rewrite proxy's own passive range (a port that carried a
#                 connection rests 10 s for that client only, so the range does not cap the rate)
#   POOL=1 adds the data-port pool run (pool.py through the rewrite proxy: churn, then churn + a
#                 PASV flood) [0]; POOL_CLIENTS [32] POOL_RETRS [200] POOL_FLOOD [3000]
#   OUT [benchmarks/target/e2e-results.md]  KEEP=1 keeps the temp dir (configs, logs, raw data)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
  d_rounds=1 d_big=50 d_retrs=1 d_sessions=500 d_warm=1500 d_pf_sessions=200
else
  d_rounds=5 d_big=200 d_retrs=3 d_sessions=2000 d_warm=4000 d_pf_sessions=500
fi
ROUNDS=${ROUNDS:-$d_rounds}
BIG_MIB=${BIG_MIB:-$d_big}
RETRS=${RETRS:-$d_retrs}
SESSIONS=${SESSIONS:-$d_sessions}
PROFTPD_SESSIONS=${PROFTPD_SESSIONS:-$d_pf_sessions}
WARMUP_SESSIONS=${WARMUP_SESSIONS:-$d_warm}
CONCURRENCY=${CONCURRENCY:-8}
SOURCES=${SOURCES:-127.0.0.10-127.0.0.41}
STALL_SECONDS=${STALL_SECONDS:-60}
TARGETS=${TARGETS:-direct haproxy haproxy-splice persistence rewrite proftpd}
PORT_BASE=${PORT_BASE:-21000}
REWRITE_PORTS=${REWRITE_PORTS:-1000}
PROXY_JAR=${PROXY_JAR:-${1:-$repo/examples/target/ftproute-examples.jar}}
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
OUT=${OUT:-$repo/benchmarks/target/e2e-results.md}
BUILD=${BUILD:-0}
KEEP=${KEEP:-0}
SMALL_BYTES=4096

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools ---------------------------------------------------------------------------------------
apt_updated=0
apt_install() {
  if ((!apt_updated)); then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need=()
command -v vsftpd >/dev/null 2>&1 || [[ -x /usr/sbin/vsftpd ]] || need+=(vsftpd)
command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || need+=(haproxy)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt_install "${need[@]}"
fi
export PATH=$PATH:/usr/sbin:/sbin
command -v python3 >/dev/null || die "python3 is needed for the load generator"
command -v java >/dev/null || die "java is needed for the ftproute proxy"

if [[ "$BUILD" == 1 || ! -f "$PROXY_JAR" ]]; then
  log "building the example proxy (mvn -q -B package -DskipTests)"
  (cd "$repo" && mvn -q -B package -DskipTests)
fi
[[ -f "$PROXY_JAR" ]] || die "no proxy jar at $PROXY_JAR"

# --- temp dir, process bookkeeping, cleanup -------------------------------------------------------
work=$(mktemp -d /tmp/ftproute-e2e.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  # vsftpd session processes are in the listener's session (setsid): end any that are left.
  for pid in "${pids[@]}"; do pkill -KILL -s "$pid" 2>/dev/null || true; done
  if [[ "$KEEP" == 1 || $rc -ne 0 ]]; then
    log "kept $work (configs, logs, raw.tsv)"
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in its own session, logs to $work/NAME.log, records its PID in
# pids[] and in the variable pid_NAME.
start() {
  local name=$1; shift
  setsid "$@" >"$work/$name.log" 2>&1 </dev/null &
  local pid=$!
  pids+=("$pid")
  printf -v "pid_$name" '%s' "$pid"
}

wait_listen() { # ADDR PORT NAME
  for _ in $(seq 150); do
    if [[ -n "$(ss -Htln "src $1:$2" 2>/dev/null)" ]]; then return 0; fi
    local p="pid_$3"
    kill -0 "${!p}" 2>/dev/null || { tail -20 "$work/$3.log" >&2; die "$3 exited"; }
    sleep 0.1
  done
  tail -20 "$work/$3.log" >&2
  die "$3 does not listen on $1:$2"
}

# --- ports ---------------------------------------------------------------------------------------
# Block layout from BASE (all below 32768, the kernel's ephemeral range starts there):
#   BASE+0 direct control, +1 haproxy, +2 persistence, +3 rewrite proxy, +4 rewrite backends,
#   +5 haproxy-splice
#   passive ranges of 100: +100 direct, +200 haproxy (balancer and its backends),
#   +300 persistence (balancer and its backends), +500 rewrite backends, +600 haproxy-splice,
#   +6 proftpd, +7 its backends; +700 proftpd's own passive range, +800 its backends';
#   +1000 .. +1000+REWRITE_PORTS-1 the rewrite proxy's own passive range
block_free() {
  local base=$1 listening
  listening=$(ss -Htln | awk '{n=split($4,a,":"); print a[n]}' | sort -un)
  awk -v lo="$base" -v hi=$((base + 1000 + REWRITE_PORTS - 1)) '$1>=lo && $1<=hi {found=1} END {exit found}' <<<"$listening"
}
base=$PORT_BASE
until block_free "$base"; do
  base=$((base + 1000))
  ((base + 1000 + REWRITE_PORTS <= 32768)) || die "no free block of ports below 32768 (the ephemeral range)"
done
P_DIRECT=$base P_HAPROXY=$((base + 1)) P_PERSIST=$((base + 2)) P_REWRITE=$((base + 3)) P_RW_BACK=$((base + 4))
R_DIRECT=$((base + 100)) R_HAPROXY=$((base + 200)) R_PERSIST=$((base + 300)) R_REWRITE=$((base + 1000)) R_RW_BACK=$((base + 500))
P_HSPLICE=$((base + 5)) R_HSPLICE=$((base + 600))
P_PROFTPD=$((base + 6)) P_PF_BACK=$((base + 7)) R_PROFTPD=$((base + 700)) R_PF_BACK=$((base + 800))
log "ports: block $base-$((base + 1000 + REWRITE_PORTS - 1)); work dir $work"

# --- files ---------------------------------------------------------------------------------------
mkdir -p "$work/root"
chmod 755 "$work/root"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$work/root/big.bin"
head -c "$SMALL_BYTES" /dev/urandom >"$work/root/small.bin"
chmod 644 "$work/root/"*.bin
BIG_BYTES=$((BIG_MIB * 1024 * 1024))

# --- vsftpd --------------------------------------------------------------------------------------
vsftpd_start() { # NAME ADDR PORT PASV_LO PASV_ADDRESS|-
  local name=$1 addr=$2 port=$3 lo=$4 pasv=$5 line note
  if [[ "$pasv" == - ]]; then
    line="# pasv_address unset: 227 announces this server's own address"
    note="not here: clients reach this server directly, or through a proxy that rewrites 227/229"
  else
    line="pasv_address=$pasv"
    note="here $pasv"
  fi
  sed -e "s|@NAME@|$name|g" -e "s|@ADDR@|$addr|g" -e "s|@PORT@|$port|g" -e "s|@ROOT@|$work/root|g" \
    -e "s|@PASV_LO@|$lo|g" -e "s|@PASV_HI@|$((lo + 99))|g" -e "s|@PASV_ADDRESS_LINE@|$line|" \
    -e "s|@PASV_ADDRESS_NOTE@|$note|" "$here/vsftpd.conf.in" >"$work/$name.conf"
  start "$name" vsftpd "$work/$name.conf"
  wait_listen "$addr" "$port" "$name"
}

want() { [[ " $TARGETS " == *" $1 "* ]]; }

java_cmd=(java $PROXY_JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -Dorg.slf4j.simpleLogger.log.io.github.ftproute=warn -jar "$PROXY_JAR" proxy)

declare -A HOST PORT SERVER BACKENDS CMDLINE KIDS
if want direct; then
  vsftpd_start vs_direct 127.0.0.2 "$P_DIRECT" "$R_DIRECT" -
  HOST[direct]=127.0.0.2 PORT[direct]=$P_DIRECT SERVER[direct]="" BACKENDS[direct]=vs_direct
  CMDLINE[direct]="vsftpd $work/vs_direct.conf"
fi
haproxy_start() { # TARGET PORT PASV_LO SPLICE_OPTIONS NOTE
  local t=$1 port=$2 lo=$3 opts=$4 note=$5 v=${1//-/_}
  vsftpd_start "vs_${v}_1" 127.0.0.2 "$port" "$lo" 127.0.0.1
  vsftpd_start "vs_${v}_2" 127.0.0.3 "$port" "$lo" 127.0.0.1
  sed -e "s|@LISTEN@|127.0.0.1|g" -e "s|@PORT@|$port|g" -e "s|@PASV_LO@|$lo|g" \
    -e "s|@PASV_HI@|$((lo + 99))|g" -e "s|@BACKEND1@|127.0.0.2|g" -e "s|@BACKEND2@|127.0.0.3|g" \
    -e "s|@SPLICE@|$opts|" -e "s|@SPLICE_NOTE@|$note|" "$here/haproxy.cfg.in" >"$work/$t.cfg"
  haproxy -c -q -f "$work/$t.cfg" || die "haproxy rejects $work/$t.cfg"
  start "$v" haproxy -f "$work/$t.cfg" -db
  wait_listen 127.0.0.1 "$port" "$v"
  local p="pid_$v"
  HOST[$t]=127.0.0.1 PORT[$t]=$port SERVER[$t]=${!p} BACKENDS[$t]="vs_${v}_1 vs_${v}_2"
  CMDLINE[$t]="haproxy -f $work/$t.cfg -db"
}
if want haproxy; then
  haproxy_start haproxy "$P_HAPROXY" "$R_HAPROXY" "    option splice-auto" \
    "the recipe as deployed (HAProxy 2.6 decides when; here it does not splice)"
fi
if want haproxy-splice; then
  haproxy_start haproxy-splice "$P_HSPLICE" "$R_HSPLICE" "    option splice-request\\n    option splice-response" \
    "always splice, both directions"
fi
if want persistence; then
  vsftpd_start vs_p1 127.0.0.2 "$P_PERSIST" "$R_PERSIST" 127.0.0.1
  vsftpd_start vs_p2 127.0.0.3 "$P_PERSIST" "$R_PERSIST" 127.0.0.1
  args=(--listen "127.0.0.1:$P_PERSIST" --backend "127.0.0.2:$P_PERSIST" --backend "127.0.0.3:$P_PERSIST"
    --passive-ports "$R_PERSIST-$((R_PERSIST + 99))" --mode persistence --policy maglev)
  start persistence "${java_cmd[@]}" "${args[@]}"
  wait_listen 127.0.0.1 "$P_PERSIST" persistence
  HOST[persistence]=127.0.0.1 PORT[persistence]=$P_PERSIST SERVER[persistence]=$pid_persistence
  BACKENDS[persistence]="vs_p1 vs_p2" CMDLINE[persistence]="${java_cmd[*]} ${args[*]}"
fi
if want rewrite; then
  vsftpd_start vs_r1 127.0.0.2 "$P_RW_BACK" "$R_RW_BACK" -
  vsftpd_start vs_r2 127.0.0.3 "$P_RW_BACK" "$R_RW_BACK" -
  args=(--listen "127.0.0.1:$P_REWRITE" --backend "127.0.0.2:$P_RW_BACK" --backend "127.0.0.3:$P_RW_BACK"
    --passive-ports "$R_REWRITE-$((R_REWRITE + REWRITE_PORTS - 1))" --advertise 127.0.0.1 --mode rewrite --policy maglev)
  start rewrite "${java_cmd[@]}" "${args[@]}"
  wait_listen 127.0.0.1 "$P_REWRITE" rewrite
  HOST[rewrite]=127.0.0.1 PORT[rewrite]=$P_REWRITE SERVER[rewrite]=$pid_rewrite
  BACKENDS[rewrite]="vs_r1 vs_r2" CMDLINE[rewrite]="${java_cmd[*]} ${args[*]}"
fi

# ProFTPD + mod_proxy: proftpd-core conflicts with vsftpd (both provide ftp-server), so the two
# packages are downloaded with `apt-get download` and unpacked into benchmarks/target/e2e-proftpd
# (kept for the next run), never installed; their shared-library dependencies are installed.
pf_cache=$repo/benchmarks/target/e2e-proftpd
pf_preload="/usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3"
proftpd_prepare() {
  local bin=$pf_cache/root/usr/sbin/proftpd mod=$pf_cache/root/usr/lib/proftpd/mod_proxy.so
  if [[ ! -x "$bin" || ! -f "$mod" ]]; then
    log "unpacking proftpd-core and proftpd-mod-proxy into $pf_cache"
    mkdir -p "$pf_cache/debs" && chmod 777 "$pf_cache/debs" || return 1
    if ! (cd "$pf_cache/debs" && apt-get download -q proftpd-core proftpd-mod-proxy >/dev/null 2>&1); then
      apt-get update -qq && apt_updated=1 || return 1
      (cd "$pf_cache/debs" && apt-get download -q proftpd-core proftpd-mod-proxy >/dev/null 2>&1) || return 1
    fi
    local deb
    for deb in "$pf_cache"/debs/*.deb; do dpkg-deb -x "$deb" "$pf_cache/root" || return 1; done
  fi
  # (grep -q would end the pipe early, and under pipefail ldd's SIGPIPE would read as "none missing")
  if [[ -n "$(ldd "$bin" "$mod" 2>&1 | grep 'not found' || true)" ]]; then
    log "installing proftpd's libraries"
    apt_install libhiredis0.14 libmemcached11 libmemcachedutil2 libsodium23 libsqlite3-0 libidn2-0 \
      libcap2 libacl1 libpcre2-posix3 libssl3 || return 1
  fi
  [[ -f "${pf_preload%% *}" && -f "${pf_preload##* }" ]] || return 1
  [[ -z "$(ldd "$bin" "$mod" 2>&1 | grep 'not found' || true)" ]] || return 1
  return 0
}
if want proftpd; then
  if proftpd_prepare; then
    vsftpd_start vs_pf_1 127.0.0.2 "$P_PF_BACK" "$R_PF_BACK" -
    vsftpd_start vs_pf_2 127.0.0.3 "$P_PF_BACK" "$R_PF_BACK" -
    mkdir -p "$work/proftpd-tables"
    sed -e "s|@LISTEN@|127.0.0.1|g" -e "s|@PORT@|$P_PROFTPD|g" -e "s|@PASV_LO@|$R_PROFTPD|g" \
      -e "s|@PASV_HI@|$((R_PROFTPD + 99))|g" -e "s|@WORK@|$work|g" -e "s|@MODULES@|$pf_cache/root/usr/lib/proftpd|g" \
      -e "s|@BACKEND1@|127.0.0.2|g" -e "s|@BACKEND2@|127.0.0.3|g" -e "s|@BACKEND_PORT@|$P_PF_BACK|g" \
      "$here/proftpd.conf.in" >"$work/proftpd.conf"
    start proftpd env LD_PRELOAD="$pf_preload" "$pf_cache/root/usr/sbin/proftpd" -n -c "$work/proftpd.conf"
    wait_listen 127.0.0.1 "$P_PROFTPD" proftpd
    HOST[proftpd]=127.0.0.1 PORT[proftpd]=$P_PROFTPD SERVER[proftpd]=$pid_proftpd KIDS[proftpd]=1
    BACKENDS[proftpd]="vs_pf_1 vs_pf_2"
    CMDLINE[proftpd]="LD_PRELOAD='$pf_preload' proftpd -n -c $work/proftpd.conf"
  else
    log "ProFTPD mod_proxy could not be set up; left out"
    TARGETS=${TARGETS//proftpd/}
    printf 'broken\tproftpd\tcould not unpack or run the Debian packages\n' >>"$work/broken.tsv"
  fi
fi

# --- measurements --------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
# cpu_ticks PID [children]: utime+stime of PID, plus cutime+cstime (reaped children: vsftpd's
# per-session processes) when the second argument is given.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }  # fields after "(comm) ": state is field 3, so utime (14) is index 11
  read -r -a f <<<"$stat"
  if [[ -n "${2:-}" ]]; then echo $((f[11] + f[12] + f[13] + f[14])); else echo $((f[11] + f[12])); fi
}
# The balancer's CPU; for ProFTPD (a process per session) including its reaped session processes.
server_ticks() { [[ -n "${SERVER[$1]}" ]] && cpu_ticks "${SERVER[$1]}" ${KIDS[$1]:-} || echo 0; }
backend_ticks() {
  local sum=0 b p
  for b in ${BACKENDS[$1]}; do p="pid_$b"; sum=$((sum + $(cpu_ticks "${!p}" children))); done
  echo $sum
}

raw=$work/raw.tsv
cat "$work/broken.tsv" >"$raw" 2>/dev/null || : >"$raw"
nsessions() { if [[ "$1" == proftpd ]]; then echo "$PROFTPD_SESSIONS"; else echo "$SESSIONS"; fi; }

# retr TARGET: one big RETR with curl over EPSV; prints "mib_s bytes seconds rc". A transfer still
# running after STALL_PROBE seconds gets a snapshot of every loopback TCP socket (ss -tnpi: queues,
# windows, owners) in benchmarks/target/e2e-stalls/, to show where its bytes wait.
STALL_PROBE=${STALL_PROBE:-10}
stall_dir=$(dirname "$OUT")/e2e-stalls
retr() {
  local t=$1 out rc=0 cpid ticks=0
  curl -s -o /dev/null --ftp-pasv --connect-timeout 10 --max-time "$STALL_SECONDS" \
    -w '%{speed_download} %{size_download} %{time_total}' \
    "ftp://anonymous:bench@${HOST[$t]}:${PORT[$t]}/big.bin" >"$work/curl.out" &
  cpid=$!
  while kill -0 "$cpid" 2>/dev/null; do
    sleep 0.1
    ticks=$((ticks + 1))
    if ((ticks == STALL_PROBE * 10)); then
      mkdir -p "$stall_dir"
      local snap
      snap=$stall_dir/$(date +%Y%m%d-%H%M%S)-$t.txt
      { echo "# $t: RETR of big.bin still running after ${STALL_PROBE}s; ports: control ${PORT[$t]}"
        ss -tnpi; } >"$snap" 2>&1
      log "  $t: RETR still running after ${STALL_PROBE}s; sockets in $snap"
    fi
  done
  wait "$cpid" || rc=$?
  out=$(cat "$work/curl.out")
  read -r speed size secs <<<"${out:-0 0 0}"
  awk -v s="$speed" -v b="$size" -v t="$secs" -v rc="$rc" 'BEGIN {printf "%.1f %d %.3f %d\n", s / 1048576, b, t, rc}'
}

# sessions TARGET N: prints the load generator's JSON line.
sessions() {
  timeout -k 5 $((STALL_SECONDS * 3 + 300)) python3 "$here/loadgen.py" --host "${HOST[$1]}" --port "${PORT[$1]}" \
    --file small.bin --expect "$SMALL_BYTES" --sessions "$2" --concurrency "$CONCURRENCY" \
    --sources "$SOURCES" --timeout "$STALL_SECONDS" --stall-seconds "$STALL_SECONDS" --max-seconds 240 ||
    echo '{"ok": 0, "failed": '"$2"', "stalls": 0, "elapsed_s": 0, "sessions_per_s": 0, "errors": ["load generator failed or timed out"]}'
}

json() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d.get(sys.argv[2], 0))' "$1" "$2"; }

# Functional check: a target that cannot serve the small file is reported and left out.
active=()
for t in $TARGETS; do
  [[ -n "${PORT[$t]:-}" ]] || die "unknown target $t"
  size=$(curl -s -o /dev/null --max-time 20 -w '%{size_download}' \
    "ftp://anonymous:bench@${HOST[$t]}:${PORT[$t]}/small.bin" || true)
  if [[ "$size" == "$SMALL_BYTES" ]]; then
    active+=("$t")
  else
    log "target $t fails the functional check (got '${size:-nothing}' bytes of $SMALL_BYTES); left out"
    printf 'broken\t%s\tsmall RETR returned %s bytes\n' "$t" "${size:-no}" >>"$raw"
  fi
done
((${#active[@]})) || die "no target works"

log "warm-up (not counted): one big RETR and $WARMUP_SESSIONS sessions per target"
for t in "${active[@]}"; do
  read -r mib _ secs rc <<<"$(retr "$t")"
  # ProFTPD manages ~30 sessions/s: a quarter of its own count warms it; the JVM's JIT needs thousands
  w=$(sessions "$t" "$([[ "$t" == proftpd ]] && echo $((PROFTPD_SESSIONS / 4)) || echo "$WARMUP_SESSIONS")")
  log "  warm-up $t: $mib MiB/s (curl rc $rc, ${secs}s), $(json "$w" sessions_per_s) sessions/s, $(json "$w" failed) failed"
done

n=${#active[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  order=()
  for ((i = 0; i < n; i++)); do order+=("${active[$(((i + r - 1) % n))]}"); done
  log "round $r/$ROUNDS: ${order[*]}"
  for t in "${order[@]}"; do
    p0=$(server_ticks "$t") b0=$(backend_ticks "$t")
    bytes=0 speeds=()
    for ((k = 1; k <= RETRS; k++)); do
      read -r mib size secs rc <<<"$(retr "$t")"
      stall=0
      if [[ "$rc" == 28 ]] || awk -v s="$secs" -v l="$STALL_SECONDS" 'BEGIN {exit !(s >= l)}'; then stall=1; fi
      printf 'retr\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$mib" "$size" "$secs" "$rc" "$stall" >>"$raw"
      bytes=$((bytes + size)) speeds+=("$mib")
      [[ "$rc" == 0 ]] || log "  $t RETR $k: curl rc $rc after ${secs}s, $size of $BIG_BYTES bytes$( ((stall)) && echo ' (stall)')"
    done
    sleep 0.3 # let the vsftpd listeners reap their session processes (cutime/cstime)
    p1=$(server_ticks "$t") b1=$(backend_ticks "$t")
    printf 'cpu\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$(((p1 - p0)))" "$(((b1 - b0)))" "$bytes" >>"$raw"

    p0=$(server_ticks "$t")
    s=$(sessions "$t" "$(nsessions "$t")")
    p1=$(server_ticks "$t")
    printf 'sess\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$(json "$s" ok)" "$(json "$s" failed)" \
      "$(json "$s" stalls)" "$(json "$s" sessions_per_s)" "$(json "$s" p50_ms)" "$(json "$s" p99_ms)" \
      "$((p1 - p0))" >>"$raw"
    errs=$(json "$s" errors)
    log "  $t: RETR ${speeds[*]} MiB/s; $(json "$s" sessions_per_s) sessions/s ($(json "$s" ok) ok, $(json "$s" failed) failed, $(json "$s" stalls) stalls)$([[ "$errs" != "[]" ]] && echo " errors: $errs")"
  done
done

# --- data-port pool (issue 14): churn and a PASV flood through the rewrite proxy -----------------
# POOL=1: CLIENTS sessions from 127.0.1.x each run POOL_RETRS small EPSV downloads in a row through
# the rewrite proxy's REWRITE_PORTS-port range (data connections per second, every 425 counted);
# then the same churn while one more client (127.0.2.10) sends POOL_FLOOD PASVs and never connects.
# 32 clients of 200: each stays under the allocator's per-client share (128 leases/s sustained,
# bursts of 256; DataPortAllocator's defaults), so any 425 they see is the flood's doing.
POOL=${POOL:-0} POOL_CLIENTS=${POOL_CLIENTS:-32} POOL_RETRS=${POOL_RETRS:-200} POOL_FLOOD=${POOL_FLOOD:-3000}
pool_lines=()
if [[ "$POOL" == 1 ]] && [[ " ${active[*]} " == *" rewrite "* ]]; then
  # direct first (when measured): the rate the clients and vsftpd reach without a proxy
  runs=("rewrite 0" "rewrite $POOL_FLOOD")
  [[ " ${active[*]} " == *" direct "* ]] && runs=("direct 0" "${runs[@]}")
  for run in "${runs[@]}"; do
    read -r t flood <<<"$run"
    log "pool: $POOL_CLIENTS clients x $POOL_RETRS RETRs through $t, flood $flood PASVs"
    j=$(timeout -k 5 700 python3 "$here/pool.py" --host "${HOST[$t]}" --port "${PORT[$t]}" --file small.bin \
      --clients "$POOL_CLIENTS" --retrs "$POOL_RETRS" --flood "$flood" || echo '{"errors": ["pool.py failed"]}')
    log "  pool: $j"
    printf 'pool\t%s\t%s\t%s\n' "$t" "$flood" "$j" >>"$raw"
    pool_lines+=("- $t, flood of $flood PASVs: \`$j\`")
  done
fi

# --- report --------------------------------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
{
  echo "# ftproute end-to-end benchmark"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uname -r)), $(java -version 2>&1 | head -1)," \
    "$(haproxy -v | head -1 | cut -d' ' -f1-3), vsftpd $(dpkg-query -W -f='${Version}' vsftpd 2>/dev/null || echo '?'), curl $(curl --version | head -1 | cut -d' ' -f2)."
  echo "Proxy: $PROXY_JAR (built $(date -u -r "$PROXY_JAR" '+%Y-%m-%d %H:%M UTC'), work tree at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')), JVM options: $PROXY_JAVA_OPTS."
  echo "Rounds: $ROUNDS; per target and round: $RETRS x ${BIG_MIB} MiB RETR (curl, EPSV), $SESSIONS sessions" \
    "(ProFTPD: $PROFTPD_SESSIONS) (login, RETR ${SMALL_BYTES} B, QUIT; $CONCURRENCY at a time from $SOURCES); stall = over ${STALL_SECONDS} s."
  echo "Passive ranges: 100 ports each, except the rewrite proxy's own: $REWRITE_PORTS ports."
  echo
  python3 "$here/report.py" "$raw" "$clk_tck" "$BIG_BYTES"
  echo
  if ((${#pool_lines[@]})); then
    echo "Data-port pool through the rewrite proxy ($REWRITE_PORTS ports), $POOL_CLIENTS clients x $POOL_RETRS RETRs of ${SMALL_BYTES} B (benchmarks/e2e/pool.py):"
    echo
    printf '%s\n' "${pool_lines[@]}"
    echo
  fi
  echo "Command lines:"
  echo
  for t in "${active[@]}"; do echo "- $t: \`${CMDLINE[$t]}\`"; done
} >"$OUT"
cp "$raw" "$(dirname "$OUT")/e2e-raw.tsv"
cat "$OUT"
log "table in $OUT (raw rows in $(dirname "$OUT")/e2e-raw.tsv)"
