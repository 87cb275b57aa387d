#!/usr/bin/env python3
"""Checks two waves run with one ledger against a single run over the final
inputs (issue 15; docs/rules.md §15.2).

usage: oracle_waves.py WAVE1.csv WAVE2.csv ORDERS2.csv W1_OUT W2_OUT SINGLE_OUT ORDERS1.csv

WAVE1.csv and WAVE2.csv are the students files of `gen` and `gen --wave 2`
(same --rows and --seed); W1_OUT and W2_OUT the output folders of `run
--ledger L` on wave 1's inputs and then on wave 2's with the same ledger;
SINGLE_OUT the output of `run` without a ledger on wave 2's inputs.  The
sets are read from print/<shipment>.csv.zst (the rows of kind "set"), the
boxes from manifests/<shipment>.csv, the bills from invoices/invoices.csv.
Asserted:

  1. no (ssid, report) is printed twice, within a wave or across waves;
  2. reports/missing_since_printed.csv of wave 2 lists exactly the sets
     wave 1 printed whose (ssid, report) is not among wave 2's accepted
     rows, with where they were printed (shipment, wave, box, LEA, school,
     grade);
  3. wave 1's sets + wave 2's sets - the missing ones = the single run's
     (+ the sets of cancelled orders kept: see Cancellations);
  4. box ids are unique across waves, and each LEA's boxes of a shipment
     are numbered 1..k in wave 1 and k+1..k+m in wave 2 (no gap); the
     manifests' "Box N of M" counts within the wave (wave 2's N from 1,
     M = the LEA's boxes in the wave) and their `wave` column is the
     shipment's wave (1 without a ledger);
  5. invoice quantities per (LEA, item, envelopes): wave 1 + wave 2 = the
     single run + the missing sets (billed in wave 1, absent now) + the
     kept cancelled orders' sets; every
     line is quantity x unit; wave 2's quantities are its own print
     stream's sets; wave 2's invoice ids are INV-<year>-<lea>-W2 for an
     LEA billed in wave 1 and INV-<year>-<lea> for one billed for the first
     time; each line names the order its sets printed under (docs/rules.md
     §16.4): a school line's PO is that school's order's (a row of
     ORDERS2.csv, kept cancelled ones included) and it bills exactly the
     wave's sets of that school and item, an LEA line's PO the LEA-wide
     order's, a parents' line no PO and no school; every line of a run
     carries one invoice date, due the same terms later;
  6. summary.json: rows_read = rejected + printed + printed_earlier +
     electronic_only in every run; wave 2's printed is its sets,
     printed_earlier the wave 2 rows wave 1 printed, electronic_only the
     single run's, changed/missing_since_printed the reports' rows; the
     "ledger" key (run 1 then 2, waves 1 then 2 per shipment that prints,
     0 for one that prints nothing; none without a ledger);
  7. reports/changed_since_printed.csv lists exactly the sets wave 1
     printed whose row gen changed in a printed field (gen/synth_late.c
     corrects a last name or address_line1's house number: the name and
     the mailing block are printed fields), with where they were printed,
     the school and grade printed and now, and the name now.

Cancellations.  docs/rules.md §15.2 ignores, with a warning, a
cancellation of an order under which an earlier wave printed sets: the
order stands, and covers the late rows.  The single run honours the
cancellation, so the sets such a kept order covers in wave 2 are printed
by the waves and not by the single run.  An order can have printed sets
only if wave 1 had it (an active row of ORDERS1.csv for the same LEA,
school and program) and wave 1 printed sets in its scope.  gen --wave 2
cancels an LEA-wide order of an LEA that ordered nothing in wave 1, whose
students' own paper_ssr = Y sets wave 1 printed: those are a parent's
orders, not the LEA's, so the cancellation holds (a first cut kept it and
printed the LEA's whole program in wave 2).  So in 3, 5 and 6 the waves
may hold more than the single run only by sets under a cancelled order
of ORDERS2.csv that §15.2 keeps: each such set must be in the scope of
one, and their count is reported.

Exit 0 when everything holds, 1 with the differences (2 on usage).
"""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_run import PROGRAM, read_students  # noqa: E402  (the same §3 validity)

SHIPMENTS = ["august", "winter", "elpac"]
ITEM = {"august": "ela_math_sets", "winter": "science_spanish_pairs",
        "elpac": "elpac_sets"}
# The fields a set prints (docs/rules.md §15.2: name, grade, school, language,
# mailing block) as read_students keeps them.
PRINTED_FIELDS = ["lea_code", "school_code", "grade", "last_name", "first_name",
                  "primary_language", "ssr_language", "guardian_name",
                  "address_line1", "address_line2", "city", "state", "zip"]
MAX_SHOWN = 12


class Checker:
    def __init__(self):
        self.checks = 0
        self.diffs = []

    def check(self, ok, msg, *detail):
        self.checks += 1
        if not ok:
            self.diffs.append(msg + ("" if not detail else ": " + "; ".join(str(d) for d in detail)))
        return ok


def few(xs, n=6):
    xs = sorted(xs)
    return "%s%s" % (xs[:n], " and %d more" % (len(xs) - n) if len(xs) > n else "")


def read_csv(path):
    """The rows of a CSV file as dicts (None when it does not exist)."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_zst_csv(path):
    if not os.path.exists(path):
        return []
    data = subprocess.run(["zstd", "-dc", path], check=True, stdout=subprocess.PIPE).stdout
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


class Output:
    """What one run wrote."""

    def __init__(self, ck, name, d):
        self.name, self.dir = name, d
        self.sets = {}        # (ssid, report) -> the print stream's row, with "shipment"
        self.twice = []
        self.box_ids = {sh: set() for sh in SHIPMENTS}
        for sh in SHIPMENTS:
            for r in read_zst_csv(os.path.join(d, "print", sh + ".csv.zst")):
                self.box_ids[sh].add(r["box_id"])
                if r.get("kind") != "set":
                    continue
                k = (r["ssid"], r["report"])
                if k in self.sets:
                    self.twice.append(k)
                r["shipment"] = sh
                self.sets[k] = r
        self.manifest = {}
        for sh in SHIPMENTS:
            rows = read_csv(os.path.join(d, "manifests", sh + ".csv"))
            self.manifest[sh] = rows or []
            if rows and "wave" not in rows[0]:
                ck.check(False, "%s: manifests/%s.csv has no wave column" % (name, sh))
        self.invoices = read_csv(os.path.join(d, "invoices", "invoices.csv"))
        ck.check(self.invoices is not None, "%s: invoices/invoices.csv is missing" % name)
        self.invoices = self.invoices or []
        try:
            with open(os.path.join(d, "summary.json"), encoding="utf-8") as f:
                self.summary = json.load(f)
        except (OSError, ValueError) as e:
            ck.check(False, "%s: summary.json unreadable: %s" % (name, e))
            self.summary = {}
        self.changed = read_csv(os.path.join(d, "reports", "changed_since_printed.csv"))
        self.missing = read_csv(os.path.join(d, "reports", "missing_since_printed.csv"))

    def quantities(self):
        q = {}
        for r in self.invoices:
            k = (r["lea_code"], r["item"], r["envelopes"])
            q[k] = q.get(k, 0) + int(r["quantity"])
        return q


def box_number(box_id):
    """(shipment, lea, n) of <shipment>-<lea>-<nnnn>, or None."""
    parts = box_id.split("-")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return parts[0], parts[1], int(parts[2])


def in_scope(scope, set_row):
    """Whether a print stream's set falls under an order's (lea, school, program)."""
    lea, school, program = scope
    return (set_row["lea_code"] == lea and (not school or set_row["school_code"] == school)
            and PROGRAM.get(set_row["report"]) == program)


def env_flag(set_row):
    return "Y" if set_row.get("envelopes") not in ("", "0", None) else "N"


def main(argv):
    if len(argv) != 7:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    wave1_csv, wave2_csv, orders2_csv, d1, d2, ds, orders1_csv = argv
    ck = Checker()
    _, _, rows1 = read_students(wave1_csv)
    _, _, rows2 = read_students(wave2_csv)
    now = {(r["ssid"], r["report"]): r for r in rows2}
    before = {(r["ssid"], r["report"]): r for r in rows1}
    w1, w2, one = Output(ck, "wave 1", d1), Output(ck, "wave 2", d2), Output(ck, "single run", ds)
    s1, s2, s = set(w1.sets), set(w2.sets), set(one.sets)

    # ---- 1. nothing printed twice
    for o in (w1, w2, one):
        ck.check(not o.twice, "%s prints a set twice" % o.name, few(o.twice))
    ck.check(not (s1 & s2), "sets printed in both waves", few(s1 & s2))

    # ---- 2. missing since printed
    want_missing = {k for k in s1 if k not in now}
    got_missing = {}
    if w2.missing is None:
        ck.check(False, "wave 2: reports/missing_since_printed.csv is missing")
    else:
        for r in w2.missing:
            k = (r.get("ssid"), r.get("report"))
            ck.check(k not in got_missing, "missing_since_printed lists %s twice" % (k,))
            got_missing[k] = r
    ck.check(set(got_missing) == want_missing, "missing_since_printed: not the wave 1 sets absent from wave 2",
             "only expected " + few(want_missing - set(got_missing)),
             "only listed " + few(set(got_missing) - want_missing))
    shown = 0
    for k in sorted(want_missing & set(got_missing)):
        p, r = w1.sets[k], got_missing[k]
        want = {"shipment": p["shipment"], "wave": "1", "box_id": p["box_id"], "lea_code": p["lea_code"],
                "school_code": p["school_code"], "grade": p["grade"]}
        got = {c: r.get(c) for c in want}
        if not ck.check(want == got, "missing_since_printed %s: not where wave 1 printed it" % (k,),
                        "wanted %s, got %s" % (want, got)):
            shown += 1
            if shown >= 3:
                break
    for o in (w1, one):
        ck.check(not o.missing, "%s: missing_since_printed.csv has rows" % o.name)
        ck.check(not o.changed, "%s: changed_since_printed.csv has rows" % o.name)

    # ---- 3. the union of the waves
    # cancelled orders docs/rules.md §15.2 keeps: their scope has sets wave 1 printed
    kept = []
    had = {(o["lea_code"], o.get("school_code", ""), o["program"])
           for o in read_csv(orders1_csv) or [] if not (o.get("cancelled_on") or "").strip()}
    for o in read_csv(orders2_csv) or []:
        if not (o.get("cancelled_on") or "").strip():
            continue
        scope = (o["lea_code"], o.get("school_code", ""), o["program"])
        if scope in had and any(in_scope(scope, p) for p in w1.sets.values()):
            kept.append(scope)
    union = (s1 | s2) - want_missing
    extra = union - s
    ck.check(all(any(in_scope(sc, w2.sets[k]) for sc in kept) for k in extra if k in w2.sets)
             and extra <= s2, "wave 1 + wave 2 - missing has sets the single run does not print, under no kept order",
             few(k for k in extra if k not in w2.sets or not any(in_scope(sc, w2.sets[k]) for sc in kept)))
    ck.check(s <= union, "the single run prints sets neither wave printed", few(s - union))

    # ---- 4. boxes: unique, numbered on, Box N of M within the wave
    waves1 = w1.summary.get("ledger", {}).get("waves", {})
    waves2 = w2.summary.get("ledger", {}).get("waves", {})
    n_boxes = [0, 0]
    for sh in SHIPMENTS:
        for o in (w1, w2):
            ids = {r["box_id"] for r in o.manifest[sh]}
            ck.check(ids == o.box_ids[sh], "%s %s: the manifest's boxes are not the print stream's" % (o.name, sh),
                     few(ids ^ o.box_ids[sh]))
        both = w1.box_ids[sh] & w2.box_ids[sh]
        ck.check(not both, "%s: box ids in both waves" % sh, few(both))
        nums = [{}, {}]
        for i, o in enumerate((w1, w2)):
            for b in o.box_ids[sh]:
                p = box_number(b)
                if not ck.check(p is not None and p[0] == sh, "%s %s: box id %r is not %s-<lea>-<n>" % (o.name, sh, b, sh)):
                    continue
                nums[i].setdefault(p[1], []).append(p[2])
            n_boxes[i] += len(o.box_ids[sh])
        for lea in sorted(set(nums[0]) | set(nums[1])):
            a, b = sorted(nums[0].get(lea, [])), sorted(nums[1].get(lea, []))
            ck.check(a == list(range(1, len(a) + 1)), "wave 1 %s LEA %s: boxes numbered %s" % (sh, lea, a[:8]))
            ck.check(b == list(range(len(a) + 1, len(a) + len(b) + 1)),
                     "wave 2 %s LEA %s: boxes numbered %s after wave 1's %d" % (sh, lea, b[:8], len(a)))
        # the manifests' Box N of M and wave
        for o, want_wave in ((w1, 1), (w2, waves2.get(sh)), (one, 1)):
            per_lea = {}
            for r in o.manifest[sh]:
                per_lea.setdefault(r["lea_code"], {})[r["box_id"]] = r
                if not ck.check(str(r.get("wave")) == str(want_wave), "%s %s manifest box %s: wave %r, wanted %r"
                                % (o.name, sh, r["box_id"], r.get("wave"), want_wave)):
                    break
            for lea, boxes in sorted(per_lea.items()):
                order = sorted(boxes, key=lambda b: (box_number(b) or ("", "", 0))[2])
                got = [(boxes[b]["box_no"], boxes[b]["box_count"]) for b in order]
                m = str(len(order))
                want = [(str(i), m) for i in range(1, len(order) + 1)]
                ck.check(got == want, "%s %s LEA %s: Box N of M %s, wanted %s" % (o.name, sh, lea, got[:5], want[:5]))
        if w2.box_ids[sh]:
            ck.check(waves2.get(sh) == (waves1.get(sh) or 0) + 1,
                     "wave 2 %s: summary's ledger wave %r after %r" % (sh, waves2.get(sh), waves1.get(sh)))
        else:
            ck.check(waves2.get(sh) == 0, "wave 2 %s prints nothing, summary's ledger wave %r, wanted 0" % (sh, waves2.get(sh)))
        ck.check(waves1.get(sh) == (1 if w1.box_ids[sh] else 0), "wave 1 %s: summary's ledger wave %r" % (sh, waves1.get(sh)))

    # ---- 5. invoices
    q1, q2, qs = w1.quantities(), w2.quantities(), one.quantities()
    qm = {}
    for k in want_missing:
        p = w1.sets[k]
        key = (p["lea_code"], ITEM[p["shipment"]], env_flag(p))
        qm[key] = qm.get(key, 0) + 1
    qk = {}
    for k in extra & s2:
        p = w2.sets[k]
        key = (p["lea_code"], ITEM[p["shipment"]], env_flag(p))
        qk[key] = qk.get(key, 0) + 1
    shown = 0
    for key in sorted(set(q1) | set(q2) | set(qs) | set(qm) | set(qk)):
        a = q1.get(key, 0) + q2.get(key, 0)
        b = qs.get(key, 0) + qm.get(key, 0) + qk.get(key, 0)
        if not ck.check(a == b, "invoice %s: wave 1 %d + wave 2 %d != single %d + missing %d + kept orders %d"
                        % ("/".join(key), q1.get(key, 0), q2.get(key, 0), qs.get(key, 0), qm.get(key, 0),
                           qk.get(key, 0))):
            shown += 1
            if shown >= 5:
                break
    q2p = {}
    for k in s2:
        p = w2.sets[k]
        key = (p["lea_code"], ITEM[p["shipment"]], env_flag(p))
        q2p[key] = q2p.get(key, 0) + 1
    ck.check(q2 == q2p, "wave 2's invoice quantities are not its print stream's sets",
             few(k for k in set(q2) | set(q2p) if q2.get(k) != q2p.get(k)))
    for o in (w1, w2, one):
        for r in o.invoices:
            if not ck.check(int(r["quantity"]) * int(r["unit_cents"]) == int(r["amount_cents"]),
                            "%s invoice line %s: quantity x unit != amount" % (o.name, r)):
                break
    billed1 = {}
    for r in w1.invoices:
        billed1.setdefault(r["lea_code"], set()).add(r["invoice_id"])
    year = None
    for lea, ids in billed1.items():
        ck.check(ids == {next(iter(ids))} and next(iter(ids)).startswith("INV-") and next(iter(ids)).endswith("-" + lea),
                 "wave 1 LEA %s: invoice ids %s, wanted one INV-<year>-%s" % (lea, sorted(ids), lea))
        year = next(iter(ids))[4:-len(lea) - 1]
    for r in w2.invoices:
        lea = r["lea_code"]
        want = "INV-%s-%s%s" % (year, lea, "-W2" if lea in billed1 else "")
        if not ck.check(r["invoice_id"] == want, "wave 2 LEA %s: invoice id %s, wanted %s" % (lea, r["invoice_id"], want)):
            break

    # ---- 5b. each line's order (docs/rules.md §16.4)
    def safe(v):
        return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
    pos = {}
    for o in read_csv(orders2_csv) or []:
        pos.setdefault((o["lea_code"], o.get("school_code", ""), o["program"]), set()).add(
            safe(o.get("po_number", "")))
    item_program = {"ela_math_sets": "CAASPP", "science_spanish_pairs": "CAASPP", "elpac_sets": "ELPAC"}
    per_school = {}
    for k in s2:
        p = w2.sets[k]
        key = (p["lea_code"], p["school_code"], ITEM[p["shipment"]])
        per_school[key] = per_school.get(key, 0) + 1
    school_lines = {}
    shown = 0
    for r in w2.invoices:
        by, school, po = r.get("ordered_by"), r.get("school_code", ""), r.get("po_number", "")
        prog = item_program.get(r["item"])
        if by == "parent":
            ok = not po and not school
        elif by == "school":
            ok = po in pos.get((r["lea_code"], school, prog), set())
            key = (r["lea_code"], school, r["item"])
            school_lines[key] = school_lines.get(key, 0) + int(r["quantity"])
        elif by == "lea":
            ok = not school and po in pos.get((r["lea_code"], "", prog), set())
        else:
            ok = False
        if not ck.check(ok, "wave 2 invoice line %s/%s/%s: ordered_by %r, school %r, PO %r is not an order "
                        "of that LEA (and school) for the program" % (r["lea_code"], r["item"], r["envelopes"],
                                                                      by, school, po)):
            shown += 1
            if shown >= 3:
                break
    for key, q in school_lines.items():
        ck.check(q == per_school.get(key, 0), "wave 2 school %s/%s %s: its order's lines bill %d sets, the "
                 "wave printed %d" % (key[0], key[1], key[2], q, per_school.get(key, 0)))
    for o in (w1, w2, one):
        dates = {(r.get("invoice_date"), r.get("due_date")) for r in o.invoices}
        ck.check(len(dates) <= 1, "%s: invoice lines carry different dates" % o.name, few(dates))

    # ---- 6. summaries
    for o in (w1, w2, one):
        st = o.summary.get("students", {})
        total = sum(st.get(k, 0) or 0 for k in ("rejected", "printed", "printed_earlier", "electronic_only"))
        ck.check(st.get("rows_read") == total, "%s: rows_read %r != rejected + printed + printed_earlier + electronic_only %r"
                 % (o.name, st.get("rows_read"), total))
        ck.check(st.get("printed") == len(o.sets), "%s: students.printed %r, its print streams hold %d sets"
                 % (o.name, st.get("printed"), len(o.sets)))
    st1, st2, sts = (o.summary.get("students", {}) for o in (w1, w2, one))
    earlier = sum(1 for k in now if k in s1)
    ck.check(st2.get("printed_earlier") == earlier, "wave 2: printed_earlier %r, wanted %d (its rows wave 1 printed)"
             % (st2.get("printed_earlier"), earlier))
    ck.check(st2.get("electronic_only") == (sts.get("electronic_only") or 0) - len(extra),
             "wave 2: electronic_only %r, wanted the single run's %r - %d under kept orders"
             % (st2.get("electronic_only"), sts.get("electronic_only"), len(extra)))
    for o, st in ((w1, st1), (one, sts)):
        for k in ("printed_earlier", "changed_since_printed", "missing_since_printed"):
            ck.check(st.get(k, 0) == 0, "%s: students.%s %r, wanted 0" % (o.name, k, st.get(k)))
    ck.check(st2.get("missing_since_printed") == len(w2.missing or []),
             "wave 2: missing_since_printed %r, the report has %d rows" % (st2.get("missing_since_printed"), len(w2.missing or [])))
    ck.check(st2.get("changed_since_printed") == len(w2.changed or []),
             "wave 2: changed_since_printed %r, the report has %d rows" % (st2.get("changed_since_printed"), len(w2.changed or [])))
    for o, run_id in ((w1, 1), (w2, 2)):
        lg = o.summary.get("ledger")
        if ck.check(isinstance(lg, dict), "%s: summary.json has no ledger object" % o.name):
            ck.check(lg.get("run_id") == run_id and lg.get("nothing_new") is False and lg.get("file"),
                     "%s: ledger %s, wanted run_id %d, nothing_new false, a file" % (o.name, lg, run_id))
    ck.check("ledger" not in one.summary, "the run without a ledger has a ledger key in summary.json")
    ck.check(one.summary.get("reconciled") is True and w2.summary.get("reconciled") is True
             and w1.summary.get("reconciled") is True, "a summary is not reconciled")

    # ---- 7. changed since printed
    want_changed = {k for k in s1 if k in now and any(now[k][f] != before[k][f] for f in PRINTED_FIELDS)}
    gen_changed = {k for k in before if k in now
                   and any(before[k][f] != now[k][f] for f in before[k] if f != "line")}
    got_changed = {}
    if w2.changed is None:
        ck.check(False, "wave 2: reports/changed_since_printed.csv is missing")
    else:
        for r in w2.changed:
            k = (r.get("ssid"), r.get("report"))
            ck.check(k not in got_changed, "changed_since_printed lists %s twice" % (k,))
            got_changed[k] = r
    ck.check(set(got_changed) == want_changed, "changed_since_printed: not the wave 1 sets whose printed fields changed",
             "only expected " + few(want_changed - set(got_changed)),
             "only listed " + few(set(got_changed) - want_changed))
    ck.check(not (s2 & want_changed), "a changed set was printed again in wave 2", few(s2 & want_changed))
    shown = 0
    for k in sorted(want_changed & set(got_changed)):
        p, r, n = w1.sets[k], got_changed[k], now[k]
        want = {"shipment": p["shipment"], "wave": "1", "box_id": p["box_id"], "lea_code": p["lea_code"],
                "school_code_printed": p["school_code"], "school_code_now": n["school_code"],
                "grade_printed": p["grade"], "grade_now": n["grade"],
                "last_name": n["last_name"], "first_name": n["first_name"]}
        got = {c: r.get(c) for c in want}
        if not ck.check(want == got, "changed_since_printed %s" % (k,),
                        "; ".join("%s wanted %r got %r" % (c, want[c], got[c]) for c in want if want[c] != got[c])):
            shown += 1
            if shown >= 3:
                break

    for d in ck.diffs[:MAX_SHOWN]:
        print(d)
    if len(ck.diffs) > MAX_SHOWN:
        print("... and %d more" % (len(ck.diffs) - MAX_SHOWN))
    print("oracle_waves: %d checks, %d differences (wave 1 %d sets in %d boxes, wave 2 %d sets in %d boxes, "
          "single run %d sets; %d printed earlier, %d changed since printed of %d rows gen changed, %d missing; "
          "%d sets under %d cancelled orders kept by docs/rules.md §15.2)"
          % (ck.checks, len(ck.diffs), len(s1), n_boxes[0], len(s2), n_boxes[1], len(s),
             earlier, len(want_changed), len(gen_changed), len(want_missing), len(extra), len(kept)))
    return 1 if ck.diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
