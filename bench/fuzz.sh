#!/usr/bin/env bash
# The long fuzzing run (opt-in; the normal suite has its own shorter Schemathesis run):
# starts the sandbox with the documented command on a throw-away store, then runs
# Schemathesis over HTTP with every phase (examples, coverage, fuzzing, stateful),
# every check and many examples. It fails if Schemathesis reports any failure or if
# the server answered any 5xx (read from its access log).
#
#   bench/fuzz.sh                 # 500 examples per operation
#   FUZZ_EXAMPLES=2000 bench/fuzz.sh
#   FUZZ_SEED=1 bench/fuzz.sh     # reproduce a run
#
# Reports (JUnit, and a pytest file reproducing each failure) land in $FUZZ_REPORT_DIR
# (default: a temporary folder, printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES="${FUZZ_EXAMPLES:-500}"
SEED_ARGS=()
if [[ -n "${FUZZ_SEED:-}" ]]; then SEED_ARGS=(--seed "$FUZZ_SEED"); fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WORK="$(mktemp -d)"
REPORT_DIR="${FUZZ_REPORT_DIR:-$WORK/report}"
mkdir -p "$REPORT_DIR"

if command -v biteship-sandbox >/dev/null; then SANDBOX=(biteship-sandbox); else SANDBOX=(python3 -m sandbox); fi
"${SANDBOX[@]}" --port "$PORT" --db "$WORK/fuzz.json" --seed 0 2>"$WORK/server.log" &
SERVER_PID=$!
cleanup() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 100); do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; then break; fi
  sleep 0.1
done

status=0
schemathesis run openapi.yaml \
  --url "http://127.0.0.1:$PORT" \
  --phases examples,coverage,fuzzing,stateful \
  --checks all \
  --max-examples "$EXAMPLES" \
  --exclude-tag sandbox \
  -H "authorization: biteship_test.fuzz" \
  --continue-on-failure \
  --workers 1 \
  --report junit,pytest --report-dir "$REPORT_DIR" \
  "${SEED_ARGS[@]}" || status=$?

cleanup
trap - EXIT
# Access log lines: "METHOD PATH STATUS CODE MS".
server_errors="$(grep -E '^[A-Z]+ [^ ]+ 5[0-9][0-9] ' "$WORK/server.log" || true)"
if [[ -n "$server_errors" ]]; then
  echo "fuzz: the server answered 5xx:" >&2
  echo "$server_errors" | sort | uniq -c | sort -rn | head -20 >&2
  grep -n -A20 'Traceback' "$WORK/server.log" | head -60 >&2 || true
  status=1
fi
echo "fuzz: $(grep -cE '^[A-Z]+ /' "$WORK/server.log") requests served, exit $status (server log: $WORK/server.log, reports: $REPORT_DIR)"
exit "$status"
