"""networkx's PageRank, 20 iterations, on an edge-list CSV (src,dst), for
comparison with flow-bench's pagerank-1m (which runs this script itself when
networkx is installed):

    python3 Benchmarks/graph/pagerank_networkx.py edges.csv

Prints one line: seconds to read the file and build the DiGraph, seconds for
the 20 iterations (networkx's default scipy implementation, tol=0 so every
iteration runs), and the peak RSS of the process.
"""
import csv, sys, time
import networkx as nx


def peak_rss_mib():
    # VmHWM, not getrusage's ru_maxrss: the latter survives exec, so a
    # process started by flow-bench would report flow-bench's own peak.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(path):
    t0 = time.perf_counter()
    g = nx.DiGraph()
    with open(path) as f:
        r = csv.reader(f)
        next(r)
        g.add_edges_from((int(a), int(b)) for a, b in r)
    t1 = time.perf_counter()
    try:
        nx.pagerank(g, alpha=0.85, max_iter=20, tol=0.0)
    except nx.PowerIterationFailedConvergence:
        pass  # expected: tol=0 never converges, so exactly 20 iterations ran
    t2 = time.perf_counter()
    rss = peak_rss_mib()
    print(f"networkx {nx.__version__}: load {t1 - t0:.2f} s + pagerank {t2 - t1:.2f} s = {t2 - t0:.2f} s, "
          f"peak RSS {rss:.0f} MiB ({g.number_of_nodes()} vertices, {g.number_of_edges()} distinct edges)")


if __name__ == "__main__":
    main(sys.argv[1])
