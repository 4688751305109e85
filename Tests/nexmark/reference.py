#!/usr/bin/env python3
"""Independent reference results for the Nexmark queries in Examples/nexmark.

Reads the three input files Examples/nexmark/data/{persons,auctions,bids}.csv
and computes what each query returns, from the queries' definitions (the
Nexmark benchmark's Flink SQL, nexmark/nexmark nexmark-flink/.../queries/q*.sql)
as plain loops over lists and dictionaries, with the standard library only.
It shares no code with Flow. Each result is written to
Examples/nexmark/qN.expected in the text form `flow run ... |> writeStdout()`
prints records in:

    {field: value, ...}   fields in the query's column order
    strings               "quoted"
    floats                shortest repr that reads back the same (Python's repr
                          and Swift's description agree on this)
    times                 2015-07-15T00:00:01Z, or 2015-07-15T00:00:01.250Z
    null                  null

Rows of queries whose output order is not defined (joins, windows, grouping)
are written sorted; the test compares those as multisets of lines. Rows of
element-wise queries (q0, q1, q2, q10, q14, q21, q22) are in input order.

Event time is each record's dateTime. The inputs are in time order, so with
the queries' bounded-delay watermarks no event is late, and at the end of the
bounded input every window fires and every auction closes: each query's
result is its SQL result over the whole input.

    python3 Tests/nexmark/reference.py           # write the .expected files
    python3 Tests/nexmark/reference.py --check   # compare, write nothing;
                                                 # exit 1 with a diff on mismatch
"""

import csv
import datetime
import difflib
import os
import re
import sys
from collections import defaultdict, deque

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIR = os.path.join(ROOT, "Examples", "nexmark")
DATA = os.path.join(DIR, "data")

SECOND = 1000
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# ----------------------------------------------------------------- values


class Time(int):
    """Milliseconds since the epoch, printed as an ISO time."""


def parse_time(text):
    dt = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    delta = dt - EPOCH
    return Time(delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000)


def format_time(ms):
    dt = EPOCH + datetime.timedelta(milliseconds=int(ms))
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if ms % 1000:
        text += ".%03d" % (ms % 1000)
    return text + "Z"


def day_of(ms):
    """DATE_FORMAT(t, 'yyyy-MM-dd') in UTC."""
    return (EPOCH + datetime.timedelta(milliseconds=int(ms))).strftime("%Y-%m-%d")


def hour_of(ms):
    """HOUR(t) in UTC."""
    return (EPOCH + datetime.timedelta(milliseconds=int(ms))).hour


def quote(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\\u{%02x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def show(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Time):
        return format_time(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list):
        return "[" + ", ".join(show(x) for x in v) + "]"
    raise TypeError("cannot print %r" % (v,))


def record(*fields):
    """One output line from (name, value) pairs, in order."""
    return "{" + ", ".join("%s: %s" % (k, show(v)) for k, v in fields) + "}"


# ----------------------------------------------------------------- input


def read(name, ints, times):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        rows = []
        for r in csv.DictReader(f):
            for k in ints:
                r[k] = int(r[k])
            for k in times:
                r[k] = parse_time(r[k])
            rows.append(r)
        return rows


PERSONS = read("persons.csv", ["id"], ["dateTime"])
AUCTIONS = read("auctions.csv", ["id", "initialBid", "reserve", "seller", "category"], ["dateTime", "expires"])
BIDS = read("bids.csv", ["auction", "bidder", "price"], ["dateTime"])


# ----------------------------------------------------------------- queries
# Each returns (ordered, lines).


def q0():
    return True, [record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]),
                         ("dateTime", b["dateTime"]), ("extra", b["extra"])) for b in BIDS]


def q1():
    return True, [record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", 0.908 * b["price"]),
                         ("dateTime", b["dateTime"]), ("extra", b["extra"])) for b in BIDS]


def q2():
    return True, [record(("auction", b["auction"]), ("price", b["price"])) for b in BIDS if b["auction"] % 123 == 0]


def q3():
    out = []
    for a in AUCTIONS:
        if a["category"] != 10:
            continue
        for p in PERSONS:
            if p["id"] == a["seller"] and p["state"] in ("OR", "ID", "CA"):
                out.append(record(("name", p["name"]), ("city", p["city"]), ("state", p["state"]), ("id", a["id"])))
    return False, out


def winning_bids():
    """(auction, max price) for every auction with a bid placed between its
    dateTime and its expiry, both included (the SQL's BETWEEN)."""
    by_auction = defaultdict(list)
    for b in BIDS:
        by_auction[b["auction"]].append(b)
    out = []
    for a in AUCTIONS:
        prices = [b["price"] for b in by_auction[a["id"]] if a["dateTime"] <= b["dateTime"] <= a["expires"]]
        if prices:
            out.append((a, max(prices)))
    return out


def q4():
    finals = defaultdict(list)
    for a, final in winning_bids():
        finals[a["category"]].append(final)
    # AVG of a BIGINT column is a BIGINT: the quotient truncated.
    return False, [record(("category", c), ("avg_final", sum(v) // len(v))) for c, v in finals.items()]


def q5():
    size, slide = 10 * SECOND, 2 * SECOND
    counts = defaultdict(int)  # (window start, auction) -> bids
    for b in BIDS:
        t = b["dateTime"]
        start = t - t % slide
        while start > t - size:
            counts[(start, b["auction"])] += 1
            start -= slide
    best = defaultdict(int)
    for (start, _), n in counts.items():
        best[start] = max(best[start], n)
    out = []
    for (start, auction), n in counts.items():
        if n >= best[start]:
            out.append(record(("auction", auction), ("num", n), ("starttime", Time(start)), ("endtime", Time(start + size))))
    return False, out


def q6():
    # Auctions close at their expiry (equal expiries: lower id first); per
    # seller, the average winning price of the last 10 closed auctions.
    closed = sorted(winning_bids(), key=lambda w: (w[0]["expires"], w[0]["id"]))
    last = defaultdict(lambda: deque(maxlen=10))
    out = []
    for a, price in closed:
        prices = last[a["seller"]]
        prices.append(price)
        out.append(record(("seller", a["seller"]), ("avg_price", sum(prices) // len(prices))))
    return False, out


def q7():
    size = 10 * SECOND
    maxprice = {}
    for b in BIDS:
        start = b["dateTime"] - b["dateTime"] % size
        maxprice[start] = max(maxprice.get(start, b["price"]), b["price"])
    out = []
    for start, m in maxprice.items():
        end = start + size
        for b in BIDS:
            if b["price"] == m and end - size <= b["dateTime"] <= end:
                out.append(record(("auction", b["auction"]), ("price", b["price"]), ("bidder", b["bidder"]),
                                  ("dateTime", b["dateTime"]), ("extra", b["extra"])))
    return False, out


def q8():
    size = 10 * SECOND
    people = {(p["id"], p["name"], p["dateTime"] - p["dateTime"] % size) for p in PERSONS}
    sellers = {(a["seller"], a["dateTime"] - a["dateTime"] % size) for a in AUCTIONS}
    out = [record(("id", pid), ("name", name), ("starttime", Time(start)))
           for pid, name, start in people if (pid, start) in sellers]
    return False, out


def q11():
    gap = 10 * SECOND
    times = defaultdict(list)
    for b in BIDS:
        times[b["bidder"]].append(b["dateTime"])
    out = []
    for bidder, ts in times.items():
        ts.sort()
        # A session is a run of bids each less than `gap` after the previous
        # one; it ends `gap` after its last bid.
        first, last, n = ts[0], ts[0], 1
        for t in ts[1:]:
            if t - last < gap:
                last, n = t, n + 1
            else:
                out.append(record(("bidder", bidder), ("bid_count", n), ("starttime", Time(first)), ("endtime", Time(last + gap))))
                first, last, n = t, t, 1
        out.append(record(("bidder", bidder), ("bid_count", n), ("starttime", Time(first)), ("endtime", Time(last + gap))))
    return False, out


# q12 runs with `flow run --clock-step 10ms` (its `// args:` line): the
# simulated processing clock starts at the epoch and the i-th event read
# (from 0) is processed at i * 10 ms. The bids file is the only source, so
# bid i (in file order) has processing time i * 10 ms.
Q12_CLOCK_STEP = 10


def q12():
    size = 10 * SECOND
    counts = defaultdict(int)
    for i, b in enumerate(BIDS):
        p_time = i * Q12_CLOCK_STEP
        start = p_time - p_time % size
        counts[(b["bidder"], start)] += 1
    out = []
    for (bidder, start), n in counts.items():
        out.append(record(("bidder", bidder), ("bid_count", n), ("starttime", Time(start)), ("endtime", Time(start + size))))
    return False, out


def q13():
    # The side input: rows "key,value" without a header (SideInputGenerator's format).
    with open(os.path.join(DATA, "side_input.csv"), newline="", encoding="utf-8") as f:
        side = defaultdict(list)
        for key, value in csv.reader(f):
            side[int(key)].append(value)
    out = []
    for b in BIDS:
        for value in side.get(b["auction"] % 10000, []):
            out.append(record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]),
                              ("dateTime", b["dateTime"]), ("value", value)))
    return False, out


def q14():
    out = []
    for b in BIDS:
        euros = 0.908 * b["price"]
        if not (euros > 1000000 and euros < 50000000):
            continue
        h = hour_of(b["dateTime"])
        kind = "dayTime" if 8 <= h <= 18 else "nightTime" if h <= 6 or h >= 20 else "otherTime"
        out.append(record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", euros), ("bidTimeType", kind),
                          ("dateTime", b["dateTime"]), ("extra", b["extra"]), ("c_counts", b["extra"].count("c"))))
    return True, out


RANKS = [
    lambda p: p < 10000,
    lambda p: 10000 <= p < 1000000,
    lambda p: p >= 1000000,
]


def q15():
    days = defaultdict(list)
    for b in BIDS:
        days[day_of(b["dateTime"])].append(b)
    out = []
    for day, bs in days.items():
        fields = [("day", day), ("total_bids", len(bs))]
        fields += [("rank%d_bids" % (i + 1), sum(1 for b in bs if r(b["price"]))) for i, r in enumerate(RANKS)]
        for what in ("bidder", "auction"):
            fields.append(("total_%ss" % what, len({b[what] for b in bs})))
            fields += [("rank%d_%ss" % (i + 1, what), len({b[what] for b in bs if r(b["price"])})) for i, r in enumerate(RANKS)]
        out.append(record(*fields))
    return False, out


def q17():
    groups = defaultdict(list)
    for b in BIDS:
        groups[(b["auction"], day_of(b["dateTime"]))].append(b["price"])
    out = []
    for (auction, day), prices in groups.items():
        out.append(record(("auction", auction), ("day", day), ("total_bids", len(prices)),
                          *[("rank%d_bids" % (i + 1), sum(1 for p in prices if r(p))) for i, r in enumerate(RANKS)],
                          ("min_price", min(prices)), ("max_price", max(prices)),
                          ("avg_price", sum(prices) // len(prices)), ("sum_price", sum(prices))))
    return False, out


def bid_fields(b):
    return [("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]), ("channel", b["channel"]),
            ("url", b["url"]), ("dateTime", b["dateTime"]), ("extra", b["extra"])]


def q18():
    latest = {}
    for b in BIDS:
        k = (b["bidder"], b["auction"])
        if k in latest and latest[k]["dateTime"] == b["dateTime"]:
            raise SystemExit("q18: two bids of %r at the same time; the latest is ambiguous" % (k,))
        if k not in latest or b["dateTime"] > latest[k]["dateTime"]:
            latest[k] = b
    return False, [record(*bid_fields(b)) for b in latest.values()]


def q19():
    groups = defaultdict(list)
    for b in BIDS:
        groups[b["auction"]].append(b)
    out = []
    for bs in groups.values():
        # ROW_NUMBER() OVER (ORDER BY price DESC); equal prices: earlier bid first.
        ranked = sorted(bs, key=lambda b: (-b["price"], b["dateTime"]))[:10]
        for i, b in enumerate(ranked):
            out.append(record(*bid_fields(b), ("rank_number", i + 1)))
    return False, out


def q20():
    auctions = {a["id"]: a for a in AUCTIONS if a["category"] == 10}
    out = []
    for b in BIDS:
        a = auctions.get(b["auction"])
        if a is None:
            continue
        out.append(record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]),
                          ("channel", b["channel"]), ("url", b["url"]), ("bid_dateTime", b["dateTime"]),
                          ("bid_extra", b["extra"]), ("itemName", a["itemName"]), ("description", a["description"]),
                          ("initialBid", a["initialBid"]), ("reserve", a["reserve"]), ("auction_dateTime", a["dateTime"]),
                          ("expires", a["expires"]), ("seller", a["seller"]), ("category", a["category"]),
                          ("auction_extra", a["extra"])))
    return False, out


CHANNEL_ID = re.compile(r"(&|^)channel_id=([^&]*)")
BIG_CHANNELS = {"apple": "0", "google": "1", "facebook": "2", "baidu": "3"}


def q21():
    out = []
    for b in BIDS:
        m = CHANNEL_ID.search(b["url"])
        extracted = m.group(2) if m else None
        channel = b["channel"].lower()
        if extracted is None and channel not in BIG_CHANNELS:
            continue
        cid = BIG_CHANNELS.get(channel, extracted)
        out.append(record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]),
                          ("channel", b["channel"]), ("channel_id", cid)))
    return True, out


def q22():
    def split_index(s, sep, i):
        parts = s.split(sep)
        return parts[i] if i < len(parts) else None

    return True, [record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]),
                         ("channel", b["channel"]), ("dir1", split_index(b["url"], "/", 3)),
                         ("dir2", split_index(b["url"], "/", 4)), ("dir3", split_index(b["url"], "/", 5)))
                  for b in BIDS]


def q9():
    by_auction = defaultdict(list)
    for b in BIDS:
        by_auction[b["auction"]].append(b)
    out = []
    for a in AUCTIONS:
        bs = [b for b in by_auction[a["id"]] if a["dateTime"] <= b["dateTime"] <= a["expires"]]
        if not bs:
            continue
        # ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) = 1
        w = sorted(bs, key=lambda b: (-b["price"], b["dateTime"]))[0]
        fields = [(k, a[k]) for k in ("id", "itemName", "description", "initialBid", "reserve", "dateTime",
                                      "expires", "seller", "category", "extra")]
        fields += [("auction", w["auction"]), ("bidder", w["bidder"]), ("price", w["price"]),
                   ("bid_dateTime", w["dateTime"]), ("bid_extra", w["extra"])]
        out.append(record(*fields))
    return False, out


def minute_of(ms):
    """DATE_FORMAT(t, 'HH:mm') in UTC."""
    return (EPOCH + datetime.timedelta(milliseconds=int(ms))).strftime("%H:%M")


def q10():
    return True, [record(("auction", b["auction"]), ("bidder", b["bidder"]), ("price", b["price"]),
                         ("dateTime", b["dateTime"]), ("extra", b["extra"]), ("dt", day_of(b["dateTime"])),
                         ("hm", minute_of(b["dateTime"]))) for b in BIDS]


def q16():
    groups = defaultdict(list)
    for b in BIDS:
        groups[(b["channel"], day_of(b["dateTime"]))].append(b)
    out = []
    for (channel, day), bs in groups.items():
        fields = [("channel", channel), ("day", day), ("minute", max(minute_of(b["dateTime"]) for b in bs)),
                  ("total_bids", len(bs))]
        fields += [("rank%d_bids" % (i + 1), sum(1 for b in bs if r(b["price"]))) for i, r in enumerate(RANKS)]
        for what in ("bidder", "auction"):
            fields.append(("total_%ss" % what, len({b[what] for b in bs})))
            fields += [("rank%d_%ss" % (i + 1, what), len({b[what] for b in bs if r(b["price"])})) for i, r in enumerate(RANKS)]
        out.append(record(*fields))
    return False, out


QUERIES = {"q0": q0, "q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7, "q8": q8,
           "q9": q9, "q10": q10, "q11": q11, "q12": q12, "q13": q13, "q14": q14, "q15": q15, "q16": q16, "q17": q17, "q18": q18, "q19": q19, "q20": q20,
           "q21": q21, "q22": q22}


def main(argv):
    check = "--check" in argv[1:]
    wanted = [a for a in argv[1:] if not a.startswith("--")] or list(QUERIES)
    failed = False
    for name in wanted:
        ordered, lines = QUERIES[name]()
        if not ordered:
            lines = sorted(lines)
        text = "".join(line + "\n" for line in lines)
        path = os.path.join(DIR, name + ".expected")
        if check:
            try:
                with open(path, encoding="utf-8") as f:
                    have = f.read()
            except FileNotFoundError:
                have = ""
            if have != text:
                failed = True
                diff = difflib.unified_diff(have.splitlines(), text.splitlines(), path, "reference.py " + name,
                                            lineterm="", n=1)
                sys.stdout.write("\n".join(list(diff)[:40]) + "\n")
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print("%s: %d rows" % (path, len(lines)))
    if failed:
        print("reference.py --check: the committed .expected files differ from what the reference computes")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
