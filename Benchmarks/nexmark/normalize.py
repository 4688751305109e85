"""Result rows of both engines in one canonical form, compared as multisets.

Flow prints records (`{auction: 1001, price: 124.396, dateTime:
2015-07-15T00:00:00.080Z, extra: "abc"}`); Flink's CSV sink writes
`1001,124.396,"2015-07-15 00:00:00.08",abc`. Both become tuples of
canonical strings, in the query's column order:
- times: milliseconds since the epoch (UTC, as both engines write them);
- numbers: rounded to 3 decimals, written without a fraction when it is
  zero (Flink computes q1's price as DECIMAL(23, 3) and writes `26792129`
  or `5755.812`; Flow computes a Float and prints `26792129.0`);
- strings: unquoted.
"""

import calendar
import collections
import csv
import os
import re
from decimal import Decimal, InvalidOperation, ROUND_HALF_EVEN

import flink_queries

TIME = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?Z?$")


INTEGER = re.compile(r"-?\d+")


def canonical(text):
    if INTEGER.fullmatch(text):
        return "n%d" % int(text)
    m = TIME.match(text)
    if m:
        frac = (m.group(3) or ".0")[1:]
        d, t = m.group(1), m.group(2)
        seconds = calendar.timegm((int(d[0:4]), int(d[5:7]), int(d[8:10]), int(t[0:2]), int(t[3:5]), int(t[6:8])))
        return "t%d" % (seconds * 1000 + int((frac + "000")[:3]))
    if not re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        return "s" + text
    try:
        d = Decimal(text).quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        return "s" + text
    # Flink writes DECIMAL 26792129.000 as `26792129`, Flow's Float as `26792129.0`.
    return "n%d" % int(d) if d == d.to_integral_value() else "n%s" % d


FIELD = re.compile(r'(\w+): ("(?:[^"\\]|\\.)*"|[^,}]*)(?:, |\}$)')
ESCAPE = re.compile(r"\\(.)")


def parse_flow_record(line):
    """{name: value, ...} -> {name: raw text}; quoted strings unescaped.
    A regular expression does the common case fast (a million rows take
    seconds); the character loop below is the reference it must agree with."""
    line = line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        raise ValueError("not a record: %r" % line[:80])
    fields = {}
    pos = 1
    for m in FIELD.finditer(line, 1):
        if m.start() != pos:
            return parse_flow_record_slowly(line)
        value = m.group(2)
        if value.startswith('"'):
            value = ESCAPE.sub(lambda e: {"n": "\n", "t": "\t", "r": "\r"}.get(e.group(1), e.group(1)), value[1:-1])
        fields[m.group(1)] = value
        pos = m.end()
    if pos != len(line):
        return parse_flow_record_slowly(line)
    return fields


def parse_flow_record_slowly(line):
    fields, i, n = {}, 1, len(line) - 1
    while i < n:
        colon = line.index(": ", i)
        name = line[i:colon].strip()
        i = colon + 2
        if line[i] == '"':
            out, i = [], i + 1
            while line[i] != '"':
                if line[i] == "\\":
                    i += 1
                    out.append({"n": "\n", "t": "\t", "r": "\r"}.get(line[i], line[i]))
                else:
                    out.append(line[i])
                i += 1
            value, i = "".join(out), i + 1
        else:
            end = i
            while end < n and line[end] != ",":
                end += 1
            value, i = line[i:end], end
        fields[name] = value
        if i < n and line[i] == ",":
            i += 1
        while i < n and line[i] == " ":
            i += 1
    return fields


def flow_rows(path, columns):
    rows = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = parse_flow_record(line)
                rows[tuple(canonical(rec[c]) for c in columns)] += 1
    return rows


def flink_rows(sink_dir, columns):
    """Every committed part file under sink_dir; in-progress files (hidden,
    `.part-...inprogress`) mean the sink did not commit: an error."""
    rows = collections.Counter()
    for dirpath, _, files in os.walk(sink_dir):
        for name in files:
            if name.startswith("."):
                if "inprogress" in name:
                    raise ValueError("Flink left an uncommitted file: %s" % os.path.join(dirpath, name))
                continue
            with open(os.path.join(dirpath, name), newline="", encoding="utf-8") as f:
                for rec in csv.reader(f):
                    if len(rec) != len(columns):
                        raise ValueError("%s: %d columns, expected %d" % (name, len(rec), len(columns)))
                    rows[tuple(canonical(v) for v in rec)] += 1
    return rows


_flink_cache = {}


def compare(query, flow_out, flink_sink):
    """(same, note): whether both engines produced the same multiset of rows.
    Flink's rows are read once per sink folder (several Flow runs are
    compared with one Flink run)."""
    columns = flink_queries.columns(query)
    try:
        if flink_sink not in _flink_cache:
            _flink_cache.clear()
            _flink_cache[flink_sink] = flink_rows(flink_sink, columns)
        a, b = flow_rows(flow_out, columns), _flink_cache[flink_sink]
    except (OSError, ValueError, KeyError) as e:
        return False, "cannot compare: %s" % e
    if a == b:
        return True, "%d rows" % sum(a.values())
    only_flow, only_flink = a - b, b - a
    note = "%d rows vs %d; %d only in flow, %d only in flink" % (
        sum(a.values()), sum(b.values()), sum(only_flow.values()), sum(only_flink.values()))
    example = next(iter(only_flow or only_flink))
    return False, note + "; e.g. %s" % (example,)


def self_test():
    """Checks the canonical forms and the comparison on hand-made rows of
    both engines (NexmarkSuiteTests runs it: `python3 normalize.py --self-test`)."""
    import tempfile
    same = [("2015-07-15T00:00:00.080Z", "2015-07-15 00:00:00.08"), ("2015-07-15T00:00:01Z", "2015-07-15 00:00:01"),
            ("26792129.0", "26792129"), ("90.80000000000001", "90.8"), ("124.396", "124.396"), ("12", "12.000")]
    for a, b in same:
        assert canonical(a) == canonical(b), (a, b, canonical(a), canonical(b))
    differ = [("2015-07-15T00:00:00.080Z", "2015-07-15 00:00:00.081"), ("90.8", "90.81"), ("abc", "abd"), ("1", "s1")]
    for a, b in differ:
        assert canonical(a) != canonical(b), (a, b)
    rec = parse_flow_record('{auction: 1, price: 2.5, dateTime: 2015-07-15T00:00:00Z, extra: "a, b: \\"c\\""}')
    assert rec == {"auction": "1", "price": "2.5", "dateTime": "2015-07-15T00:00:00Z", "extra": 'a, b: "c"'}, rec
    for line in ['{a: 1, b: "x\\\\y\\"z", c: 2015-07-15T00:00:00.080Z}', '{name: "Paul, Jr: x", id: 3}', '{a: -1.5}', '{s: ""}']:
        assert parse_flow_record(line) == parse_flow_record_slowly(line), (line, parse_flow_record(line), parse_flow_record_slowly(line))
    with tempfile.TemporaryDirectory() as d:
        flow = os.path.join(d, "flow.txt")
        sink = os.path.join(d, "sink")
        os.makedirs(sink)
        with open(flow, "w") as f:
            f.write('{auction: 1, price: 2}\n{auction: 1, price: 2}\n{auction: 3, price: 4}\n')
        with open(os.path.join(sink, "part-0"), "w") as f:
            f.write("3,4\n1,2\n")
        with open(os.path.join(sink, "part-1"), "w") as f:
            f.write("1,2\n")
        assert compare("q2", flow, sink) == (True, "3 rows"), compare("q2", flow, sink)
        with open(os.path.join(sink, "part-1"), "w") as f:
            f.write("1,5\n")
        _flink_cache.clear()
        same_rows, note = compare("q2", flow, sink)
        assert not same_rows and "1 only in flow, 1 only in flink" in note, note
        open(os.path.join(sink, ".part-2.inprogress.x"), "w").close()
        _flink_cache.clear()
        assert not compare("q2", flow, sink)[0]
    print("normalize.py: self-test passed")


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    elif len(sys.argv) == 5 and sys.argv[1] == "--compare":
        same, note = compare(*sys.argv[2:])
        print(note)
        sys.exit(0 if same else 1)
    else:
        sys.exit("usage: python3 normalize.py --self-test | --compare QUERY FLOW_OUTPUT FLINK_SINK_DIR")
