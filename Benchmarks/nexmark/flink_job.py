"""Runs one Nexmark query as Flink SQL on a local Flink (PyFlink's mini
cluster) in streaming mode, over the CSV files in DATA_DIR, writing the
result rows as CSV files under SINK_DIR, or into Flink's blackhole sink
when SINK_DIR is `blackhole` (what the timed runs use, as the Nexmark
benchmark does).

    python flink_job.py QUERY DATA_DIR SINK_DIR|blackhole PARALLELISM

Run by run.py with the Python of the environment install-flink.sh makes.
Prints `FLINK seconds=S events=N`: S is the job's net run time as Flink
reports it (JobExecutionResult.getNetRuntime: from the job's start to its
end, without starting the mini cluster and planning), N the rows of the
input files it read.
"""

import os
import shutil
import sys
import time

from pyflink.table import EnvironmentSettings, TableEnvironment

import flink_queries

FILES = {"person": "persons.csv", "auction": "auctions.csv", "bid": "bids.csv"}


def data_rows(path):
    """Lines (the copies Flink reads have no header)."""
    n = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 22)
            if not chunk:
                break
            n += chunk.count(b"\n")
    return n


def main():
    query, data_dir, sink_dir, parallelism = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]), sys.argv[4]
    # (sink_dir is unused for the blackhole)
    tables, columns, select = flink_queries.QUERIES[query]
    blackhole = sys.argv[3] == "blackhole"
    if not blackhole:
        shutil.rmtree(sink_dir, ignore_errors=True)
        os.makedirs(sink_dir)
    started = time.monotonic()
    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = env.get_config()
    conf.set("parallelism.default", parallelism)
    # A failure ends the job (the default with checkpointing on is to
    # restart it forever).
    conf.set("restart-strategy.type", "none")
    if not blackhole:
        # The streaming file sink commits its files on checkpoints; the
        # checkpoint after the end of the bounded input commits the last
        # ones (so the job also waits up to one interval at the end: these
        # runs are not timed).
        conf.set("execution.checkpointing.interval", "1 s")
        # Only the last checkpoint matters here; q7's large join state made
        # some fail on this machine, which by default fails the job.
        conf.set("execution.checkpointing.tolerable-failed-checkpoints", "1000")
    for t in tables:
        env.execute_sql(flink_queries.SOURCES[t].format(dir=data_dir))
    schema = ", ".join("`%s` %s" % c for c in columns)
    if blackhole:
        env.execute_sql("CREATE TABLE sink (%s) WITH ('connector' = 'blackhole')" % schema)
    else:
        env.execute_sql("CREATE TABLE sink (%s) WITH ('connector' = 'filesystem', 'path' = 'file://%s', 'format' = 'csv')"
                        % (schema, sink_dir))
    result = env.execute_sql("INSERT INTO sink " + select)
    job = result.get_job_client().get_job_execution_result().result()
    seconds = job.get_net_runtime() / 1000.0
    events = sum(data_rows(os.path.join(data_dir, FILES[t])) for t in tables)
    print("flink_job: %s wall %.1f s (net %.3f s)" % (query, time.monotonic() - started, seconds), file=sys.stderr)
    print("FLINK seconds=%.3f events=%d" % (seconds, events), flush=True)


if __name__ == "__main__":
    main()
