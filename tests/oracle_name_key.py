#!/usr/bin/env python3
"""The name key of docs/rules.md §9 for the oracles (oracle_sort.py, oracle_run.py):
ICU's root collation at primary strength with punctuation and spaces
shifted away, as a sort key compared as bytes.  ICU comes from PyICU
(Debian's python3-icu): the same libicu ssrfill links, but none of
ssrfill's C, so neither its fast path nor the way it assembles a row's
key.

usage: oracle_name_key.py
Run as a script, it checks the key against the examples of docs/rules.md §9 and exits 0
when they all hold, 1 listing those that do not (tests/e2e.sh runs it).
A Python that cannot import icu exits 2 saying so.
"""
import sys

try:
    import icu
except ImportError:
    sys.stderr.write("%s: %s cannot import icu (PyICU): install python3-icu and run "
                     "the oracles with /usr/bin/python3 (tests/lib.sh picks it)\n"
                     % (sys.argv[0] or "oracle_name_key.py", sys.executable))
    sys.exit(2)

_collator = icu.Collator.createInstance(icu.Locale.getRoot())
_collator.setStrength(icu.Collator.PRIMARY)
_collator.setAttribute(icu.UCollAttribute.ALTERNATE_HANDLING, icu.UCollAttributeValue.SHIFTED)


def name_key(name):
    """The bytes that order name among names (docs/rules.md §9): equal for names
    a reader files together, whatever their case, accents and punctuation."""
    return bytes(_collator.getSortKey(name))


# (a, relation, b): a's key is equal to / before b's.
EXAMPLES = [
    ("Núñez", "=", "Nunez"),
    ("O'Brien", "=", "Obrien"),
    ("De La Cruz", "=", "Delacruz"),
    ("Straße", "=", "Strasse"),
    ("SMITH", "=", "smith"),
    ("Đặng", "=", "Dang"),
    ("Đỗ", "=", "Do"),
    ("Ærøe", "=", "Aeroe"),
    ("Obrien", "<", "Ødegaard"),
    ("Ødegaard", "<", "Owens"),
    ("Lopez", "<", "Łukasz"),
    ("Łukasz", "<", "Luna"),
    ("Dang", "<", "Davis"),
    ("Đặng", "<", "Davis"),
    ("Dan", "<", "Đặng"),
    ("Đoàn", "<", "Zúñiga"),       # under D, not after Z
    ("Zúñiga", "<", "김"),          # Latin before Hangul
    ("김", "<", "李"),              # Hangul before Han (CLDR script order)
    ("이", "<", "王"),
    ("'-.", "=", ""),              # punctuation only: the empty key...
    ("'-.", "<", "0"),             # ...before every name with a letter or digit
    ("- -", "<", "A"),
    ("Smith", "<", "Smith-Jones"),  # a prefix first
]


def self_check():
    """The examples of docs/rules.md §9 that do not hold, as lines of text."""
    wrong = []
    for a, rel, b in EXAMPLES:
        ka, kb = name_key(a), name_key(b)
        if not (ka == kb if rel == "=" else ka < kb):
            wrong.append("%r %s %r does not hold: %s vs %s" % (a, rel, b, ka.hex(), kb.hex()))
    return wrong


if __name__ == "__main__":
    failures = self_check()
    for line in failures:
        print(line)
    print("name key (ICU %s, root, primary, shifted): %d of %d examples hold"
          % (icu.ICU_VERSION, len(EXAMPLES) - len(failures), len(EXAMPLES)))
    sys.exit(1 if failures else 0)
