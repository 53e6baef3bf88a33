#!/usr/bin/env bash
# Measures the real board (release build) against `teamboard sim --scenario static` in tmux:
#   - first frame from the cached snapshot (measured inside the process, TEAMBOARD_TIMINGS) at 40 and N people
#   - resident memory watching N people (default 10,000)
#   - idle CPU over IDLE_SECS (default 60) with the default 30 s refresh, and wake-ups (context switches)
#   - bytes written to the terminal while nothing changes (tmux pipe-pane)
#   - the same idle figures with the tenant answering uncompressed (--no-compression), unless COMPARE=0
#   - a cold start (no cache, members by object id) of `teamboard status` at each of COLD_SIZES against a
#     tenant with 50 ms latency: wall time and the requests it took
# Usage: scripts/measure-board.sh [N]
# env: TEAMBOARD_BIN, IDLE_SECS, SIZES, FIRST_RUNS, COMPARE, COLD_SIZES (default "40 1000 N")
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-10000}"
IDLE_SECS="${IDLE_SECS:-60}"
BIN="${TEAMBOARD_BIN:-target/release/teamboard}"
if [[ -z "${TEAMBOARD_BIN:-}" ]]; then
  cargo build --release --quiet
fi
BIN="$(realpath "$BIN")"
command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 1; }

WORK="$(mktemp -d)"
SOCK="tb-measure-$$"
SIM_PID=""
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

CLK_TCK="$(getconf CLK_TCK)"

# Starts `teamboard sim` with $1 people (and any further arguments for it); sets SIM_PID, SIM_OUT,
# CONFIG and TOKEN.
start_sim() {
  local people="$1" out="$WORK/sim-$1.out"
  shift
  SIM_OUT="$out"
  "$BIN" sim --scenario static --team-size "$people" --port 0 "$@" >"$out" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 100); do grep -q '^export TEAMBOARD_ACCESS_TOKEN=' "$out" && break; sleep 0.05; done
  CONFIG="$WORK/sim-$people.toml"
  # The banner's config block: from [graph] to the line before the token.
  sed -n '/^\[graph\]/,/^# Or skip sign-in/p' "$out" | grep -v '^# Or skip' >"$CONFIG"
  TOKEN="$(sed -n 's/^export TEAMBOARD_ACCESS_TOKEN=//p' "$out")"
}

stop_sim() { kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""; }

# Runs the board in a detached 200x60 tmux session with private XDG dirs under $1.
start_board() {
  local home="$1"
  mkdir -p "$home"
  tmux -L "$SOCK" -f /dev/null new-session -d -s b -x 200 -y 60 \
    "exec env XDG_CACHE_HOME=$home/cache XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state \
     XDG_DATA_HOME=$home/data TEAMBOARD_ACCESS_TOKEN=$TOKEN TEAMBOARD_TIMINGS=$home/timings \
     $BIN --config $CONFIG"
}

board_pid() { tmux -L "$SOCK" display -p -t b '#{pane_pid}'; }

wait_for_screen() {
  local pattern="$1"
  for _ in $(seq 400); do
    tmux -L "$SOCK" capture-pane -p -t b | grep -q -- "$pattern" && return 0
    sleep 0.05
  done
  echo "timed out waiting for: $pattern" >&2
  tmux -L "$SOCK" capture-pane -p -t b >&2
  return 1
}

quit_board() { tmux -L "$SOCK" send-keys -t b q; sleep 0.5; tmux -L "$SOCK" kill-server 2>/dev/null || true; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU time in nanoseconds, summed over the process's live threads (schedstat: finer than ticks).
# "tid nanoseconds on CPU" per live thread: a sum over threads would drop, even below zero, when a
# thread that ran before the window ends during it (tokio's blocking threads idle out after 10 s).
cpu_ns() {
  for t in /proc/"$1"/task/*; do
    echo "${t##*/} $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)"
  done
}
# "tid voluntary involuntary" per live thread.
thread_switches() {
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print tid, v, n}' "$t/status" 2>/dev/null
  done
}

echo "== teamboard board measurements ($(uname -sr), $(nproc) cpus)"

# First frame from the cache: a first run fills it, the second draws it before any network.
for people in ${SIZES:-40 $N}; do
  start_sim "$people"
  home="$WORK/first-$people"
  start_board "$home"
  wait_for_screen "updated "
  for _ in $(seq 200); do ls "$home"/cache/teamboard/snapshot-* >/dev/null 2>&1 && break; sleep 0.05; done
  quit_board
  rm -f "$home/timings"
  # Several starts: one start's figure moves with whatever else the machine is doing.
  for _ in $(seq "${FIRST_RUNS:-5}"); do
    start_board "$home"
    wait_for_screen "updated "
    quit_board
  done
  echo "first frame from the cache, $people people (start of board::run to the first draw), ${FIRST_RUNS:-5} starts:"
  sed -n 's/^/  /p' "$home/timings"
  sed -n 's/.*first_frame_ms=\([0-9.]*\).*/\1/p' "$home/timings" | sort -n |
    awk '{v[NR] = $1} END {printf "  median %.1f ms, best %.1f ms, worst %.1f ms\n", v[int((NR + 1) / 2)], v[1], v[NR]}'
  stop_sim
done

# Memory, idle CPU, wake-ups and terminal writes watching N people with the default 30 s
# refresh; $1 names the run's directory, $2 describes it, the rest goes to the tenant.
idle_run() {
  local slug="$1" label="$2"
  shift 2
  start_sim "$N" "$@"
  home="$WORK/idle-$slug"
  start_board "$home"
  wait_for_screen "updated "
  PID="$(board_pid)"
  sleep 5
  PIPE="$WORK/pane-bytes-$slug"
  : >"$PIPE"
  tmux -L "$SOCK" pipe-pane -t b -o "cat >> $PIPE"
  t0="$(cpu_ticks "$PID")"
  cpu_ns "$PID" >"$WORK/ns0"
  thread_switches "$PID" >"$WORK/sw0"
  sleep "$IDLE_SECS"
  t1="$(cpu_ticks "$PID")"
  cpu_ns "$PID" >"$WORK/ns1"
  thread_switches "$PID" >"$WORK/sw1"
  tmux -L "$SOCK" pipe-pane -t b
  rss_kb="$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")"
  hwm_kb="$(awk '/^VmHWM/ {print $2}' "/proc/$PID/status")"
  threads="$(ls /proc/"$PID"/task | wc -l)"
  ticks=$((t1 - t0))
  cpu_pct="$(awk -v t="$ticks" -v hz="$CLK_TCK" -v s="$IDLE_SECS" 'BEGIN {printf "%.4f", 100 * t / hz / s}')"
  echo "watching $N people ($label; static scenario, refresh 30 s, 200x60; load: $(cut -d' ' -f1-3 /proc/loadavg)):"
  awk -v r="$rss_kb" -v h="$hwm_kb" -v t="$threads" 'BEGIN {printf "  resident memory: %.1f MB (peak %.1f MB), %d threads\n", r / 1024, h / 1024, t}'
  echo "  idle CPU over ${IDLE_SECS} s: $ticks ticks of 1/$CLK_TCK s = ${cpu_pct} % of one core"
  # Per thread alive at the end (one that started during the window counts from zero; one that
  # ended during it is not counted).
  awk -v s="$IDLE_SECS" 'NR == FNR {a[$1] = $2; next} {d += $2 - a[$1]} END {printf "  idle CPU over %d s (schedstat): %.1f ms = %.4f %% of one core\n", s, d / 1e6, 100 * d / 1e9 / s}' "$WORK/ns0" "$WORK/ns1"
  # Wake-ups: context switches per thread over the window (threads that ended during it are not counted;
  # a thread that started during it counts from zero). The main thread runs the event loop.
  echo "  wake-ups over ${IDLE_SECS} s (voluntary+involuntary context switches per thread; $PID is the event loop):"
  awk 'NR == FNR {v[$1] = $2; n[$1] = $3; next} {printf "    thread %s: %d\n", $1, ($2 - v[$1]) + ($3 - n[$1])}' "$WORK/sw0" "$WORK/sw1"
  echo "  terminal writes over ${IDLE_SECS} s while nothing changes: $(wc -c <"$PIPE") bytes"
  if [[ -s "$PIPE" ]]; then
    echo "    (what was written, control characters shown as ^X:)"
    cat -v "$PIPE" | fold -w 160 | sed 's/^/    /' | head -5
  fi
  quit_board
  stop_sim
}

idle_run gzip "gzip, as Graph answers when asked"
if [[ "${COMPARE:-1}" != 0 ]]; then
  idle_run plain "uncompressed" --no-compression
fi

# Cold starts: `teamboard status` with no cache and every member named by object id, against a tenant
# answering each request 50 ms late (inner $batch requests are not delayed, as in Graph).
for people in ${COLD_SIZES:-40 1000 $N}; do
  start_sim "$people"
  home="$WORK/cold-$people"
  mkdir -p "$home"
  # Everyone's id, from a status run through the tenant's everyone-group.
  env XDG_CACHE_HOME="$home/ids-cache" XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" \
    XDG_DATA_HOME="$home/data" TEAMBOARD_ACCESS_TOKEN="$TOKEN" \
    "$BIN" status --json --config "$CONFIG" | jq -r '.[].id' >"$home/ids"
  stop_sim
  start_sim "$people" --latency-ms 50
  members="$(sed 's/.*/"&"/' "$home/ids" | paste -sd, -)"
  sed -e '/^\[team\]/,$d' "$CONFIG" >"$home/members.toml"
  printf '[team]\nmembers = [%s]\n' "$members" >>"$home/members.toml"
  started="$(date +%s%N)"
  env XDG_CACHE_HOME="$home/cache" XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" \
    XDG_DATA_HOME="$home/data" TEAMBOARD_ACCESS_TOKEN="$TOKEN" \
    "$BIN" status --line --config "$home/members.toml" >/dev/null
  ended="$(date +%s%N)"
  stop_sim
  served="$(grep '^served ' "$SIM_OUT" || true)"
  echo "cold start, $people people by id, 50 ms latency (load: $(cut -d' ' -f1-3 /proc/loadavg)): $(( (ended - started) / 1000000 )) ms"
  echo "  $served"
done
