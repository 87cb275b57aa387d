#!/usr/bin/env python3
"""An independent reading of docs/rules.md §3-§12 in Python (the standard library,
and ICU for the name order through oracle_name_key.py), used to cross-check
the output directory of `ssrfill run`.
It shares no code with the C implementation: a rule misread in C shows up
here as a difference.

usage: oracle_run.py STUDENTS.csv[.zst] ORDERS.csv[.zst] OUTDIR [--config FILE]
                     [--invoice-date YYYY-MM-DD]

From the inputs (and the config, built-in defaults of §5 unless --config)
the oracle computes the rejected student and order lines, which rows print
and how (copy-2 language, paper, sheets, envelopes, weight), the print order
of every shipment, the boxes, and the invoice lines.  It then reads OUTDIR
and compares:

  1. rejects/students.csv and rejects/orders.csv (the `line` column);
  2. print/<shipment>.csv.zst, row for row;
  3. manifests/<shipment>.csv, row for row;
  4. invoices/invoices.csv, line for line, per-LEA and grand totals: a
     line per (LEA, item, envelopes, order), each with the PO number of the
     order that covered its sets (§6: the school's, else the LEA-wide one),
     the parents' sets (paper_ssr) on lines of their own without a PO;
     every line dated alike (--invoice-date when given) and due
     terms_days later (§16.4);
  5. summary.json counts and reconciliation;
  5b. reports/orders_without_reports.csv (active orders no accepted row
     falls under) and reports/envelopes_without_address.csv (envelope sets
     with address_line1, city, state or zip blank), row for row;
  6. the output's own consistency (print stream vs manifests vs invoices),
     which needs no oracle.

Exit 0 when everything matches, 1 with the first differences otherwise
(2 on usage or unusable input).  zstd-compressed files (inputs and print
streams) are read through `zstd -dc`.

Readings of points docs/rules.md leaves open (each agrees with ssrfill unless
marked otherwise):
  - a record whose quotes are malformed (a quote inside an unquoted field,
    text after a closing quote) is a reject and ends at the end of its line;
    a blank line is no record and is not counted;
  - a name is "empty after trimming spaces" when only spaces and tabs;
  - codes, Y/N flags and language codes are case-sensitive and untrimmed;
  - a duplicate is a second *accepted* (ssid, report): a row rejected for
    another reason does not make a later row a duplicate;
  - copy 2: the offered-languages test comes first, then the CSA rule;
  - the manifest's `sheets` and `envelopes` count the sets only (dividers
    have their own column); first_student/last_student are "Last, First";
  - invoices.csv lines are grouped by LEA then item, then envelopes, then
    the LEA-wide order, schools' orders by code, parents' (§16.4);
  - an unavailable program prints nothing, not even rows with
    paper_ssr = Y (ssrfill prints and bills them: see
    INDIVIDUAL_NEEDS_AVAILABLE; set ORACLE_INDIVIDUAL_WHEN_UNAVAILABLE=1 to
    follow ssrfill).
"""
import configparser
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import time
from decimal import Decimal, InvalidOperation

from oracle_name_key import name_key

# --------------------------------------------------------------- the tables

REPORTS = ["SB", "CAA", "CAST", "CAAS", "CSA", "ELPAC"]
GRADES = ["TK", "KN"] + ["%02d" % g for g in range(1, 13)]
_SB = {"03", "04", "05", "06", "07", "08", "11"}
_SCI = {"05", "08", "10", "11", "12"}
ALLOWED = {"SB": _SB, "CAA": _SB, "CAST": _SCI, "CAAS": _SCI,
           "CSA": {"%02d" % g for g in range(3, 13)}, "ELPAC": set(GRADES)}
PROGRAM = {"SB": "CAASPP", "CAA": "CAASPP", "CAST": "CAASPP",
           "CAAS": "CAASPP", "CSA": "CAASPP", "ELPAC": "ELPAC"}
SHIPMENT = {"SB": "august", "CAA": "august", "CAST": "winter",
            "CAAS": "winter", "CSA": "winter", "ELPAC": "elpac"}
SHIPMENTS = ["august", "winter", "elpac"]
FOUR_PAGE = {"SB", "CAA"}
ITEM = {"august": "ela_math_sets", "winter": "science_spanish_pairs",
        "elpac": "elpac_sets"}
ITEMS = ["ela_math_sets", "science_spanish_pairs", "elpac_sets"]
ITEM_PROGRAM = {"august": "CAASPP", "winter": "CAASPP", "elpac": "ELPAC"}
CALPADS = {"01": "ES", "02": "VI", "03": "ZH", "07": "ZH", "05": "FIL",
           "04": "KO"}
SSR_LANGS = ("EN", "ES", "VI", "ZH", "FIL", "KO")
STUDENT_REQUIRED = ["ssid", "lea_code", "school_code", "grade", "last_name",
                    "first_name", "report"]
ORDER_REQUIRED = ["lea_code", "program", "ordered_on"]
MAILING = ["guardian_name", "address_line1", "address_line2", "city",
           "state", "zip"]
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MMDD_RE = re.compile(r"^[0-9]{2}-[0-9]{2}$")
MAX_SHOWN = 20

# §4 says an unavailable program's order rows are rejected ("service not
# available"); §6 does not say whether a student's own Paper SSR Selection
# (paper_ssr = Y) still prints then.  The seed page says the service is not
# available at all that year (TOMS only shows a pop-up), so the oracle reads
# it as: an unavailable program prints nothing, individual orders included.
INDIVIDUAL_NEEDS_AVAILABLE = os.environ.get("ORACLE_INDIVIDUAL_WHEN_UNAVAILABLE") != "1"


class Fatal(Exception):
    pass


# ------------------------------------------------------------ configuration

def cents(text, what):
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise Fatal("config: %s: not a price: %r" % (what, text))
    c = d * 100
    if c != c.to_integral_value() or c < 0:
        raise Fatal("config: %s: not a whole number of cents: %r" % (what, text))
    return int(c)


def yes(text, what):
    t = text.strip().lower()
    if t in ("yes", "true", "on", "1", "y"):
        return True
    if t in ("no", "false", "off", "0", "n"):
        return False
    raise Fatal("config: %s: not yes/no: %r" % (what, text))


def load_config(path):
    cfg = {
        "admin_year": "2018-19",
        "CAASPP": {"available": True, "set_price": 148,
                   "envelope_set_price": 200, "order_deadline": "07-15",
                   "cancel_deadline": "07-15",
                   "languages": ["ES", "VI", "ZH", "FIL"]},
        "ELPAC": {"available": True, "set_price": 148,
                  "envelope_set_price": 200, "order_deadline": "06-30",
                  "cancel_deadline": "07-15",
                  "languages": ["ES", "VI", "ZH", "FIL"]},
        "box": {"max_gross_mg": 18144000, "tare_mg": 450000,
                "letter_sheet_mg": 4540, "tabloid_sheet_mg": 9070,
                "divider_mg": 4540, "envelope_10_mg": 6000,
                "envelope_6x9_mg": 7000, "keep_schools_together": False},
        "terms_days": 30,
    }
    if path:
        cp = configparser.ConfigParser(comment_prefixes=(";", "#"),
                                       inline_comment_prefixes=(";", "#"),
                                       default_section="__none__")
        with open(path, encoding="utf-8-sig") as f:
            cp.read_string("[__top__]\n" + f.read())
        if cp.has_option("__top__", "admin_year"):
            cfg["admin_year"] = cp.get("__top__", "admin_year").strip()
        for sec, prog in (("caaspp", "CAASPP"), ("elpac", "ELPAC")):
            if not cp.has_section(sec):
                continue
            p = cfg[prog]
            for key, val in cp.items(sec):
                what = "[%s] %s" % (sec, key)
                if key == "available":
                    p[key] = yes(val, what)
                elif key in ("set_price", "envelope_set_price"):
                    p[key] = cents(val, what)
                elif key in ("order_deadline", "cancel_deadline"):
                    if not MMDD_RE.match(val.strip()):
                        raise Fatal("config: %s: not MM-DD: %r" % (what, val))
                    p[key] = val.strip()
                elif key == "languages":
                    p[key] = val.split()
        if cp.has_section("billing") and cp.has_option("billing", "terms_days"):
            cfg["terms_days"] = int(cp.get("billing", "terms_days").strip())
        if cp.has_section("box"):
            b = cfg["box"]
            for key, val in cp.items("box"):
                if key == "keep_schools_together":
                    b[key] = yes(val, "[box] " + key)
                elif key in b:
                    b[key] = int(val.strip())
    m = re.match(r"^([0-9]{4})-([0-9]{2})$", cfg["admin_year"])
    if not m:
        raise Fatal("config: admin_year: not YYYY-YY: %r" % cfg["admin_year"])
    cfg["end_year"] = int(m.group(1)) + 1
    for prog in ("CAASPP", "ELPAC"):
        p = cfg[prog]
        p["order_deadline_date"] = "%04d-%s" % (cfg["end_year"], p["order_deadline"])
        p["cancel_deadline_date"] = "%04d-%s" % (cfg["end_year"], p["cancel_deadline"])
    return cfg


# -------------------------------------------------------------- CSV reading

def read_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw.startswith(ZSTD_MAGIC):
        raw = subprocess.run(["zstd", "-dc", path], check=True,
                             stdout=subprocess.PIPE).stdout
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw


def records(raw, what):
    """Split RFC 4180 CSV bytes into records: a list of (line_no, fields,
    ok), line_no being the line the record starts on, fields a list of
    bytes.  Blank lines are no records.  A quoted field may hold commas,
    doubled quotes and line breaks.  A quote inside an unquoted field, or
    text after a closing quote, makes the record malformed (ok False); such
    a record ends at the end of its line.  A quote still open at the end of
    the file makes the file unusable."""
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = []
    i, n = 0, len(lines)
    while i < n:
        start = i
        line = lines[i]
        i += 1
        cr = line.endswith(b"\r")
        if cr:
            line = line[:-1]
        if not line:
            continue
        if b'"' not in line:
            out.append((start + 1, line.split(b","), True))
            continue
        fields, cur, state, ok = [], bytearray(), 0, True
        # states: 0 field start, 1 unquoted, 2 quoted, 3 quote in quoted
        pos = 0
        while True:
            if pos == len(line):
                if state == 2:
                    if i >= n:
                        raise Fatal("%s: line %d: a quote left open at the "
                                    "end of the file" % (what, start + 1))
                    cur += b"\r\n" if cr else b"\n"
                    line = lines[i]
                    i += 1
                    cr = line.endswith(b"\r")
                    if cr:
                        line = line[:-1]
                    pos = 0
                    continue
                fields.append(bytes(cur))
                break
            c = line[pos]
            pos += 1
            if state == 0:
                if c == 0x22:
                    state = 2
                elif c == 0x2C:
                    fields.append(b"")
                else:
                    cur.append(c)
                    state = 1
            elif state == 1:
                if c == 0x2C:
                    fields.append(bytes(cur))
                    cur, state = bytearray(), 0
                elif c == 0x22:
                    ok = False
                    break
                else:
                    cur.append(c)
            elif state == 2:
                if c == 0x22:
                    state = 3
                else:
                    cur.append(c)
            else:
                if c == 0x22:
                    cur.append(c)
                    state = 2
                elif c == 0x2C:
                    fields.append(bytes(cur))
                    cur, state = bytearray(), 0
                else:
                    ok = False
                    break
        out.append((start + 1, fields, ok))
    return out


def decode_fields(fields):
    """The fields as str, or None when one is not valid UTF-8."""
    try:
        return [f.decode("utf-8") for f in fields]
    except UnicodeDecodeError:
        return None


def header_index(recs, required, what):
    if not recs or not recs[0][2] or decode_fields(recs[0][1]) is None:
        raise Fatal("%s: no usable header" % what)
    header = decode_fields(recs[0][1])
    idx = {}
    for i, h in enumerate(header):
        idx.setdefault(h.strip().lower(), i)
    missing = [c for c in required if c not in idx]
    if missing:
        raise Fatal("%s: required column(s) missing: %s" % (what, ", ".join(missing)))
    return header, idx


# ------------------------------------------------------------ §3, §3.3-§3.4

def digits(v, n):
    return len(v) == n and v.isascii() and v.isdigit()


def student_valid(r):
    if not digits(r["ssid"], 10) or not digits(r["lea_code"], 7):
        return False
    if not digits(r["school_code"], 7) or r["grade"] not in GRADES:
        return False
    if not r["last_name"].strip(" \t") or not r["first_name"].strip(" \t"):
        return False
    if r["report"] not in REPORTS:
        return False
    pl = r["primary_language"]
    if pl and not digits(pl, 2):
        return False
    if r["ssr_language"] not in ("",) + SSR_LANGS:
        return False
    if r["paper_ssr"] not in ("", "Y", "N"):
        return False
    return r["grade"] in ALLOWED[r["report"]]


def read_students(path):
    recs = records(read_bytes(path), path)
    header, idx = header_index(recs, STUDENT_REQUIRED, path)
    cols = STUDENT_REQUIRED + ["primary_language", "ssr_language",
                               "paper_ssr"] + MAILING
    rows_read, rejected, accepted, seen = 0, [], [], set()
    for no, raw_fields, ok in recs[1:]:
        rows_read += 1
        fields = decode_fields(raw_fields) if ok else None
        if fields is None or len(fields) != len(header):
            rejected.append(no)
            continue
        r = {c: (fields[idx[c]] if c in idx else "") for c in cols}
        if not student_valid(r):
            rejected.append(no)
            continue
        ident = (r["ssid"], r["report"])
        if ident in seen:
            rejected.append(no)
            continue
        seen.add(ident)
        r["line"] = no
        accepted.append(r)
    return rows_read, rejected, accepted


# ------------------------------------------------------------------- §4

def valid_date(v):
    if not DATE_RE.match(v):
        return False
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def order_malformed(o):
    if not digits(o["lea_code"], 7):
        return True
    if o["school_code"] and not digits(o["school_code"], 7):
        return True
    if o["program"] not in ("CAASPP", "ELPAC"):
        return True
    if o["envelopes"] not in ("", "Y", "N"):
        return True
    if o["paper_size"] not in ("", "11x17", "8.5x11"):
        return True
    if not valid_date(o["ordered_on"]):
        return True
    if o["cancelled_on"] and not valid_date(o["cancelled_on"]):
        return True
    return False


def read_orders(path, cfg):
    recs = records(read_bytes(path), path)
    header, idx = header_index(recs, ORDER_REQUIRED, path)
    cols = ["lea_code", "school_code", "program", "envelopes", "paper_size",
            "po_number", "ordered_on", "cancelled_on"]
    st = {"rows_read": 0, "rejected": [], "active": 0, "cancelled": 0}
    # school orders by (lea, school, program), LEA-wide by (lea, program)
    school_orders, lea_orders, lea_paper = {}, {}, {}
    for no, raw_fields, ok in recs[1:]:
        st["rows_read"] += 1
        fields = decode_fields(raw_fields) if ok else None
        if fields is None or len(fields) != len(header):
            st["rejected"].append(no)
            continue
        o = {c: (fields[idx[c]] if c in idx else "") for c in cols}
        # §2.3, §4.1: the orders' codes and sizes ignore ASCII case and
        # are kept canonical
        for c, canon in (("program", ("CAASPP", "ELPAC")), ("envelopes", ("Y", "N")),
                         ("paper_size", ("11x17", "8.5x11"))):
            for v in canon:
                if o[c].isascii() and o[c].lower() == v.lower():
                    o[c] = v
        if order_malformed(o):
            st["rejected"].append(no)
            continue
        p = cfg[o["program"]]
        if not p["available"]:
            st["rejected"].append(no)
            continue
        if o["ordered_on"] > p["order_deadline_date"]:
            st["rejected"].append(no)
            continue
        if o["school_code"]:
            table = school_orders
            tkey = (o["lea_code"], o["school_code"], o["program"])
        else:
            table = lea_orders
            tkey = (o["lea_code"], o["program"])
        # rejects come first: a duplicate is rejected even if cancelled
        if tkey in table:
            st["rejected"].append(no)
            continue
        if o["cancelled_on"] and o["cancelled_on"] <= p["cancel_deadline_date"]:
            st["cancelled"] += 1          # inactive, not rejected
            continue
        st["active"] += 1                 # a later cancellation is ignored
        o["line"] = no
        table[tkey] = o
        if not o["school_code"] and o["program"] == "CAASPP":
            lea_paper[o["lea_code"]] = o["paper_size"] or "11x17"
    return st, school_orders, lea_orders, lea_paper


# ------------------------------------------------------------ §6-§8

def copy2_language(r, cfg):
    lang = r["ssr_language"] or CALPADS.get(r["primary_language"], "EN")
    if lang != "EN" and lang not in cfg[PROGRAM[r["report"]]]["languages"]:
        lang = "EN"
    if r["report"] == "CSA" and lang != "ES":
        lang = "EN"
    return lang


def spreadsheet_safe(v):
    """A text cell as invoices.csv writes it (§13.2): a leading ' before a
    cell a spreadsheet would run."""
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v


def fulfil(students, orders, cfg):
    _, school_orders, lea_orders, lea_paper = orders
    box = cfg["box"]
    printed = {s: [] for s in SHIPMENTS}
    how = {"school": 0, "lea": 0, "individual": 0}
    electronic = 0
    for r in students:
        prog = PROGRAM[r["report"]]
        o = school_orders.get((r["lea_code"], r["school_code"], prog))
        kind = "school"
        if o is None:
            o = lea_orders.get((r["lea_code"], prog))
            kind = "lea"
        if o is not None:
            env = o["envelopes"] == "Y"
        elif r["paper_ssr"] == "Y" and (cfg[prog]["available"]
                                        or not INDIVIDUAL_NEEDS_AVAILABLE):
            env, kind = False, "individual"
        else:
            electronic += 1
            continue
        how[kind] += 1
        if r["report"] in FOUR_PAGE:
            paper = lea_paper.get(r["lea_code"], "11x17")
            sheets = 2 if paper == "11x17" else 4
        else:
            paper, sheets = "8.5x11", 2
        envelopes = 2 if env else 0
        if paper == "11x17":
            w = sheets * box["tabloid_sheet_mg"] + envelopes * box["envelope_6x9_mg"]
        else:
            w = sheets * box["letter_sheet_mg"] + envelopes * box["envelope_10_mg"]
        s = dict(r)
        s.update(copy2=copy2_language(r, cfg), paper=paper, sheets=sheets,
                 envelopes=envelopes, weight=w)
        # the order the set prints under, for its invoice line (§16.4)
        s["bill_by"] = {"school": "school", "lea": "lea", "individual": "parent"}[kind]
        s["bill_school"] = r["school_code"] if kind == "school" else ""
        s["bill_po"] = spreadsheet_safe(o["po_number"]) if o is not None else ""
        s["key"] = (r["lea_code"], r["school_code"], GRADES.index(r["grade"]),
                    name_key(r["last_name"]), name_key(r["first_name"]), r["ssid"],
                    REPORTS.index(r["report"]))
        printed[SHIPMENT[r["report"]]].append(s)
    for sh in SHIPMENTS:
        printed[sh].sort(key=lambda s: s["key"])
    return printed, how, electronic


# --------------------------------------------------------------------- §10

def group(seq, keyf):
    out, cur, k0 = [], None, object()
    for x in seq:
        k = keyf(x)
        if k != k0:
            cur = []
            out.append((k, cur))
            k0 = k
        cur.append(x)
    return out


PACK_STATS = {"continued": 0, "divider_moved": 0, "kept_together": 0}


def pack(shipment, sets, cfg):
    """Boxes for one shipment: a list of boxes, each a dict with box_id,
    box_no, box_count, lea_code, gross, segments [(school, segment, sets)],
    and the print rows [(box_id, kind, school, set-or-None)]."""
    b = cfg["box"]
    maxg, tare, div = b["max_gross_mg"], b["tare_mg"], b["divider_mg"]
    keep = b["keep_schools_together"]
    boxes, rows = [], []
    for lea, lea_sets in group(sets, lambda s: s["lea_code"]):
        lea_boxes = []
        cur = None

        def new_box():
            nb = {"lea_code": lea, "gross": tare, "segments": [], "rows": []}
            lea_boxes.append(nb)
            return nb

        for school, ss in group(lea_sets, lambda s: s["school_code"]):
            if keep and cur is not None:
                total = div + sum(s["weight"] for s in ss)
                if cur["gross"] + total > maxg and tare + total <= maxg:
                    cur = None
                    PACK_STATS["kept_together"] += 1
            if cur is None:
                cur = new_box()
            if cur["gross"] + div + ss[0]["weight"] > maxg and cur["segments"]:
                cur = new_box()
                PACK_STATS["divider_moved"] += 1
            cur["gross"] += div
            seg = (school, "first", [])
            cur["segments"].append(seg)
            cur["rows"].append(("divider", school, None))
            for i, s in enumerate(ss):
                if i > 0 and cur["gross"] + s["weight"] > maxg:
                    cur = new_box()
                    PACK_STATS["continued"] += 1
                    cur["gross"] += div
                    seg = (school, "continued", [])
                    cur["segments"].append(seg)
                    cur["rows"].append(("continued", school, None))
                cur["gross"] += s["weight"]
                seg[2].append(s)
                cur["rows"].append(("set", school, s))
        m = len(lea_boxes)
        for n, bx in enumerate(lea_boxes, start=1):
            bx["box_no"], bx["box_count"] = n, m
            bx["box_id"] = "%s-%s-%04d" % (shipment, lea, n)
            for kind, school, s in bx["rows"]:
                rows.append((bx["box_id"], kind, lea, school, s))
        boxes.extend(lea_boxes)
    return boxes, rows


# --------------------------------------------------------------------- §11

def invoice(printed, cfg):
    """Lines keyed (lea, item, envelopes, ordered_by, school_code, po_number)."""
    lines = {}
    for sh in SHIPMENTS:
        p = cfg[ITEM_PROGRAM[sh]]
        for s in printed[sh]:
            env = "Y" if s["envelopes"] else "N"
            unit = p["envelope_set_price"] if env == "Y" else p["set_price"]
            k = (s["lea_code"], ITEM[sh], env, s["bill_by"], s["bill_school"], s["bill_po"])
            if k not in lines:
                lines[k] = [0, unit]
            lines[k][0] += 1
    out = {}
    for k, (q, unit) in lines.items():
        out[k] = {
            "invoice_id": "INV-%s-%s" % (cfg["admin_year"], k[0]),
            "quantity": q, "unit_cents": unit, "amount_cents": q * unit}
    return out


INV_KEY = ("lea_code", "item", "envelopes", "ordered_by", "school_code", "po_number")
BY_RANK = {"lea": 0, "school": 1, "parent": 2}


# ----------------------------------------------------------------- checking

class Checker:
    def __init__(self):
        self.checks = 0
        self.diffs = []

    def check(self, name):
        self.checks += 1
        self.name = name

    def diff(self, msg):
        self.diffs.append("[%s] %s" % (self.name, msg))

    def eq(self, what, expected, actual):
        if expected != actual:
            self.diff("%s: expected %r, got %r" % (what, expected, actual))
            return False
        return True


def read_csv_text(path, ck=None):
    """The rows of an output CSV file; a missing file is a difference."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape",
                  newline="") as f:
            return list(csv.reader(f))
    except FileNotFoundError:
        if ck is not None:
            ck.diff("%s is missing" % path)
        return []


def read_zst_csv(path):
    data = subprocess.run(["zstd", "-dc", path], check=True,
                          stdout=subprocess.PIPE).stdout
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def as_dicts(rows):
    if not rows:
        return [], []
    h = rows[0]
    return h, [dict(zip(h, r)) for r in rows[1:]]


def compare_lists(ck, what, expected, actual, fmt):
    """Row-for-row comparison; reports the first few rows that differ."""
    shown = 0
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else None
        a = actual[i] if i < len(actual) else None
        if e != a:
            ck.diff("%s row %d: expected %s, got %s"
                    % (what, i + 1, fmt(e), fmt(a)))
            shown += 1
            if shown >= 5:
                break
    if len(expected) != len(actual):
        ck.diff("%s: expected %d rows, got %d" % (what, len(expected), len(actual)))


def main(argv):
    t0 = time.time()
    args, cfg_path, inv_date = [], None, None
    it = iter(argv)
    for a in it:
        if a == "--config":
            cfg_path = next(it, None)
        elif a.startswith("--config="):
            cfg_path = a.split("=", 1)[1]
        elif a == "--invoice-date":
            inv_date = next(it, None)
        else:
            args.append(a)
    if len(args) != 3:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    spath, opath, outdir = args
    cfg = load_config(cfg_path)
    box = cfg["box"]

    # ---- the oracle
    rows_read, srej, students = read_students(spath)
    orders = read_orders(opath, cfg)
    ost = orders[0]
    printed, how, electronic = fulfil(students, orders, cfg)
    packed = {}
    for sh in SHIPMENTS:
        packed[sh] = pack(sh, printed[sh], cfg)
    inv = invoice(printed, cfg)
    grand = sum(v["amount_cents"] for v in inv.values())

    ck = Checker()

    # ---- 1. rejects
    ck.check("rejects/students.csv")
    h, rs = as_dicts(read_csv_text(os.path.join(outdir, "rejects", "students.csv"), ck))
    got = [int(r["line"]) for r in rs]
    if sorted(got) != srej:
        e, a = set(srej), set(got)
        ck.diff("rejected student lines: %d expected, %d got; only expected: %s; "
                "only got: %s" % (len(srej), len(got), sorted(e - a)[:15],
                                  sorted(a - e)[:15]))
    ck.check("rejects/orders.csv")
    h, rs = as_dicts(read_csv_text(os.path.join(outdir, "rejects", "orders.csv"), ck))
    got = sorted(int(r["line"]) for r in rs)
    ck.eq("rejected order lines", sorted(ost["rejected"]), got)

    # ---- 2. print streams
    stream = {}
    set_fields = ["grade", "last_name", "first_name", "ssid", "report",
                  "copy1_lang", "copy2_lang", "paper", "sheets",
                  "envelopes"] + MAILING

    def fmt_row(r):
        return "-" if r is None else ",".join(str(x) for x in r)

    for sh in SHIPMENTS:
        ck.check("print/%s.csv.zst" % sh)
        path = os.path.join(outdir, "print", sh + ".csv.zst")
        exp_rows = packed[sh][1]
        if not os.path.exists(path):
            stream[sh] = []
            if exp_rows:
                ck.diff("%s missing (expected %d rows)" % (path, len(exp_rows)))
            continue
        h, rs = as_dicts(read_zst_csv(path))
        stream[sh] = rs
        want_h = ["seq", "box_id", "kind", "lea_code", "school_code"] + set_fields
        ck.eq("%s header starts" % sh, want_h, h[:len(want_h)])
        seqs = [r.get("seq") for r in rs]
        if seqs != [str(i) for i in range(1, len(rs) + 1)]:
            ck.diff("%s: seq is not 1..%d" % (sh, len(rs)))
        expected, actual = [], []
        for (bid, kind, lea, school, s) in exp_rows:
            if s is None:
                expected.append((bid, kind, lea, school) + ("",) * 6)
            else:
                expected.append((bid, kind, lea, school, s["ssid"], s["report"],
                                 s["copy2"], s["paper"], str(s["sheets"]),
                                 str(s["envelopes"])))
        for r in rs:
            g = lambda k: r.get(k, "")
            if g("kind") == "set":
                actual.append((g("box_id"), g("kind"), g("lea_code"),
                               g("school_code"), g("ssid"), g("report"),
                               g("copy2_lang"), g("paper"), g("sheets"),
                               g("envelopes")))
            else:
                actual.append((g("box_id"), g("kind"), g("lea_code"),
                               g("school_code"), g("ssid"), g("report"),
                               "", "", "", ""))
        compare_lists(ck, sh, expected, actual, fmt_row)
        # the copied student fields of every set row
        ck.check("print/%s.csv.zst student fields" % sh)
        shown = 0
        if len(expected) == len(actual):
            for (bid, kind, lea, school, s), r in zip(exp_rows, rs):
                if s is None:
                    if any(r.get(k, "") for k in ("grade", "last_name",
                                                  "first_name", "ssid",
                                                  "report")):
                        ck.diff("%s seq %s: %s row carries student fields"
                                % (sh, r.get("seq"), kind))
                        shown += 1
                    continue
                want = dict((k, s[k]) for k in ["grade", "last_name",
                            "first_name", "ssid", "report"] + MAILING)
                want["copy1_lang"] = "EN"
                got = dict((k, r.get(k, "")) for k in want)
                if want != got:
                    bad = [k for k in want if want[k] != got[k]]
                    ck.diff("%s seq %s (input line %d): %s" % (
                        sh, r.get("seq"), s["line"],
                        "; ".join("%s expected %r got %r" % (k, want[k], got[k])
                                  for k in bad)))
                    shown += 1
                if shown >= 5:
                    break

    # ---- 3. manifests
    manifest = {}
    for sh in SHIPMENTS:
        ck.check("manifests/%s.csv" % sh)
        path = os.path.join(outdir, "manifests", sh + ".csv")
        boxes = packed[sh][0]
        if not os.path.exists(path):
            manifest[sh] = []
            if boxes:
                ck.diff("%s missing" % path)
            continue
        h, rs = as_dicts(read_csv_text(path))
        manifest[sh] = rs
        want_h = ["box_id", "box_no", "box_count", "lea_code", "school_code",
                  "segment", "first_student", "last_student", "sets", "sheets",
                  "envelopes", "gross_mg"]
        ck.eq("%s manifest header starts" % sh, want_h, h[:len(want_h)])
        expected = []
        for bx in boxes:
            for school, segkind, ss in bx["segments"]:
                expected.append((
                    bx["box_id"], str(bx["box_no"]), str(bx["box_count"]),
                    bx["lea_code"], school, segkind,
                    "%s, %s" % (ss[0]["last_name"], ss[0]["first_name"]),
                    "%s, %s" % (ss[-1]["last_name"], ss[-1]["first_name"]),
                    str(len(ss)), str(sum(s["sheets"] for s in ss)),
                    str(sum(s["envelopes"] for s in ss)), str(bx["gross"])))
        actual = [tuple(r.get(k, "") for k in want_h) for r in rs]
        compare_lists(ck, sh + " manifest", expected, actual, fmt_row)

    # ---- 4. invoices
    ck.check("invoices/invoices.csv")
    h, inv_rows = as_dicts(read_csv_text(os.path.join(outdir, "invoices", "invoices.csv"), ck))
    want_h = ["invoice_id", "lea_code", "item", "envelopes", "quantity",
              "unit_cents", "amount_cents", "lea_name", "po_numbers", "po_number",
              "ordered_by", "school_code", "invoice_date", "due_date"]
    ck.eq("invoices header starts", want_h, h[:len(want_h)])
    got_inv = {}
    for r in inv_rows:
        k = tuple(r.get(c, "") for c in INV_KEY)
        if k in got_inv:
            ck.diff("invoice line %s appears twice" % (k,))
        got_inv[k] = {"invoice_id": r["invoice_id"],
                      "quantity": int(r["quantity"]),
                      "unit_cents": int(r["unit_cents"]),
                      "amount_cents": int(r["amount_cents"])}
        if r.get("ordered_by") == "parent" and (r.get("po_number") or r.get("school_code")):
            ck.diff("invoice line %s: the parents' line names an order" % (k,))
    shown = 0
    for k in sorted(set(inv) | set(got_inv)):
        if inv.get(k) != got_inv.get(k):
            ck.diff("invoice line %s: expected %s, got %s"
                    % ("/".join(k), inv.get(k), got_inv.get(k)))
            shown += 1
            if shown >= 5:
                break
    per_lea_e, per_lea_a = {}, {}
    for k, v in inv.items():
        per_lea_e[k[0]] = per_lea_e.get(k[0], 0) + v["amount_cents"]
    for k, v in got_inv.items():
        per_lea_a[k[0]] = per_lea_a.get(k[0], 0) + v["amount_cents"]
    for lea in sorted(set(per_lea_e) | set(per_lea_a)):
        if per_lea_e.get(lea) != per_lea_a.get(lea):
            ck.diff("LEA %s invoice total: expected %s, got %s"
                    % (lea, per_lea_e.get(lea), per_lea_a.get(lea)))
    ck.eq("invoice grand total (sum of lines)", grand,
          sum(v["amount_cents"] for v in got_inv.values()))
    order = [(r["lea_code"], ITEMS.index(r["item"]) if r["item"] in ITEMS else 9,
              r["envelopes"], BY_RANK.get(r.get("ordered_by"), 9), r.get("school_code", ""),
              r.get("po_number", ""))
             for r in inv_rows]
    if order != sorted(order):
        ck.diff("invoice lines are not in invoice order (LEA, item, envelopes, order)")
    # dates: one invoice date for the run, due terms_days later (§16.4)
    dates = {(r.get("invoice_date"), r.get("due_date")) for r in inv_rows}
    if len(dates) > 1:
        ck.diff("invoice lines carry different dates: %s" % sorted(dates)[:3])
    for d, due in dates:
        try:
            dd = datetime.date.fromisoformat(d)
            ck.eq("due_date = invoice_date + terms_days",
                  (dd + datetime.timedelta(days=cfg["terms_days"])).isoformat(), due)
        except (TypeError, ValueError):
            ck.diff("invoice_date %r is not a date" % (d,))
        if inv_date:
            ck.eq("invoice_date (--invoice-date)", inv_date, d)

    # ---- 5. summary.json
    ck.check("summary.json")
    try:
        with open(os.path.join(outdir, "summary.json"), encoding="utf-8") as f:
            summ = json.load(f)
    except (FileNotFoundError, ValueError) as e:
        ck.diff("summary.json unreadable: %s" % e)
        summ = {}
    st = summ.get("students", {})
    n_printed = sum(len(printed[sh]) for sh in SHIPMENTS)
    ck.eq("students.rows_read", rows_read, st.get("rows_read"))
    ck.eq("students.rejected", len(srej), st.get("rejected"))
    ck.eq("students.printed", n_printed, st.get("printed"))
    ck.eq("students.electronic_only", electronic, st.get("electronic_only"))
    ck.eq("students.ordered_by_school", how["school"], st.get("ordered_by_school"))
    ck.eq("students.ordered_by_lea", how["lea"], st.get("ordered_by_lea"))
    ck.eq("students.ordered_individually", how["individual"],
          st.get("ordered_individually"))
    if st.get("rows_read") != (st.get("rejected", 0) + st.get("printed", 0)
                               + st.get("electronic_only", 0)):
        ck.diff("students: rows_read != rejected + printed + electronic_only")
    os_ = summ.get("orders", {})
    ck.eq("orders.rows_read", ost["rows_read"], os_.get("rows_read"))
    ck.eq("orders.rejected", len(ost["rejected"]), os_.get("rejected"))
    ck.eq("orders.active", ost["active"], os_.get("active"))
    ck.eq("orders.cancelled", ost["cancelled"], os_.get("cancelled"))
    if os_.get("rows_read") != (os_.get("rejected", 0) + os_.get("active", 0)
                                + os_.get("cancelled", 0)):
        ck.diff("orders: rows_read != rejected + active + cancelled")
    shs = summ.get("shipments", {})
    for sh in SHIPMENTS:
        d = shs.get(sh, {})
        n = len(printed[sh])
        for k in ("sets_printed", "sets_packed", "sets_invoiced"):
            ck.eq("shipments.%s.%s" % (sh, k), n, d.get(k, 0 if n == 0 else None))
        boxes = packed[sh][0]
        ck.eq("shipments.%s.boxes" % sh, len(boxes), d.get("boxes", 0 if not boxes else None))
        if boxes or "gross_mg" in d:
            ck.eq("shipments.%s.gross_mg" % sh, sum(b["gross"] for b in boxes),
                  d.get("gross_mg"))
    ck.eq("invoices.count (LEAs with a line)", len({k[0] for k in inv}),
          summ.get("invoices", {}).get("count"))
    ck.eq("invoices.grand_total_cents", grand,
          summ.get("invoices", {}).get("grand_total_cents"))
    ck.eq("reconciled", True, summ.get("reconciled"))

    # ---- 5b. what needs the operator: orders that cover nothing, sets in
    # envelopes without an address
    ck.check("reports/orders_without_reports.csv")
    _, school_orders, lea_orders, _ = orders
    have = set()
    for r in students:
        prog = PROGRAM[r["report"]]
        have.update({(r["lea_code"], r["school_code"], prog), (r["lea_code"], r["school_code"], None),
                     (r["lea_code"], "", prog), (r["lea_code"], "", None)})
    exp_gaps = []
    for o in sorted(list(school_orders.values()) + list(lea_orders.values()), key=lambda o: o["line"]):
        lea, school, prog = o["lea_code"], o["school_code"], o["program"]
        if (lea, school, prog) in have:
            continue
        if (lea, "", None) not in have:
            why = "no score report rows for this LEA"
        elif (lea, school, None) not in have:
            why = "no score report rows for this school"
        else:
            why = "no %s score report rows for this %s" % (prog, "school" if school else "LEA")
        exp_gaps.append((str(o["line"]), lea, school, prog, o["po_number"], why))
    h, rs = as_dicts(read_csv_text(os.path.join(outdir, "reports", "orders_without_reports.csv"), ck))
    got = [tuple(r.get(k) for k in ("line", "lea_code", "school_code", "program", "po_number", "reason"))
           for r in rs]
    compare_lists(ck, "orders without reports", exp_gaps, got, lambda r: "-" if r is None else ",".join(r))
    ck.eq("orders.without_reports", len(exp_gaps), summ.get("orders", {}).get("without_reports"))
    ck.check("reports/envelopes_without_address.csv")
    exp_env = []
    for sh in SHIPMENTS:
        for seq, (bid, kind, lea, school, st_) in enumerate(packed[sh][1], start=1):
            if st_ is None or not st_["envelopes"]:
                continue
            missing = [c for c in ("address_line1", "city", "state", "zip") if not st_[c].strip(" \t")]
            if missing:
                exp_env.append((sh, bid, str(seq), st_["ssid"], st_["report"], " ".join(missing)))
    h, rs = as_dicts(read_csv_text(os.path.join(outdir, "reports", "envelopes_without_address.csv"), ck))
    got = [tuple(r.get(k) for k in ("shipment", "box_id", "seq", "ssid", "report", "missing")) for r in rs]
    compare_lists(ck, "envelope sets without an address", exp_env, got,
                  lambda r: "-" if r is None else ",".join(r))
    ck.eq("overall.envelope_sets_without_address", len(exp_env),
          summ.get("overall", {}).get("envelope_sets_without_address"))
    ck.eq("overall.leas (distinct LEAs with boxes)",
          len({bx["lea_code"] for sh in SHIPMENTS for bx in packed[sh][0]}),
          summ.get("overall", {}).get("leas"))

    # ---- 6. internal consistency of the output alone
    ck.check("internal consistency")
    sheet_mg = {"11x17": box["tabloid_sheet_mg"], "8.5x11": box["letter_sheet_mg"]}
    env_mg = {"11x17": box["envelope_6x9_mg"], "8.5x11": box["envelope_10_mg"]}
    for sh in SHIPMENTS:
        per_box_sets, per_box_gross = {}, {}
        per_lea = {}
        for r in stream[sh]:
            bid = r.get("box_id", "")
            g = per_box_gross.setdefault(bid, box["tare_mg"])
            if r.get("kind") == "set":
                per_box_sets[bid] = per_box_sets.get(bid, 0) + 1
                try:
                    w = (int(r["sheets"]) * sheet_mg[r["paper"]]
                         + int(r["envelopes"]) * env_mg[r["paper"]])
                except (KeyError, ValueError):
                    ck.diff("%s seq %s: bad paper/sheets/envelopes" % (sh, r.get("seq")))
                    w = 0
                per_box_gross[bid] = g + w
                env = "Y" if r.get("envelopes") not in ("", "0") else "N"
                k = (r.get("lea_code"), env)
                per_lea[k] = per_lea.get(k, 0) + 1
            else:
                per_box_gross[bid] = g + box["divider_mg"]
        man_sets, man_gross = {}, {}
        for r in manifest[sh]:
            bid = r["box_id"]
            man_sets[bid] = man_sets.get(bid, 0) + int(r["sets"])
            if man_gross.setdefault(bid, r["gross_mg"]) != r["gross_mg"]:
                ck.diff("%s manifest: box %s has different gross_mg on its rows" % (sh, bid))
        for bid in sorted(set(per_box_sets) | set(man_sets)):
            if per_box_sets.get(bid, 0) != man_sets.get(bid, 0):
                ck.diff("%s box %s: %d set rows in the print stream, manifest says %d"
                        % (sh, bid, per_box_sets.get(bid, 0), man_sets.get(bid, 0)))
        for bid in sorted(per_box_gross):
            if bid in man_gross and str(per_box_gross[bid]) != man_gross[bid]:
                ck.diff("%s box %s: print stream weighs %d mg, manifest gross_mg %s"
                        % (sh, bid, per_box_gross[bid], man_gross[bid]))
        inv_q = {}
        for k, v in got_inv.items():
            lea, item, env = k[:3]
            if item == ITEM[sh]:
                inv_q[(lea, env)] = inv_q.get((lea, env), 0) + v["quantity"]
        for k in sorted(set(per_lea) | set(inv_q)):
            if per_lea.get(k, 0) != inv_q.get(k, 0):
                ck.diff("%s LEA %s envelopes %s: %d set rows printed, %d invoiced"
                        % (sh, k[0], k[1], per_lea.get(k, 0), inv_q.get(k, 0)))
    for r in inv_rows:
        if int(r["quantity"]) * int(r["unit_cents"]) != int(r["amount_cents"]):
            ck.diff("invoice line %s/%s/%s: quantity x unit != amount"
                    % (r["lea_code"], r["item"], r["envelopes"]))

    # ---- report
    for d in ck.diffs[:MAX_SHOWN]:
        print(d)
    if len(ck.diffs) > MAX_SHOWN:
        print("... and %d more" % (len(ck.diffs) - MAX_SHOWN))
    print("oracle_run: %d checks, %d differences (%d rows read, %d rejected, "
          "%d sets printed, %d boxes: %d continued, %d dividers moved, %d "
          "schools kept together; %.2f s)"
          % (ck.checks, len(ck.diffs), rows_read, len(srej), n_printed,
             sum(len(packed[sh][0]) for sh in SHIPMENTS),
             PACK_STATS["continued"], PACK_STATS["divider_moved"],
             PACK_STATS["kept_together"], time.time() - t0))
    return 1 if ck.diffs else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Fatal as e:
        sys.stderr.write("oracle_run: %s\n" % e)
        sys.exit(2)
