#!/usr/bin/env python3
"""Runs a Flow job compiled to Flink SQL (`flow run --engine flink`).

Usage: run_sql.py JOB.json [--gateway URL]

JOB.json is written by `flow run --engine flink` (FlinkJob.runnerJSON):
{"batch": bool, "definitions": [sql, ...], "sinks": [{"kind": "stdout" |
"insert", "sql", "ddl", "columns": [{"name", "type"}], "scalar",
"location"}]}.

Locally (PyFlink, `Scripts/install-flink.sh`), a TableEnvironment in batch
or streaming mode runs the definitions, then each sink: `insert` sinks are
INSERT statements (one statement set), `stdout` sinks are queries whose
rows are printed the way `flow run` prints them (`{a: 1, t: 2024-01-01T00:00:00Z}`).
With --gateway, the same statements go to a Flink SQL Gateway over its REST
API (v1: open a session, execute each statement, fetch results).

Exit codes: 0 success; 2 PyFlink missing or a bad argument; 3 Flink failed
(the message says which sink, by its Flow script position).
"""
import datetime
import json
import math
import os
import sys
import time
import urllib.error
import urllib.request


def fail(msg, code=3):
    sys.stderr.write("flow: error: " + msg + "\n")
    sys.exit(code)


def quote(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
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
        elif c < 32 or c == 127:
            out.append("\\u{%02x}" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def render_time(v):
    """2024-01-01T00:00:00Z, with .mmm only when non-zero (Flow's format)."""
    if isinstance(v, str):
        v = datetime.datetime.fromisoformat(v.replace(" ", "T").replace("Z", ""))
    ms = v.microsecond // 1000
    base = v.strftime("%Y-%m-%dT%H:%M:%S")
    return base + (".%03d" % ms if ms else "") + "Z"


def render_float(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    r = repr(float(v))
    # Swift prints 1e-05 and 1e+16 as Python does; whole numbers as 1.0.
    return r


def render(v, flow_type, nested):
    if v is None:
        return "null"
    base = flow_type.rstrip("?")
    if base == "Int":
        return str(int(v))
    if base == "Float":
        return render_float(float(v))
    if base == "Bool":
        return "true" if v else "false"
    if base == "Time":
        return render_time(v)
    s = str(v)
    return quote(s) if nested else s


def render_row(values, columns, scalar):
    if scalar:
        return render(values[0], columns[0]["type"], False)
    # Columns `left.price` are the field `price` of the nested record `left`
    # (join results); they come grouped, in record order.
    tree = {}
    for v, c in zip(values, columns):
        node = tree
        path = c["name"].split(".")
        for p in path[:-1]:
            node = node.setdefault(p, {})
        node[path[-1]] = render(v, c["type"], True)

    def show(node):
        # A lookup's missing right side: its marker column is false.
        present = node.pop("__present", None)
        if present == "false":
            return "null"
        parts = [show(x) if isinstance(x, dict) else x for x in node.values()]
        if all(k.isdigit() for k in node):  # a tuple key: `key.0`, `key.1`
            return "(" + ", ".join(parts) + ")"
        return "{" + ", ".join("%s: %s" % (k, p) for k, p in zip(node.keys(), parts)) + "}"
    return show(tree)


def flink_message(e):
    """The useful line of a Java exception: its innermost cause."""
    text = str(e)
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    causes = [l for l in lines if l.startswith("Caused by:")]
    if causes:
        return causes[-1][len("Caused by:"):].strip()
    for l in lines:
        if "Exception" in l or "Error" in l:
            return l
    return lines[0] if lines else text


def in_flow_terms(message, job):
    """Names the script's operators instead of the generated views:
    `v3_map` becomes `map at q1.flow:14:6`."""
    if "Could not find any factory for identifier 'nexmark'" in message:
        message += " (nexmarkBids needs the Nexmark benchmark's Flink connector, nexmark-flink.jar from github.com/nexmark/nexmark, on Flink's classpath; see Language/flink.md)"
    for name in sorted(job.get("origins", {}), key=len, reverse=True):
        message = message.replace("`%s`" % name, name).replace(name, "'%s' (%s)" % (name, job["origins"][name]))
    return message


def run_local(job):
    try:
        from pyflink.table import EnvironmentSettings, TableEnvironment
    except ImportError:
        fail("PyFlink is not installed; run Scripts/install-flink.sh (or python3 -m pip install apache-flink)", 2)
    settings = EnvironmentSettings.in_batch_mode() if job["batch"] else EnvironmentSettings.in_streaming_mode()
    env = TableEnvironment.create(settings)
    conf = env.get_config()
    conf.set("parallelism.default", "1")
    conf.set("table.local-time-zone", "UTC")
    # Extra connectors (the nexmark connector's jar): FLOW_FLINK_JARS is a
    # list of jar paths separated by ':'.
    jars = [j for j in os.environ.get("FLOW_FLINK_JARS", "").split(":") if j]
    if jars:
        conf.set("pipeline.jars", ";".join("file://" + os.path.abspath(j) for j in jars))
    where = "defining the tables and views"
    try:
        for stmt in job["definitions"]:
            env.execute_sql(stmt)
        inserts = [s for s in job["sinks"] if s["kind"] == "insert"]
        for s in inserts:
            where = "the sink at " + s["location"]
            env.execute_sql(s["ddl"])
        if inserts:
            where = "the file sinks at " + ", ".join(s["location"] for s in inserts)
            stmts = env.create_statement_set()
            for s in inserts:
                stmts.add_insert_sql(s["sql"])
            stmts.execute().wait()
        for s in job["sinks"]:
            if s["kind"] != "stdout":
                continue
            where = "writeStdout at " + s["location"]
            result = env.execute_sql(s["sql"])
            with result.collect() as rows:
                for row in rows:
                    kind = row.get_row_kind().name if hasattr(row, "get_row_kind") else "INSERT"
                    if kind in ("UPDATE_BEFORE", "DELETE"):
                        continue
                    sys.stdout.write(render_row(list(row), s["columns"], s["scalar"]) + "\n")
            sys.stdout.flush()
    except Exception as e:  # Py4J wraps every Java error
        fail("Flink failed in %s: %s" % (where, in_flow_terms(flink_message(e), job)))


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read().decode() or "{}")
    except urllib.error.HTTPError as e:
        detail = e.read().decode(errors="replace")
        try:
            detail = "; ".join(json.loads(detail).get("errors", [detail]))
        except ValueError:
            pass
        raise RuntimeError("%s %s: HTTP %d: %s" % (method, url, e.code, flink_message(detail)))
    except urllib.error.URLError as e:
        raise RuntimeError("cannot reach the SQL Gateway at %s: %s" % (url, e.reason))


def gateway_statement(base, session, sql, collect):
    """Executes one statement; yields its rows (JSON row format) if collect."""
    op = http("POST", "%s/v1/sessions/%s/statements" % (base, session), {"statement": sql})["operationHandle"]
    token = 0
    while True:
        r = http("GET", "%s/v1/sessions/%s/operations/%s/result/%d?rowFormat=JSON" % (base, session, op, token))
        if r.get("resultType") == "NOT_READY":
            time.sleep(0.2)
            continue
        for row in (r.get("results") or {}).get("data", []):
            if collect and row.get("kind", "INSERT") in ("INSERT", "UPDATE_AFTER"):
                yield row.get("fields", [])
        nxt = r.get("nextResultUri")
        if r.get("resultType") == "EOS" or not nxt:
            return
        token = int(nxt.rstrip("/").split("/")[-1].split("?")[0])


def run_gateway(job, base):
    base = base.rstrip("/")
    where = "opening a session"
    try:
        props = {"execution.runtime-mode": "batch" if job["batch"] else "streaming", "table.local-time-zone": "UTC"}
        session = http("POST", base + "/v1/sessions", {"properties": props})["sessionHandle"]
        where = "defining the tables and views"
        for stmt in job["definitions"]:
            list(gateway_statement(base, session, stmt, False))
        for s in job["sinks"]:
            where = ("writeStdout" if s["kind"] == "stdout" else "the sink") + " at " + s["location"]
            if s["kind"] == "insert":
                list(gateway_statement(base, session, s["ddl"], False))
                list(gateway_statement(base, session, s["sql"], False))
            else:
                for fields in gateway_statement(base, session, s["sql"], True):
                    sys.stdout.write(render_row(fields, s["columns"], s["scalar"]) + "\n")
        http("DELETE", "%s/v1/sessions/%s" % (base, session))
    except RuntimeError as e:
        fail("Flink SQL Gateway failed in %s: %s" % (where, in_flow_terms(str(e), job)))


def main(argv):
    if len(argv) < 2:
        fail("usage: run_sql.py JOB.json [--gateway URL]", 2)
    try:
        with open(argv[1]) as f:
            job = json.load(f)
    except (OSError, ValueError) as e:
        fail("cannot read the compiled job %s: %s" % (argv[1], e), 2)
    if len(argv) >= 4 and argv[2] == "--gateway":
        run_gateway(job, argv[3])
    else:
        run_local(job)


if __name__ == "__main__":
    main(sys.argv)
