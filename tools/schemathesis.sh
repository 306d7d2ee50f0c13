#!/usr/bin/env bash
# Checks that /api/openapi.json tells the truth: schemathesis (pinned, from PyPI, in
# its own virtual environment) drives a `gateway serve` that this script starts, with
# the demo data, and fails on any failure of the four checks below.
#
#   tools/schemathesis.sh [SECONDS] [DATABASE_URL]
#
# SECONDS (default 120) is split between four passes:
#   - anonymous: every operation, as a client without a token sees it;
#   - as the demo operator, shopper and merchant: every operation but logout, which
#     would revoke the token the pass runs on.
# DATABASE_URL unset runs on the embedded SQLite; a postgres:// URL names a database
# that this script creates and drops.
# The binary is target/debug/gateway (GATEWAY_BIN overrides it); build it first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly SCHEMATHESIS_VERSION=4.32.5
readonly SECONDS_TOTAL=${1:-120}
readonly DATABASE_URL=${2:-}
readonly VENV=${SCHEMATHESIS_VENV:-target/schemathesis-venv}
readonly BIN=${GATEWAY_BIN:-target/debug/gateway}
readonly CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

if [[ ! -x "$VENV/bin/schemathesis" ]] || ! "$VENV/bin/schemathesis" --version | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "schemathesis==${SCHEMATHESIS_VERSION}"
fi

work=$(mktemp -d)
server=""
pg_db=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    [[ -n "$pg_db" ]] && psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS ${pg_db} WITH (FORCE)" >/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# A free port, so that two runs (or a developer's server) do not collide.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:${port}"

args=(serve --data-dir "$work/data" --addr "127.0.0.1:${port}")
if [[ -n "$DATABASE_URL" ]]; then
    pg_db="gateway_schemathesis_$$"
    psql "$DATABASE_URL" -qc "CREATE DATABASE ${pg_db}" >/dev/null
    args+=(--database-url "${DATABASE_URL%/*}/${pg_db}")
fi
"$BIN" "${args[@]}" >"$work/server.log" 2>&1 &
server=$!
for ((i = 0; i < 120; i++)); do
    curl -fs -o /dev/null "$base/healthz" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.5
done
curl -fs -o /dev/null "$base/healthz" || { echo "gateway did not start" >&2; cat "$work/server.log" >&2; exit 1; }

login() {
    curl -fs -X POST -H 'Content-Type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"gateway-demo\"}" "$base/api/v1/auth/login" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

pass() {
    local name=$1
    shift
    echo "--- schemathesis, ${name}, $((SECONDS_TOTAL / 4)) s"
    "$VENV/bin/schemathesis" run "$base/api/openapi.json" --checks "$CHECKS" \
        --max-time "$((SECONDS_TOTAL / 4))" --no-color "$@"
}

status=0
pass anonymous || status=1
for who in operator shopper prairie-honey; do
    token=$(login "${who}@demo.gateway.test")
    pass "as ${who}" -H "Authorization: Bearer ${token}" --exclude-path /api/v1/auth/logout || status=1
done
if grep -q ' ERROR ' "$work/server.log"; then
    echo "the server logged errors:" >&2
    grep ' ERROR ' "$work/server.log" >&2
    status=1
fi
exit "$status"
