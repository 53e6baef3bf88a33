#!/usr/bin/env bash
# Fault soak: the real board in tmux against `teamboard sim` answering with random 429s and 5xx for a
# bounded few minutes. Checks that the board keeps answering keys, memory stays flat, the terminal comes back
# intact, and the request rate stays near one poll per interval (no retry storm).
#
#   scripts/soak.sh [SECONDS]        default 180; needs tmux; builds the release binary if missing
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-180}
interval=5           # the shortest refresh interval config allows: the most polls, the most faults
fail_rate=0.5
throttle_every=5
bin=target/release/teamboard
[ -x "$bin" ] || cargo build --release --quiet

work=$(mktemp -d)
session="teamboard-soak-$$"
sim_pid=""
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data"

fail() { echo "FAIL: $*"; exit 1; }

"$bin" sim --team-size 40 --scenario workday --fail-rate "$fail_rate" --throttle-every "$throttle_every" \
  --retry-after 3 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 50); do grep -q '^export TEAMBOARD_ACCESS_TOKEN=' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
base_url=$(sed -n 's/^base_url = "\(.*\)"$/\1/p' "$work/sim.out" | head -n1)
group=$(sed -n 's/^groups = \["\(.*\)"\]$/\1/p' "$work/sim.out" | head -n1)
token=$(sed -n 's/^export TEAMBOARD_ACCESS_TOKEN=//p' "$work/sim.out")
[ -n "$base_url" ] && [ -n "$token" ] || fail "the simulated tenant did not start: $(cat "$work/sim.err")"

cat >"$work/soak.toml" <<EOF
[graph]
base_url = "$base_url"
timeout_secs = 5
[team]
groups = ["$group"]
[refresh]
interval_secs = $interval
EOF

tmux new-session -d -s "$session" -x 120 -y 40 \
  "env TEAMBOARD_ACCESS_TOKEN=$token $bin --config $work/soak.toml; echo EXITED-\$?; sleep 30"
pane_pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
board_pid=""
for _ in $(seq 50); do
  board_pid=$(pgrep -P "$pane_pid" -x teamboard || true)
  [ -n "$board_pid" ] && break
  sleep 0.1
done
[ -n "$board_pid" ] || fail "the board did not start"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$board_pid/status"; }
screen() { tmux capture-pane -p -t "$session"; }
wait_for() { # pattern, what
  for _ in $(seq 40); do screen | grep -q -- "$1" && return 0; sleep 0.25; done
  screen; fail "$2"
}

wait_for "teamboard" "no board on screen"
sleep 10 # let the first polls and the roster land before taking the memory baseline
baseline=$(rss)
peak=$baseline
start=$(date +%s)
checks=0
while [ $(( $(date +%s) - start )) -lt "$duration" ]; do
  kill -0 "$board_pid" 2>/dev/null || fail "the board died: $(screen)"
  tmux send-keys -t "$session" '?'
  wait_for "Enter keeps it" "help did not open: the board stopped answering keys"
  tmux send-keys -t "$session" Escape
  for _ in $(seq 40); do screen | grep -q "Enter keeps it" || break; sleep 0.25; done
  screen | grep -q "Enter keeps it" && fail "help did not close"
  now=$(rss); [ "$now" -gt "$peak" ] && peak=$now
  checks=$((checks + 1))
  sleep 5
done
final=$(rss)

tmux send-keys -t "$session" q
wait_for "EXITED-0" "the board did not quit cleanly with q"
[ "$(tmux display-message -p -t "$session" '#{alternate_on}')" = "0" ] || fail "alternate screen left on"

kill -TERM "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=""
summary=$(grep '^served ' "$work/sim.err" || true)
batches=$(sed -n 's/.*presence_batch=\([0-9]*\).*/\1/p' <<<"$summary")
[ -n "$batches" ] || fail "no request summary from the simulated tenant"

elapsed=$(( $(date +%s) - start + 10 ))
polls=$(( elapsed / interval + 1 ))
# Each poll is one batch request, retried at most 3 times; throttling only ever lowers the count.
ceiling=$(( polls * 4 ))
growth_kb=$(( final - baseline ))

echo "soak: ${elapsed}s, ${checks} key checks answered, interval ${interval}s, fail rate ${fail_rate}, 429 every ${throttle_every}"
echo "soak: $summary"
echo "soak: presence requests ${batches} for ~${polls} polls (ceiling ${ceiling}: one poll plus at most 3 retries each)"
echo "soak: RSS baseline ${baseline} kB, peak ${peak} kB, final ${final} kB (growth ${growth_kb} kB)"
[ "$batches" -le "$ceiling" ] || fail "request storm: ${batches} presence requests for ~${polls} polls"
[ "$batches" -ge $(( polls / 4 )) ] || fail "polling stalled: only ${batches} presence requests for ~${polls} polls"
[ "$growth_kb" -le 4096 ] || fail "memory grew by ${growth_kb} kB"
echo "soak: PASS"
