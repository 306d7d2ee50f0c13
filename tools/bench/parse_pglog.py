#!/usr/bin/env python3
"""Reads a slice of a PostgreSQL log written with log_statement = 'all' and prints the
statements one database session issued, with their parameters, as JSON lines:
{"sql": "...", "params": ["...", null, ...]}.

Usage: parse_pglog.py DBNAME < slice.log
Continuation lines (a statement over several lines) are joined; the outbox poll of the
background worker ("FROM outbox WHERE id >") and anything after it are left out.
"""
import json
import re
import sys

PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[(\d+)\] (\S*)@(\S*) (LOG|DETAIL):  (.*)$")


def parse_params(text):
    """`$1 = 'a''b', $2 = NULL` -> {1: "a'b", 2: None}."""
    out, i = {}, 0
    while i < len(text):
        m = re.compile(r"\s*,?\s*\$(\d+) = ").match(text, i)
        if not m:
            break
        n, i = int(m.group(1)), m.end()
        if text.startswith("NULL", i):
            out[n], i = None, i + 4
            continue
        assert text[i] == "'", text[i:i + 40]
        i += 1
        buf = []
        while True:
            j = text.index("'", i)
            buf.append(text[i:j])
            if text.startswith("''", j):
                buf.append("'")
                i = j + 2
            else:
                i = j + 1
                break
        out[n] = "".join(buf)
    return out


def entries(lines, db):
    cur = None
    for line in lines:
        line = line.rstrip("\n")
        m = PREFIX.match(line)
        if not m:
            if cur is not None:
                cur[2] += "\n" + line
            continue
        if cur is not None:
            yield cur
        cur = [m.group(3), m.group(4), m.group(5)] if m.group(3) == db else None
    if cur is not None:
        yield cur


def main():
    db = sys.argv[1]
    stmts = []
    for dbname, kind, text in entries(sys.stdin, db):
        if kind == "LOG":
            m = re.match(r"(?:execute [^:]+|statement): (.*)$", text, re.S)
            if not m:
                continue
            stmts.append({"sql": m.group(1), "params": []})
        elif kind == "DETAIL" and text.startswith("parameters: ") and stmts:
            p = parse_params(text[len("parameters: "):])
            stmts[-1]["params"] = [p[k] for k in sorted(p)]
    for s in stmts:
        print(json.dumps(s, ensure_ascii=False))


if __name__ == "__main__":
    main()
