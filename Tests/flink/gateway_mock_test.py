#!/usr/bin/env python3
"""Checks the SQL Gateway client of Scripts/flink/run_sql.py against a
stand-in gateway that speaks the REST API v1 (open a session, execute
statements, page through results with NOT_READY / PAYLOAD / EOS, close the
session). No Flink is involved: this tests only the HTTP conversation and
how the rows are printed. Exit 0 when everything matches, 1 with a message.

Usage: python3 Tests/flink/gateway_mock_test.py (from the repository root)
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

REQUESTS = []
STATEMENTS = []
# Per operation: its result pages; the first fetch of those in NOT_READY
# answers NOT_READY (with the same token to ask again), as a running job does.
PAGES = {}
NOT_READY = set()


class Gateway(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, body, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def do_POST(self):
        REQUESTS.append(("POST", self.path))
        if self.path == "/v1/sessions":
            props = self.body().get("properties", {})
            if props.get("execution.runtime-mode") != "batch" or props.get("table.local-time-zone") != "UTC":
                return self.reply({"errors": ["unexpected session properties %r" % props]}, 400)
            return self.reply({"sessionHandle": "s1"})
        if self.path == "/v1/sessions/s1/statements":
            sql = self.body()["statement"]
            STATEMENTS.append(sql)
            op = "op%d" % len(STATEMENTS)
            if "FAILME" in sql:
                PAGES[op] = "fail"
            elif sql.startswith("SELECT"):
                NOT_READY.add(op)
                PAGES[op] = [
                    {"resultType": "PAYLOAD", "results": {"columns": [], "rowFormat": "JSON", "data": [
                        {"kind": "INSERT", "fields": [1, "a\"b", 2.5, "2024-01-01T00:00:00.5"]},
                        {"kind": "UPDATE_BEFORE", "fields": [1, "old", 0.0, "2024-01-01T00:00:00"]},
                        {"kind": "UPDATE_AFTER", "fields": [2, None, 1.0, "2024-01-01T00:00:10"]}]}},
                    {"resultType": "EOS", "results": {"data": []}},
                ]
            else:
                PAGES[op] = [{"resultType": "PAYLOAD", "results": {"data": [{"kind": "INSERT", "fields": ["OK"]}]}},
                             {"resultType": "EOS", "results": {"data": []}}]
            return self.reply({"operationHandle": op})
        self.reply({"errors": ["no such endpoint"]}, 404)

    def do_GET(self):
        REQUESTS.append(("GET", self.path))
        parts = self.path.split("?")[0].split("/")
        # /v1/sessions/s1/operations/<op>/result/<token>
        if len(parts) == 8 and parts[3] == "s1" and parts[6] == "result":
            op, token = parts[5], int(parts[7])
            pages = PAGES.get(op)
            if pages == "fail":
                return self.reply({"errors": ["Internal server error.", "org.apache.flink.table.api.ValidationException: Object 'v3_map' not found"]}, 500)
            if op in NOT_READY:
                NOT_READY.discard(op)
                return self.reply({"resultType": "NOT_READY", "nextResultUri": "/v1/sessions/s1/operations/%s/result/%d?rowFormat=JSON" % (op, token)})
            if pages is None or token >= len(pages):
                return self.reply({"errors": ["bad token %d for %s" % (token, op)]}, 400)
            page = dict(pages[token])
            if page["resultType"] != "EOS":
                page["nextResultUri"] = "/v1/sessions/s1/operations/%s/result/%d?rowFormat=JSON" % (op, token + 1)
            return self.reply(page)
        self.reply({"errors": ["no such endpoint"]}, 404)

    def do_DELETE(self):
        REQUESTS.append(("DELETE", self.path))
        self.reply({"status": "CLOSED"})


def run(job):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(job, f)
    try:
        return subprocess.run([sys.executable, "Scripts/flink/run_sql.py", f.name, "--gateway", URL],
                              capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(f.name)


def check(cond, msg):
    if not cond:
        print("gateway_mock_test: " + msg)
        sys.exit(1)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
URL = "http://127.0.0.1:%d" % server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()

columns = [{"name": "n", "type": "Int"}, {"name": "s", "type": "String?"}, {"name": "x", "type": "Float"}, {"name": "t", "type": "Time"}]
job = {"batch": True, "definitions": ["CREATE TEMPORARY VIEW `v1` AS SELECT 1"],
       "sinks": [{"kind": "insert", "ddl": "CREATE TEMPORARY TABLE `out` (x INT)", "sql": "INSERT INTO `out` SELECT 1", "location": "a.flow:3:4", "columns": [], "scalar": False},
                 {"kind": "stdout", "sql": "SELECT n, s, x, t FROM v1", "location": "a.flow:5:6", "columns": columns, "scalar": False}],
       "origins": {"v3_map": "map at a.flow:4:6"}}
r = run(job)
check(r.returncode == 0, "exit %d, stderr: %s" % (r.returncode, r.stderr))
want = '{n: 1, s: "a\\"b", x: 2.5, t: 2024-01-01T00:00:00.500Z}\n{n: 2, s: null, x: 1.0, t: 2024-01-01T00:00:10Z}\n'
check(r.stdout == want, "printed %r, expected %r" % (r.stdout, want))
check(STATEMENTS == ["CREATE TEMPORARY VIEW `v1` AS SELECT 1", "CREATE TEMPORARY TABLE `out` (x INT)", "INSERT INTO `out` SELECT 1", "SELECT n, s, x, t FROM v1"],
      "statements in the wrong order: %r" % STATEMENTS)
check(REQUESTS[0] == ("POST", "/v1/sessions") and REQUESTS[-1] == ("DELETE", "/v1/sessions/s1"), "session not opened and closed: %r" % REQUESTS)

# A failing statement: the error names the sink and the operator behind the view.
del STATEMENTS[:]
job["sinks"][1]["sql"] = "SELECT FAILME FROM v3_map"
r = run(job)
check(r.returncode == 3, "a failing statement exits %d, expected 3" % r.returncode)
check("writeStdout at a.flow:5:6" in r.stderr and "map at a.flow:4:6" in r.stderr, "error not in Flow's terms: %r" % r.stderr)

# No gateway listening.
r = subprocess.run([sys.executable, "Scripts/flink/run_sql.py", "/dev/null", "--gateway", "http://127.0.0.1:9"], capture_output=True, text=True)
check(r.returncode == 2 and "cannot read the compiled job" in r.stderr, "a bad job file: exit %d, %r" % (r.returncode, r.stderr))
job["sinks"][1]["sql"] = "SELECT 1"
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(job, f)
r = subprocess.run([sys.executable, "Scripts/flink/run_sql.py", f.name, "--gateway", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=60)
os.unlink(f.name)
check(r.returncode == 3 and "cannot reach the SQL Gateway" in r.stderr, "no gateway: exit %d, %r" % (r.returncode, r.stderr))
print("gateway_mock_test: ok")
