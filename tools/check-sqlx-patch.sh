#!/usr/bin/env bash
# Fails unless the workspace resolves sqlx-sqlite to vendor/sqlx-sqlite, the patched
# driver (see vendor/sqlx-sqlite/GATEWAY.md). Cargo only warns when a `[patch]` is not
# used (after an sqlx upgrade the vendored version no longer matches, say), and the
# build then silently runs upstream's driver, with its thread per connection.
# Run from anywhere: tools/check-sqlx-patch.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly expected="$(pwd)/vendor/sqlx-sqlite"

# `{p}` prints "NAME VERSION (PATH)" for a path package and no path for a registry one;
# more than one sqlx-sqlite in the graph makes `cargo tree -i` itself fail.
resolved=$(cargo tree --workspace --edges all --invert sqlx-sqlite --depth 0 --prefix none --format '{p}' \
    | sed '/^$/d' | sort -u)
echo "resolved: ${resolved}"
if [[ "$resolved" != "sqlx-sqlite v"*" (${expected})" || "$resolved" == *$'\n'* ]]; then
    echo "sqlx-sqlite does not resolve to ${expected}: the [patch.crates-io] entry in Cargo.toml" >&2
    echo "is not used (does its version still match the sqlx-sqlite that sqlx asks for?)" >&2
    exit 1
fi
echo "sqlx-sqlite is the vendored, patched driver"
