#!/usr/bin/env python3
"""The Nexmark benchmark suite: every query in Examples/nexmark/ at
parallelism 1 and 2 over deterministic generated data, and optionally the
same queries as Flink SQL on Apache Flink over the same CSV files.

    Benchmarks/nexmark/run.sh                 # quick mode: 100,000 events
    Benchmarks/nexmark/run.sh --full          # 10,000,000 events
    Benchmarks/nexmark/run.sh --flink         # also run Flink, compare results

See Benchmarks/nexmark/README.md for what each column means. Python 3
standard library only (Flink runs in its own process, flink_job.py, under the
virtual environment made by install-flink.sh).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUERIES_DIR = os.path.join(ROOT, "Examples", "nexmark")
HERE = os.path.dirname(os.path.abspath(__file__))

QUICK_EVENTS = 100_000
FULL_EVENTS = 10_000_000

# The queries whose only input is bids.csv: they also run over the in-memory
# generator (`nexmarkBids`), which shows the cost of CSV decoding.
BIDS_ONLY_SOURCE = 'readCsv("\\(dataDir)/bids.csv", schema: BidRow)'


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def query_names():
    names = [f[:-5] for f in os.listdir(QUERIES_DIR) if re.fullmatch(r"q\d+\.flow", f)]
    return sorted(names, key=lambda n: int(n[1:]))


def build_flow():
    log("building flow (swift build -c release --product flow) ...")
    r = subprocess.run(["swift", "build", "-c", "release", "--product", "flow"], cwd=ROOT)
    if r.returncode != 0:
        sys.exit("run.py: the release build failed")
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(out, "flow")


def run_measured(cmd, stdout_path, timeout):
    """Runs cmd (stdout to a file), returns (exit status, wall seconds,
    stderr text). The wall time includes process start, checking, lowering
    and optimizing: what a user waits for."""
    start = time.monotonic()
    with open(stdout_path, "wb") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        try:
            _, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            return None, timeout, "timed out after %d s" % timeout
    return p.returncode, time.monotonic() - start, err.decode("utf-8", "replace")


def generate_data(flow, data_dir, events, timeout):
    """export.flow with a larger event count into data_dir (kept and reused
    when it was made for the same count: the generator is deterministic)."""
    stamp = os.path.join(data_dir, "EVENTS")
    if os.path.exists(stamp) and open(stamp).read().strip() == str(events):
        log("data: reusing %s (%d events)" % (data_dir, events))
        return
    os.makedirs(data_dir, exist_ok=True)
    log("data: export.flow --set events=%d into %s ..." % (events, data_dir))
    t = time.monotonic()
    r = subprocess.run([flow, "run", "Examples/nexmark/export.flow", "--no-progress", "--parallelism", "1",
                        "--set", "events=%d" % events, "--set", "dataDir=%s" % data_dir],
                       cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        sys.exit("run.py: export.flow failed:\n" + r.stderr)
    with open(stamp, "w") as f:
        f.write(str(events))
    log("data: written in %.1f s" % (time.monotonic() - t))


STATS_LINE = re.compile(r"^([0-9.]+) s, .* events/s from sources.*peak memory (\d+) MB", re.M)


def parse_stats(stderr):
    """(job seconds, events read by the sources, peak MiB) from --stats."""
    m = STATS_LINE.search(stderr)
    if not m:
        return None
    events = 0
    for line in stderr.splitlines():
        if line.startswith("source"):
            cols = line[42:].split()
            if len(cols) >= 2 and cols[1].isdigit():
                events += int(cols[1])
    return float(m.group(1)), events, int(m.group(2))


def generator_variant(query, events, work):
    """The script with its bids.csv source replaced by the in-memory
    generator; None when the query reads other files too."""
    src = open(os.path.join(QUERIES_DIR, query + ".flow")).read()
    if BIDS_ONLY_SOURCE not in src or "persons.csv" in src or "auctions.csv" in src:
        return None
    path = os.path.join(work, query + "-gen.flow")
    with open(path, "w") as f:
        f.write(src.replace(BIDS_ONLY_SOURCE, "nexmarkBids(events: %d, seed: 42)" % events))
    return path


def run_flow(flow, script, parallelism, sets, out_path, timeout):
    cmd = [flow, "run", script, "--stats", "--no-progress", "--parallelism", str(parallelism)]
    for s in sets:
        cmd += ["--set", s]
    status, wall, err = run_measured(cmd, out_path, timeout)
    row = {"status": status, "wall": wall}
    stats = parse_stats(err) if status == 0 else None
    if stats is None:
        row["error"] = err.strip().splitlines()[-1] if err.strip() else "exit %s" % status
        return row
    seconds, events, peak = stats
    row.update(seconds=seconds, events=events, peak=peak, startup=max(0.0, wall - seconds))
    return row


def fmt_rate(r):
    if r >= 1e6:
        return "%.2fM" % (r / 1e6)
    if r >= 1e3:
        return "%.1fk" % (r / 1e3)
    return "%.0f" % r


COLUMNS = ["query", "engine", "input", "p", "events", "seconds", "start-up s", "events/s/core", "peak MiB", "result"]


def table(rows, markdown):
    cells = [COLUMNS]
    for r in rows:
        if "error" in r:
            cells.append([r["query"], r["engine"], r["input"], str(r["p"]), "-", "-", "-", "-", "-", "FAILED: " + r["error"][:200]])
            continue
        per_core = r["events"] / r["seconds"] / r["p"] if r["seconds"] > 0 else 0.0
        cells.append([r["query"], r["engine"], r["input"], str(r["p"]), str(r["events"]), "%.3f" % r["seconds"],
                      "%.2f" % r["startup"], fmt_rate(per_core), str(r["peak"]), r.get("result", "")])
    if markdown:
        lines = ["| " + " | ".join(c) + " |" for c in cells]
        lines.insert(1, "|" + "---|" * len(COLUMNS))
        return "\n".join(lines)
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    left = {0, 1, 2, 9}
    return "\n".join("  ".join(c[i].ljust(widths[i]) if i in left else c[i].rjust(widths[i])
                               for i in range(len(COLUMNS))).rstrip() for c in cells)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="10,000,000 events (default: quick mode, 100,000)")
    ap.add_argument("--events", type=int, help="events to generate (overrides --full)")
    ap.add_argument("--queries", help="comma-separated, e.g. q0,q1,q5 (default: every query in Examples/nexmark)")
    ap.add_argument("--parallelism", default="1,2", help="comma-separated parallelisms (default 1,2)")
    ap.add_argument("--flow", help="the flow binary to measure (default: build it with swift build -c release)")
    ap.add_argument("--work-dir", help="where data and outputs go (default .build/nexmark)")
    ap.add_argument("--no-generator", action="store_true", help="skip the in-memory generator rows")
    ap.add_argument("--flink", action="store_true", help="also run the queries that have Flink SQL on Apache Flink and compare")
    ap.add_argument("--flink-python", help="python of the PyFlink environment (default: the one install-flink.sh makes)")
    ap.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per run (default 1800)")
    args = ap.parse_args()

    events = args.events or (FULL_EVENTS if args.full else QUICK_EVENTS)
    flow = os.path.abspath(args.flow) if args.flow else build_flow()
    if not os.access(flow, os.X_OK):
        sys.exit("run.py: no flow binary at %s" % flow)
    if "debug" in flow.split(os.sep):
        log("run.py: warning: %s is a debug build; figures are only meaningful from -c release" % flow)
    work = os.path.abspath(args.work_dir or os.path.join(ROOT, ".build", "nexmark"))
    data_dir = os.path.join(work, "data-%d" % events)
    out_dir = os.path.join(work, "out")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    parallelisms = [int(p) for p in args.parallelism.split(",")]
    queries = args.queries.split(",") if args.queries else query_names()
    for q in queries:
        if not os.path.exists(os.path.join(QUERIES_DIR, q + ".flow")):
            sys.exit("run.py: no query %s in Examples/nexmark" % q)

    generate_data(flow, data_dir, events, args.timeout)
    flink_python = None
    if args.flink:
        flink_python = args.flink_python or os.path.join(ROOT, ".build", "nexmark", "flink-venv", "bin", "python")
        if not os.access(flink_python, os.X_OK):
            sys.exit("run.py: --flink needs PyFlink: run Benchmarks/nexmark/install-flink.sh first (no %s)" % flink_python)

    if flink_python:
        headerless_copies(data_dir)
    import flink_queries  # the Flink SQL of the queries compared; imports nothing from PyFlink
    rows = []
    for q in queries:
        for p in parallelisms:
            out = os.path.join(out_dir, "%s-flow-p%d.txt" % (q, p))
            log("flow %s p%d ..." % (q, p))
            r = run_flow(flow, os.path.join("Examples/nexmark", q + ".flow"), p, ["dataDir=" + data_dir], out, args.timeout)
            r.update(query=q, engine="flow", input="csv", p=p, out=out)
            rows.append(r)
            if not args.no_generator:
                gen = generator_variant(q, events, out_dir)
                if gen:
                    log("flow %s p%d (generator) ..." % (q, p))
                    g = run_flow(flow, gen, p, [], os.path.join(out_dir, "%s-gen-p%d.txt" % (q, p)), args.timeout)
                    g.update(query=q, engine="flow", input="generator", p=p)
                    rows.append(g)
        if flink_python and q in flink_queries.QUERIES:
            flow_rows = [r for r in rows if r["query"] == q and r["engine"] == "flow" and r["input"] == "csv" and "error" not in r]
            # One untimed run writes Flink's rows to files; every Flow run
            # (each parallelism) is compared with them.
            log("flink %s p1 (result check, untimed) ..." % q)
            check = run_flink(flink_python, q, 1, data_dir, out_dir, args.timeout, timed=False)
            for fr in flow_rows:
                if "error" in check:
                    fr["result"] = "not compared: flink failed: " + check["error"]
                    continue
                same, note = compare_in_child(q, fr["out"], check["out"])
                fr["result"] = ("same rows as flink (%s)" % note) if same else "DIFFERS from flink: " + note
            for p in parallelisms:
                log("flink %s p%d ..." % (q, p))
                f = run_flink(flink_python, q, p, data_dir, out_dir, args.timeout, timed=True)
                f.update(query=q, engine="flink", input="csv", p=p)
                ref = [fr for fr in flow_rows if fr["p"] == p]
                if "error" not in f and ref and ref[0]["seconds"] > 0 and f["seconds"] > 0:
                    ratio = (ref[0]["events"] / ref[0]["seconds"]) / (f["events"] / f["seconds"])
                    f["result"] = "flow/flink throughput %.2fx" % ratio
                rows.append(f)

    print("Nexmark, %d generated events (%s), flow %s" % (events, data_dir, flow))
    print(table(rows, args.markdown))
    failed = [r for r in rows if "error" in r or r.get("result", "").startswith("DIFFERS")]
    return 1 if failed else 0


def compare_in_child(query, flow_out, flink_sink):
    """normalize.compare in a child process: holding a million rows grows
    this process by hundreds of MiB, and on Linux a child started after
    that reports the parent's size as its own peak RSS (ru_maxrss survives
    fork and exec), which would inflate every later Flow figure."""
    r = subprocess.run([sys.executable, os.path.join(HERE, "normalize.py"), "--compare", query, flow_out, flink_sink],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1) or not r.stdout.strip():
        return False, "cannot compare: " + (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
    return r.returncode == 0, r.stdout.strip()


def headerless_copies(data_dir):
    """DATA_DIR/flink/*.csv: the files without their header line, for
    Flink's CSV format (which has no option to skip it)."""
    target = os.path.join(data_dir, "flink")
    stamp = os.path.join(target, "DONE")
    if os.path.exists(stamp):
        return
    os.makedirs(target, exist_ok=True)
    for name in ("persons.csv", "auctions.csv", "bids.csv"):
        with open(os.path.join(data_dir, name), "rb") as src, open(os.path.join(target, name), "wb") as dst:
            src.readline()
            shutil.copyfileobj(src, dst, 1 << 22)
    open(stamp, "w").close()


def run_flink(python, query, parallelism, data_dir, out_dir, timeout, timed):
    """Runs flink_job.py in the PyFlink environment: it prints one line
    `FLINK seconds=<net job runtime> events=<rows read>`. Timed runs write
    into Flink's blackhole sink; the other writes the rows to a folder (with
    checkpoints, which the file sink needs to commit). Peak memory is the
    Python driver's and its JVM's, sampled from /proc."""
    sink = os.path.join(out_dir, "%s-flink-p%d%s" % (query, parallelism, "" if timed else "-rows"))
    cmd = [python, os.path.join(HERE, "flink_job.py"), query, os.path.join(data_dir, "flink"),
           "blackhole" if timed else sink, str(parallelism)]
    start = time.monotonic()
    log_path = sink + ".log"
    with open(log_path, "wb") as logf:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=logf, cwd=ROOT)
        peak = PeakTree(p.pid)
        try:
            while p.poll() is None:
                peak.sample()
                if time.monotonic() - start > timeout:
                    p.kill()
                    return {"error": "timed out after %d s" % timeout}
                time.sleep(0.2)
        finally:
            stdout = p.stdout.read().decode("utf-8", "replace")
    wall = time.monotonic() - start
    m = re.search(r"FLINK seconds=([0-9.]+) events=(\d+)", stdout)
    if p.returncode != 0 or not m:
        lines = open(log_path, errors="replace").read().strip().splitlines()
        causes = [l.strip() for l in lines if "Exception:" in l or "Error:" in l]
        why = causes[-1] if causes else (lines[-1] if lines else "exit %s" % p.returncode)
        return {"error": why + " (see %s)" % log_path}
    seconds, events = float(m.group(1)), int(m.group(2))
    return {"seconds": seconds, "events": events, "peak": peak.peak_mib, "startup": max(0.0, wall - seconds),
            "out": sink}


class PeakTree:
    """Peak resident memory of a process and its descendants (the PyFlink
    driver starts a JVM as a child), sampled from /proc."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_mib = 0

    def sample(self):
        total = 0
        for pid in self.tree():
            try:
                with open("/proc/%d/status" % pid) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except OSError:
                pass
        self.peak_mib = max(self.peak_mib, total // 1024)

    def tree(self):
        children = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/stat" % d) as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
        todo, seen = [self.pid], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo.extend(children.get(pid, []))
        return seen


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
