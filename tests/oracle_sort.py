#!/usr/bin/env python3
"""An independent reading of docs/rules.md §3, §3.3, §3.4 and §9 in Python (csv
from the standard library, names ordered by ICU through oracle_name_key.py),
used by tests/e2e.sh to cross-check `ssrfill sort` on generated files.  It
shares no code with the C implementation: a rule misread in C shows up as a
difference here.

usage: oracle_sort.py STUDENTS.csv SORTED_OUT.csv REJECT_LINES_OUT
Writes the accepted rows (re-serialised with csv) in print order, and the
line numbers of the rejected records, one per line.
"""
import csv
import sys

from oracle_name_key import name_key

REPORTS = ["SB", "CAA", "CAST", "CAAS", "CSA", "ELPAC"]
GRADES = ["TK", "KN"] + ["%02d" % g for g in range(1, 13)]
SB = {"03", "04", "05", "06", "07", "08", "11"}
SCI = {"05", "08", "10", "11", "12"}
ALLOWED = {"SB": SB, "CAA": SB, "CAST": SCI, "CAAS": SCI,
           "CSA": {"%02d" % g for g in range(3, 13)}, "ELPAC": set(GRADES)}
REQUIRED = ["ssid", "lea_code", "school_code", "grade", "last_name",
            "first_name", "report"]


def digits(v, n):
    return len(v) == n and all("0" <= c <= "9" for c in v)


def valid(r):
    if not digits(r["ssid"], 10) or not digits(r["lea_code"], 7):
        return False
    if not digits(r["school_code"], 7) or r["grade"] not in GRADES:
        return False
    if not r["last_name"].strip(" \t") or not r["first_name"].strip(" \t"):
        return False
    if r["report"] not in REPORTS:
        return False
    pl = r.get("primary_language", "")
    if pl and not digits(pl, 2):
        return False
    if r.get("ssr_language", "") not in ("", "EN", "ES", "VI", "ZH", "FIL", "KO"):
        return False
    if r.get("paper_ssr", "") not in ("", "Y", "N"):
        return False
    return r["grade"] in ALLOWED[r["report"]]


def main():
    src, out, rej = sys.argv[1:4]
    raw = open(src, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines = raw.split(b"\n")
    header = next(csv.reader([lines[0].decode()]))
    idx = {h.strip().lower(): i for i, h in enumerate(header)}
    assert all(c in idx for c in REQUIRED)
    keep, rejected, seen = [], [], set()
    # the generator never puts line breaks inside fields: one line, one record
    for no, line in enumerate(lines[1:], start=2):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            rejected.append(no)
            continue
        fields = next(csv.reader([text]))
        if len(fields) != len(header) or '"' in text and text.count('"') % 2:
            rejected.append(no)
            continue
        r = {k: fields[i] for k, i in idx.items()}
        if not valid(r):
            rejected.append(no)
            continue
        ident = (r["ssid"], r["report"])
        if ident in seen:
            rejected.append(no)
            continue
        seen.add(ident)
        key = (r["lea_code"], r["school_code"], GRADES.index(r["grade"]),
               name_key(r["last_name"]), name_key(r["first_name"]), r["ssid"],
               REPORTS.index(r["report"]))
        keep.append((key, fields))
    keep.sort(key=lambda kv: kv[0])
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for _, fields in keep:
            w.writerow(fields)
    with open(rej, "w") as f:
        f.write("".join("%d\n" % n for n in rejected))


if __name__ == "__main__":
    main()
