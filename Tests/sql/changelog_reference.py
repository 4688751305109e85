#!/usr/bin/env python3
"""Computes the expected changelog of every Tests/sql/changelog/*.sql,
independently of Flow, and writes it beside the case as NAME.expected.

Each case is a streaming-mode Flink SQL query (`SET 'execution.runtime-mode'
= 'streaming'`) over the CSV files of Tests/sql/data, with a `-- reference:`
comment holding the same query as a pipeline of the operators below. They
model Flink's streaming semantics directly, from their definitions:

- a group aggregate keeps each key's rows and recomputes its aggregates from
  them after every change; it emits +I for a new key, -U old / +U new when
  the result changes (nothing when it does not), -D when the key's last row
  is retracted;
- ROW_NUMBER ranks each partition afresh after every change and emits the
  rows whose number changed (+I new, -D removed, -U/+U moved);
- a regular join pairs each arriving row with the other side's current rows
  (+I), retracts pairs when a row is retracted (-D); an outer join emits a
  row without partner padded with NULL, retracts that row (-D) when the first
  partner arrives and emits it again (+I) when the last partner leaves.

Rows arrive in file order, the join's left input before its right (what
Flow does with one thread when each file fits in one read batch). Each line
of the output is a change printed as Flink's print connector does,
`+I[alice, 2]`.

The changelog is then applied (insert adds a row, retraction removes one)
and the final rows are checked against DuckDB running the same SQL (or its
`-- duckdb:` form), so the reference cannot drift from SQL semantics.

    pip install duckdb && python3 Tests/sql/changelog_reference.py
"""
import csv
import json
import os
import re
import sys

import duckdb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CASES = os.path.join(ROOT, "Tests", "sql", "changelog")
TYPES = {"BIGINT": "BIGINT", "INT": "BIGINT", "DOUBLE": "DOUBLE", "STRING": "VARCHAR"}
TABLES = {}


def parse_tables(sql):
    for m in re.finditer(r"CREATE TABLE (\w+) \((.*?)\)\s*WITH \((.*?)\);", sql, re.S):
        cols = []
        for part in m.group(2).split(","):
            name, typ = part.split()[:2]
            cols.append((name, TYPES[typ.upper()]))
        path = re.search(r"'path'\s*=\s*'([^']*)'", m.group(3)).group(1)
        fmt = re.search(r"'format'\s*=\s*'([^']*)'", m.group(3)).group(1)
        yield m.group(1), cols, path, fmt


def typed(v, typ):
    """A JSON value as a column of type typ (canal writes every value as a string)."""
    if v is None:
        return None
    if typ == "BIGINT":
        return int(v)
    if typ == "DOUBLE":
        return float(v)
    return str(v)


def change_events(path, fmt, cols):
    """Flink's CDC formats, from their documentation: debezium-json op c/r is
    +I after, u is -U before then +U after, d is -D before; canal-json and
    maxwell-json INSERT/UPDATE/DELETE carry the new image in data and, for
    an update, the changed columns' old values in old (canal: one per row of
    its data array); other events (schema changes) carry no rows;
    changelog-json (Flink CDC's) names the kind of its data row in op."""
    def row(image):
        return tuple(typed(image.get(c), t) for c, t in cols)

    out = []
    for line in open(path):
        if not line.strip():
            continue
        e = json.loads(line)
        if fmt == "changelog-json":
            out.append((e["op"], row(e["data"])))
        elif fmt == "debezium-json":
            op = e["op"]
            if op in ("c", "r"):
                out.append(("+I", row(e["after"])))
            elif op == "u":
                out += [("-U", row(e["before"])), ("+U", row(e["after"]))]
            elif op == "d":
                out.append(("-D", row(e["before"])))
        else:
            kind = e["type"].upper()
            data = e.get("data")
            if e.get("isDdl") or data is None:
                continue
            news = data if fmt == "canal-json" else [data]
            olds = e.get("old") or [{}] * len(news)
            if fmt == "maxwell-json":
                olds = [olds]
            for new, old in zip(news, olds):
                if kind == "INSERT":
                    out.append(("+I", row(new)))
                elif kind == "DELETE":
                    out.append(("-D", row(new)))
                elif kind == "UPDATE":
                    out += [("-U", row({**new, **old})), ("+U", row(new))]
    return out


def convert(text, typ):
    if text == "":
        return None
    return int(text) if typ == "BIGINT" else float(text) if typ == "DOUBLE" else text


# Streams are lists of (kind, row) with rows as tuples.

def scan(table):
    """An append-only table's rows, or a changelog table's change events."""
    if "changes" in TABLES[table]:
        return list(TABLES[table]["changes"])
    return [("+I", row) for row in TABLES[table]["rows"]]


def where(stream, pred):
    return [(k, r) for k, r in stream if pred(r)]


def project(stream, f):
    return [(k, f(r)) for k, r in stream]


def sql_count(rows, f=lambda r: 1, distinct=False):
    vals = [f(r) for r in rows if f(r) is not None]
    return len(set(vals)) if distinct else len(vals)


def sql_sum(rows, f):
    vals = [f(r) for r in rows if f(r) is not None]
    return sum(vals) if vals else None


def sql_min(rows, f):
    vals = [f(r) for r in rows if f(r) is not None]
    return min(vals) if vals else None


def sql_max(rows, f):
    vals = [f(r) for r in rows if f(r) is not None]
    return max(vals) if vals else None


def sql_avg(rows, f):
    vals = [f(r) for r in rows if f(r) is not None]
    if not vals:
        return None
    if all(isinstance(v, int) for v in vals):
        return int(sum(vals) / len(vals))  # Flink: AVG of BIGINT is BIGINT, truncated
    return sum(vals) / len(vals)


def group(stream, key, result):
    """key(row) -> key tuple; result(key, rows) -> output row."""
    state, emitted, out = {}, {}, []
    for kind, row in stream:
        k = key(row)
        rows = state.setdefault(k, [])
        if kind in ("+I", "+U"):
            rows.append(row)
        else:
            if row not in rows:
                continue
            rows.remove(row)
        if not rows:
            del state[k]
            if k in emitted:
                out.append(("-D", emitted.pop(k)))
            continue
        new = result(k, rows)
        if k not in emitted:
            out.append(("+I", new))
        elif emitted[k] != new:
            out.append(("-U", emitted[k]))
            out.append(("+U", new))
        emitted[k] = new
    return out


def join(left, right, lkey, rkey, how="inner"):
    """Left stream fully, then the right one; pads with Nones of each width."""
    lw = len(left[0][1]) if left else 0
    rw = len(right[0][1]) if right else 0
    state = [{}, {}]
    out = []
    keep = {"inner": (False, False), "left": (True, False), "right": (False, True), "full": (True, True)}[how]

    def pair(side, row, other):
        return (row + other) if side == 0 else (other + row)

    def pad(side, row):
        return pair(side, row, (None,) * (rw if side == 0 else lw))

    for side, stream, keyf in ((0, left, lkey), (1, right, rkey)):
        for kind, row in stream:
            k = keyf(row)
            o = 1 - side
            if any(x is None for x in k):
                if keep[side]:
                    out.append(("+I" if kind in ("+I", "+U") else "-D", pad(side, row)))
                continue
            mine = state[side].setdefault(k, [])
            others = state[o].get(k, [])
            if kind in ("+I", "+U"):
                if not others and keep[side]:
                    out.append(("+I", pad(side, row)))
                for m in others:
                    if keep[o] and not mine:
                        out.append(("-D", pad(o, m)))
                    out.append(("+I", pair(side, row, m)))
                mine.append(row)
            else:
                if row not in mine:
                    continue
                mine.remove(row)
                if not others and keep[side]:
                    out.append(("-D", pad(side, row)))
                for m in others:
                    out.append(("-D", pair(side, row, m)))
                    if keep[o] and not mine:
                        out.append(("+I", pad(o, m)))
    return out


def rank(stream, partition, order):
    """ROW_NUMBER per partition: order(row) gives a sort key (tuple, nulls
    first; negate numbers for DESC); ties keep their arrival order. After
    each change the partition is ranked afresh and compared with its ranking
    before: a removed row is -D, a new one +I, a moved one -U then +U (in the
    old ranking's order)."""
    parts, out, seq = {}, [], 0

    def ranking(rows):
        return sorted(rows, key=lambda x: (order(x[1]), x[0]))

    for kind, row in stream:
        k = partition(row)
        rows = parts.setdefault(k, [])
        before = {id(x): i + 1 for i, x in enumerate(ranking(rows))}
        old = ranking(rows)
        if kind in ("+I", "+U"):
            seq += 1
            entry = [seq, row]
            rows.append(entry)
            changed = entry
        else:
            ranked = [x for x in old if x[1] == row]
            if not ranked:
                continue
            changed = ranked[0]
            rows.remove(changed)
        after = {id(x): i + 1 for i, x in enumerate(ranking(rows))}
        if kind in ("+I", "+U"):
            out.append(("+I", row + (after[id(changed)],)))
        else:
            out.append(("-D", row + (before[id(changed)],)))
        for x in old:
            if x is changed:
                continue
            if before[id(x)] != after[id(x)]:
                out.append(("-U", x[1] + (before[id(x)],)))
                out.append(("+U", x[1] + (after[id(x)],)))
    return out


def nulls_first(v):
    return (0, 0) if v is None else (1, v)


def render(v):
    if v is None:
        return "null"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def final_rows(changes):
    rows = []
    for kind, row in changes:
        if kind in ("+I", "+U"):
            rows.append(row)
        else:
            rows.remove(row)
    return sorted(rows, key=repr)


def main():
    os.chdir(ROOT)
    for name in sorted(os.listdir(CASES)):
        if not name.endswith(".sql"):
            continue
        sql = open(os.path.join(CASES, name)).read()
        con = duckdb.connect()
        TABLES.clear()
        for table, cols, path, fmt in parse_tables(sql):
            if fmt == "csv":
                with open(path, newline="") as f:
                    reader = csv.reader(f)
                    header = next(reader)
                    rows = [tuple(convert(dict(zip(header, rec)).get(c, ""), t) for c, t in cols) for rec in reader]
                TABLES[table] = {"rows": rows}
            else:
                # DuckDB gets the table's final rows: the changelog applied.
                changes = change_events(path, fmt, cols)
                rows = final_rows(changes)
                TABLES[table] = {"rows": rows, "changes": changes}
            con.execute("CREATE TABLE %s (%s)" % (table, ", ".join("%s %s" % c for c in cols)))
            if rows:
                con.executemany("INSERT INTO %s VALUES (%s)" % (table, ", ".join("?" * len(cols))), rows)
        ref = " ".join(l[len("-- reference:"):].strip() for l in sql.split("\n") if l.startswith("-- reference:"))
        changes = eval(ref)
        duck = [l[len("-- duckdb:"):].strip() for l in sql.split("\n") if l.startswith("-- duckdb:")]
        body = re.sub(r"--[^\n]*", "", sql)
        query = " ".join(duck) if duck else [s.strip() for s in body.split(";") if s.strip()][-1]
        want = sorted([tuple(r) for r in con.execute(query).fetchall()], key=repr)
        got = final_rows(changes)
        if got != want:
            print("%s: the changelog's final rows differ from DuckDB's\n  changelog: %s\n  duckdb:    %s" % (name, got, want))
            return 1
        out = os.path.join(CASES, name[:-4] + ".expected")
        with open(out, "w") as f:
            for kind, row in changes:
                f.write("%s[%s]\n" % (kind, ", ".join(render(v) for v in row)))
        print("wrote %s (%d changes, %d final rows)" % (os.path.relpath(out, ROOT), len(changes), len(got)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
