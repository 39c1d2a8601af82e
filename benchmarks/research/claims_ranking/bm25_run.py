"""BM25 (bm25s + PyStemmer) over claim fields; writes top-100 candidates + scores to cache."""
import re, time, pickle, sys
import numpy as np, bm25s, Stemmer
from common import load, map_at_k, recall_at, Timer, CACHE

v, q, tr, dv = load()
stem = Stemmer.Stemmer("english")

def clean_tweet(t):
    t = re.sub(r"pic\.twitter\.com/\S+", " ", t)
    t = re.sub(r"https?://\S+", " ", t)
    return t

def field_texts(name):
    if name == "vclaim": return list(v.vclaim)
    if name == "title": return list(v.title)
    if name == "vct": return list(v.vclaim + " " + v.title)
    if name == "all": return list(v.vclaim + " " + v.title + " " + v.subtitle)

qtexts = [clean_tweet(t) for t in q.text]
ids = np.array(v.vclaim_id)
out = {}
for field in ["vclaim", "title", "vct", "all"]:
    with Timer(f"bm25 index {field} ({len(v)} claims)"):
        ret = bm25s.BM25()
        ret.index(bm25s.tokenize(field_texts(field), stopwords="en", stemmer=stem, show_progress=False), show_progress=False)
    with Timer(f"bm25 query {field} ({len(q)} queries)") as tm:
        docs, scores = ret.retrieve(bm25s.tokenize(qtexts, stopwords="en", stemmer=stem, show_progress=False), k=100, show_progress=False, n_threads=1)
    run = {qid: list(ids[docs[i]]) for i, qid in enumerate(q.id)}
    out[field] = (docs, scores)
    print(f"BM25[{field}] train MAP@5={map_at_k(run, tr):.4f} dev MAP@5={map_at_k(run, dv):.4f} "
          f"dev R@20={recall_at(run, dv, 20):.3f} R@100={recall_at(run, dv, 100):.3f} train R@100={recall_at(run, tr, 100):.3f}  "
          f"per1k q={tm.dt/len(q)*1000:.2f}s")
pickle.dump(out, open(f"{CACHE}/bm25.pkl", "wb"))
