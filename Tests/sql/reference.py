#!/usr/bin/env python3
"""Computes the expected output of every Tests/sql/cases/*.sql with DuckDB,
independently of Flow, and writes it beside the case as NAME.expected.

The CI does not need DuckDB: the expected files are committed. Rerun this
after adding or changing a case:

    pip install duckdb && python3 Tests/sql/reference.py

Each case holds Flink SQL: CREATE TABLE statements for CSV files, then one
SELECT. The tables are loaded into DuckDB with the declared column types
(an empty CSV field is NULL), and the SELECT runs there. Where DuckDB's
dialect or semantics differ from Flink's (integer division, CONCAT with a
NULL, REGEXP_EXTRACT without a match), the case gives DuckDB's form of the
same query in `-- duckdb:` comment lines. Rows are printed as Flow prints
records: `{name: value, ...}`, sorted, except in a case marked `-- ordered`
(an ORDER BY query), whose order is part of the result.
"""
import csv
import datetime
import json
import os
import re
import sys

import duckdb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CASES = os.path.join(ROOT, "Tests", "sql", "cases")

TYPES = {
    "BIGINT": "BIGINT", "INT": "BIGINT", "INTEGER": "BIGINT",
    "DOUBLE": "DOUBLE", "STRING": "VARCHAR", "VARCHAR": "VARCHAR",
    "BOOLEAN": "BOOLEAN", "TIMESTAMP": "TIMESTAMP",
}


def parse_tables(sql):
    """(name, [(column, duckdb type)], csv path) of each CREATE TABLE."""
    tables = []
    for m in re.finditer(r"CREATE TABLE (\w+) \((.*?)\)\s*WITH \((.*?)\);", sql, re.S):
        cols = []
        for line in m.group(2).split("\n"):
            line = line.strip().rstrip(",")
            if not line or line.upper().startswith("WATERMARK"):
                continue
            name, typ = line.split()[:2]
            cols.append((name.strip("`"), TYPES[re.sub(r"\(.*", "", typ).upper()]))
        path = re.search(r"'path'\s*=\s*'([^']*)'", m.group(3)).group(1)
        tables.append((m.group(1), cols, path))
    return tables


def convert(text, typ):
    if text == "":
        return None
    if typ == "BIGINT":
        return int(text)
    if typ == "DOUBLE":
        return float(text)
    if typ == "BOOLEAN":
        return text.lower() == "true"
    if typ == "TIMESTAMP":
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    return text


def render(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime.datetime):
        ms = v.microsecond // 1000
        base = v.strftime("%Y-%m-%dT%H:%M:%S")
        return base + (".%03dZ" % ms if ms else "Z")
    return json.dumps(v, ensure_ascii=False)


def query_of(sql):
    duck = [l[len("-- duckdb:"):].strip() for l in sql.split("\n") if l.startswith("-- duckdb:")]
    if duck:
        return " ".join(duck)
    body = re.sub(r"--[^\n]*", "", sql)
    stmts = [s.strip() for s in body.split(";") if s.strip()]
    return stmts[-1].replace("`", '"')


def main():
    os.chdir(ROOT)
    for name in sorted(os.listdir(CASES)):
        if not name.endswith(".sql"):
            continue
        sql = open(os.path.join(CASES, name)).read()
        con = duckdb.connect()
        for table, cols, path in parse_tables(sql):
            con.execute("CREATE TABLE %s (%s)" % (table, ", ".join('"%s" %s' % c for c in cols)))
            with open(path, newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                rows = []
                for rec in reader:
                    by_name = dict(zip(header, rec))
                    rows.append([convert(by_name.get(c, ""), t) for c, t in cols])
            if rows:
                con.executemany("INSERT INTO %s VALUES (%s)" % (table, ", ".join("?" * len(cols))), rows)
        cur = con.execute(query_of(sql))
        names = [d[0] for d in cur.description]
        lines = ["{" + ", ".join("%s: %s" % (n, render(v)) for n, v in zip(names, row)) + "}" for row in cur.fetchall()]
        # A case marked `-- ordered` keeps the query's ORDER BY order.
        if "\n-- ordered" not in sql:
            lines.sort()
        out = os.path.join(CASES, name[:-4] + ".expected")
        with open(out, "w") as f:
            f.write("".join(l + "\n" for l in lines))
        print("wrote %s (%d rows)" % (os.path.relpath(out, ROOT), len(lines)))


if __name__ == "__main__":
    sys.exit(main())
