"""Shared data loading and evaluation for the CheckThat! 2022 2A English experiments."""
import csv, re, os, time
import numpy as np, pandas as pd

D = os.environ.get("CT_DATA", "/work/shared/data/checkthat2022")
CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cache")
os.makedirs(CACHE, exist_ok=True)


def load():
    v = pd.read_csv(f"{D}/vclaims.csv.gz").fillna("")
    q = pd.read_csv(f"{D}/train_dev_queries.tsv", sep="\t", header=None, names=["id", "text"],
                    quoting=csv.QUOTE_NONE, dtype=str)
    def qrels(f):
        r = pd.read_csv(f, sep="\t", header=None, names=["qid", "z", "cid", "rel"], dtype=str)
        out = {}
        for a, b in zip(r.qid, r.cid):
            out.setdefault(a, set()).add(b)
        return out
    tr = qrels(f"{D}/train_qrels.tsv")
    dv = qrels(f"{D}/dev_qrels.tsv")
    return v, q, tr, dv


def ap_at_k(ranked, rel, k=5):
    hits, s = 0, 0.0
    for i, c in enumerate(ranked[:k]):
        if c in rel:
            hits += 1
            s += hits / (i + 1)
    return s / min(len(rel), k) if rel else 0.0


def map_at_k(run, qrels, k=5):
    """run: dict qid -> ranked list of claim ids; qrels: dict qid -> set."""
    return float(np.mean([ap_at_k(run.get(q, []), rel, k) for q, rel in qrels.items()]))


def recall_at(run, qrels, k):
    return float(np.mean([len(set(run.get(q, [])[:k]) & rel) / len(rel) for q, rel in qrels.items()]))


class Timer:
    def __init__(self, name): self.name = name
    """Wall and process CPU time (the machine is shared and loaded: CPU seconds are the more stable figure)."""
    def __enter__(self): self.t = time.perf_counter(); self.c = time.process_time(); return self
    def __exit__(self, *a):
        self.dt = time.perf_counter() - self.t
        self.cpu = time.process_time() - self.c
        print(f"[time] {self.name}: wall {self.dt:.2f}s, cpu {self.cpu:.2f}s", flush=True)
