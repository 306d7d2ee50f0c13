#!/usr/bin/env python3
"""Reads a slice of a Gateway log written with GATEWAY_LOG=warn,sqlx::query=debug and
prints the statements as JSON lines {"sql": "..."} (sqlx logs no parameters; BEGIN
and COMMIT are not logged by sqlx, the store's code shows where they are).
Usage: parse_sqlxlog.py < slice.log
"""
import json
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
for line in sys.stdin:
    line = ANSI.sub("", line)
    m = re.search(r'db\.statement="((?:[^"\\]|\\.)*)"', line)
    if not m:
        continue
    sql = json.loads('"' + m.group(1) + '"')
    sql = " ".join(sql.split())
    if "FROM outbox WHERE id >" in sql:
        continue
    print(json.dumps({"sql": sql}, ensure_ascii=False))
