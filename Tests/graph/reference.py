"""Expected results for Tests/graph/*.flow, computed with networkx.

    pip install networkx scipy
    python3 Tests/graph/reference.py

writes Tests/graph/expected/<script>-<graph>.txt, one `algorithm,vertex...,value`
line per result, sorted. GraphReferenceTests (Tests/FlowCLITests) runs each
script on each graph and compares: PageRank and HITS to 1e-6, clustering,
Jaccard and Adamic-Adar to 1e-9, everything else exactly. CI needs only the
committed files, not networkx.

Label propagation has no deterministic counterpart in networkx; the plain
synchronous variant std.graph documents is written out below.
"""
import csv, math, os
from collections import Counter
import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
DATA = os.path.join(ROOT, "Examples", "graph", "data")
OUT = os.path.join(HERE, "expected")

UNDIRECTED = ["karate", "random-sparse", "lesmis"]
DIRECTED = ["random-directed", "karate"]
WEIGHTED = ["lesmis"]


def read(name, weighted=False):
    with open(os.path.join(DATA, name + ".csv")) as f:
        rows = list(csv.DictReader(f))
    if weighted:
        return [(int(r["src"]), int(r["dst"]), float(r["weight"])) for r in rows]
    return [(int(r["src"]), int(r["dst"])) for r in rows]


def components(g):
    comps = nx.connected_components(g) if not g.is_directed() else nx.weakly_connected_components(g)
    out = {}
    for c in comps:
        for v in c:
            out[v] = min(c)
    return out


def label_propagation(g, rounds=100):
    label = {v: v for v in g}
    for _ in range(rounds):
        new = {}
        for v in g:
            counts = Counter(label[n] for n in g[v])
            if counts:
                best = max(counts.values())
                new[v] = min(l for l, c in counts.items() if c == best)
            else:
                new[v] = label[v]
        changed = new != label
        label = new
        if not changed:
            break
    return label


def undirected(name):
    g = nx.Graph()
    g.add_edges_from((u, v) for u, v in read(name) if u != v)
    lines = []
    for v, d in g.degree():
        lines.append(f"degree,{v},{d}")
    for v, c in components(g).items():
        lines.append(f"components,{v},{c}")
        lines.append(f"streaming,{v},{c}")
    for v, r in nx.pagerank(g, tol=1e-10).items():
        lines.append(f"pagerank,{v},{r!r}")
    if 0 in g:
        for v, d in nx.single_source_shortest_path_length(g, 0).items():
            lines.append(f"distance,{v},{float(d)!r}")
    for v, t in nx.triangles(g).items():
        lines.append(f"triangles,{v},{t}")
    for v, c in nx.clustering(g).items():
        lines.append(f"clustering,{v},{float(c)!r}")
    for v, l in label_propagation(g).items():
        lines.append(f"labels,{v},{l}")
    pairs = sorted({(min(a, b), max(a, b)) for w in g for a in g[w] for b in g[w] if a != b})
    for u, v, s in nx.jaccard_coefficient(g, pairs):
        lines.append(f"jaccard,{u},{v},{s!r}")
    for u, v, s in nx.adamic_adar_index(g, pairs):
        lines.append(f"adamicadar,{u},{v},{s!r}")
    return lines


def directed(name):
    g = nx.DiGraph()
    g.add_edges_from(read(name))
    lines = []
    for v, d in g.out_degree():
        if d > 0:
            lines.append(f"outdegree,{v},{d}")
    for v, d in g.in_degree():
        if d > 0:
            lines.append(f"indegree,{v},{d}")
    for v, c in components(g).items():
        lines.append(f"components,{v},{c}")
    for v, r in nx.pagerank(g, tol=1e-10).items():
        lines.append(f"pagerank,{v},{r!r}")
    hubs, auths = nx.hits(g, max_iter=1000, tol=1e-12)
    for v in g:
        lines.append(f"hub,{v},{float(hubs[v])!r}")
        lines.append(f"authority,{v},{float(auths[v])!r}")
    if 0 in g:
        for v, d in nx.single_source_shortest_path_length(g, 0).items():
            lines.append(f"distance,{v},{float(d)!r}")
    return lines


def weighted(name):
    g = nx.Graph()
    for u, v, w in read(name, weighted=True):
        if u != v and not g.has_edge(u, v):
            g.add_edge(u, v, weight=w)
    lines = []
    for v, d in nx.single_source_dijkstra_path_length(g, 0).items():
        lines.append(f"distance,{v},{float(d)!r}")
    for v, r in nx.pagerank(g, tol=1e-10, weight="weight").items():
        lines.append(f"pagerank,{v},{r!r}")
    return lines


def main():
    os.makedirs(OUT, exist_ok=True)
    jobs = [("undirected", n, undirected) for n in UNDIRECTED]
    jobs += [("directed", n, directed) for n in DIRECTED]
    jobs += [("weighted", n, weighted) for n in WEIGHTED]
    for script, name, f in jobs:
        with open(os.path.join(OUT, f"{script}-{name}.txt"), "w") as out:
            out.write("\n".join(sorted(f(name))) + "\n")


if __name__ == "__main__":
    main()
