"""Writes the graphs of Examples/graph/data/ (run once; the files are committed).

karate.csv      Zachary's karate club (networkx.karate_club_graph), undirected.
lesmis.csv      Les Miserables co-appearances (networkx.les_miserables_graph),
                undirected and weighted; vertices numbered by sorted name.
random-directed.csv  networkx.gnm_random_graph(300, 900, seed=7, directed=True).
random-sparse.csv    networkx.gnm_random_graph(400, 380, seed=11): many components.
"""
import csv, os
import networkx as nx

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Examples", "graph", "data")

def write(name, rows, header):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

def main():
    os.makedirs(OUT, exist_ok=True)
    k = nx.karate_club_graph()
    write("karate.csv", sorted((u, v) for u, v in k.edges()), ["src", "dst"])
    m = nx.les_miserables_graph()
    ids = {n: i for i, n in enumerate(sorted(m.nodes()))}
    write("lesmis.csv", sorted((ids[u], ids[v], int(d["weight"])) for u, v, d in m.edges(data=True)), ["src", "dst", "weight"])
    with open(os.path.join(OUT, "lesmis-names.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["vertex", "name"])
        w.writerows(sorted((i, n) for n, i in ids.items()))
    d = nx.gnm_random_graph(300, 900, seed=7, directed=True)
    write("random-directed.csv", sorted(d.edges()), ["src", "dst"])
    s = nx.gnm_random_graph(400, 380, seed=11)
    write("random-sparse.csv", sorted(s.edges()), ["src", "dst"])

if __name__ == "__main__":
    main()
