"""Candidate generation + pairwise features + learned re-ranker (LightGBM lambdarank / logistic), fit on train only.

Usage: python rerank.py [--dense minilm,e5,...] [--nodate] [--k 50]
Prints: per-feature-set 5-fold CV MAP@5 on train (GroupKFold over queries) and dev MAP@5 of the model fit on all train.
"""
import argparse, re, time, pickle, json
import numpy as np, pandas as pd, bm25s, Stemmer, lightgbm as lgb
from sklearn.model_selection import GroupKFold
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from common import load, map_at_k, recall_at, Timer, CACHE

ap = argparse.ArgumentParser()
ap.add_argument("--dense", default="minilm")
ap.add_argument("--k", type=int, default=50)
ap.add_argument("--nodate", action="store_true")
ap.add_argument("--save", default="")
args = ap.parse_args()
dense_tags = [d for d in args.dense.split(",") if d]

v, q, tr, dv = load()
ids = np.array(v.vclaim_id)
nq, nc = len(q), len(v)
stem = Stemmer.Stemmer("english")
def clean(t): return re.sub(r"pic\.twitter\.com/\S+|https?://\S+", " ", t)
qtexts = [clean(t) for t in q.text]

T0 = time.perf_counter()
# ---------- BM25 full score matrices ----------
fields = {"vclaim": list(v.vclaim), "title": list(v.title), "sub": list(v.subtitle),
          "all": list(v.vclaim + " " + v.title + " " + v.subtitle)}
BM = {}
with Timer("bm25 index+score 4 fields"):
    qtok = bm25s.tokenize(qtexts, stopwords="en", stemmer=stem, show_progress=False, return_ids=False)
    for f, texts in fields.items():
        r = bm25s.BM25(); r.index(bm25s.tokenize(texts, stopwords="en", stemmer=stem, show_progress=False), show_progress=False)
        BM[f] = np.stack([r.get_scores(t) for t in qtok]).astype(np.float32)
# ---------- dense cosines ----------
DS = {}
for tag in dense_tags:
    z = np.load(f"{CACHE}/{tag}.npz")
    for f in [k for k in z.files if k != "Q"]:
        DS[f"{tag}_{f}"] = (z["Q"] @ z[f].T).astype(np.float32)
# ---------- candidates: union of top-k of BM25[all] and each dense[all] ----------
def topk(S, k): return np.argpartition(-S, k, axis=1)[:, :k]
cand_src = [BM["all"]] + [DS[f"{t}_all"] for t in dense_tags if f"{t}_all" in DS]
tops = [topk(S, args.k) for S in cand_src]
cands = [sorted(set(np.concatenate([t[i] for t in tops]).tolist())) for i in range(nq)]
cand_run = {qid: list(ids[c]) for qid, c in zip(q.id, cands)}
print(f"candidates/query: {np.mean([len(c) for c in cands]):.1f}; recall train {recall_at(cand_run, tr, 10**6):.3f} dev {recall_at(cand_run, dv, 10**6):.3f}")
# ---------- dates ----------
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
qd = pd.to_datetime(q.text.str.extract(rf"((?:{MONTHS}) \d{{1,2}}, \d{{4}})\s*$")[0], format="%B %d, %Y", errors="coerce")
cd = pd.to_datetime(v.date, errors="coerce", format="mixed", dayfirst=True)
qd_ns = qd.values.astype("datetime64[D]"); cd_ns = cd.values.astype("datetime64[D]")
# ---------- lexical overlap ----------
TOK = re.compile(r"[A-Za-z0-9']+")
STOP = set(bm25s.stopwords.STOPWORDS_EN) if hasattr(bm25s, "stopwords") else set()
def toks(t): return set(stem.stemWords([w.lower() for w in TOK.findall(t) if w.lower() not in STOP]))
def caps(t): return set(w.lower() for w in re.findall(r"\b[A-Z][a-zA-Z]+|\b\d[\d,.]*\b", t))
qt = [toks(t) for t in qtexts]; qc = [caps(t) for t in qtexts]
ct = [toks(t) for t in fields["all"]]; cc = [caps(a + " " + b) for a, b in zip(v.vclaim, v.title)]

def rank_of(S_row, cidx):
    # rank (0=best) of each candidate within the full catalogue
    order = np.argsort(-S_row)
    r = np.empty_like(order); r[order] = np.arange(len(order))
    return r[cidx]

rows, feat_names = [], None
with Timer("features"):
    for i in range(nq):
        c = np.array(cands[i])
        F = {}
        for f, S in BM.items():
            s = S[i, c]; mx = S[i].max() + 1e-9
            F[f"bm25_{f}"] = s; F[f"bm25_{f}_rel"] = s / mx
            if f == "all": F["bm25_all_rank"] = np.log1p(rank_of(S[i], c))
        for f, S in DS.items():
            s = S[i, c]
            F[f"cos_{f}"] = s; F[f"cos_{f}_gap"] = S[i].max() - s
            if f.endswith("_all"): F[f"cos_{f}_rank"] = np.log1p(rank_of(S[i], c))
        if not args.nodate:
            dd = (cd_ns[c] - qd_ns[i]).astype("float64")
            F["date_absdiff_log"] = np.where(np.isnan(dd), -1, np.log1p(np.abs(np.nan_to_num(dd))))
            F["date_after"] = np.where(np.isnan(dd), -1, (np.nan_to_num(dd) >= 0).astype(float))
        F["jacc"] = np.array([len(qt[i] & ct[j]) / (len(qt[i] | ct[j]) + 1e-9) for j in c])
        F["overlap_q"] = np.array([len(qt[i] & ct[j]) / (len(qt[i]) + 1e-9) for j in c])
        F["caps_overlap"] = np.array([len(qc[i] & cc[j]) for j in c], dtype=float)
        F["qlen"] = np.full(len(c), len(qt[i]), dtype=float)
        feat_names = list(F)
        rows.append(np.stack([F[k] for k in feat_names], 1))
t_feat_total = time.perf_counter() - T0
X = rows
qids = list(q.id)
def labels(i, qrels): return np.array([ids[j] in qrels.get(qids[i], ()) for j in cands[i]], dtype=int)

tr_idx = [i for i, a in enumerate(qids) if a in tr]; dv_idx = [i for i, a in enumerate(qids) if a in dv]
def stack(idx, qrels):
    return np.concatenate([X[i] for i in idx]), np.concatenate([labels(i, qrels) for i in idx]), [len(cands[i]) for i in idx]

def run_from_scores(idx, scores):
    out, p = {}, 0
    for i in idx:
        n = len(cands[i]); s = scores[p:p + n]; p += n
        out[qids[i]] = list(ids[np.array(cands[i])[np.argsort(-s)]])
    return out

def fit_lgb(Xt, yt, gt):
    m = lgb.LGBMRanker(objective="lambdarank", n_estimators=300, learning_rate=0.05, num_leaves=15,
                       min_child_samples=20, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                       lambdarank_truncation_level=10, verbose=-1, n_jobs=int(__import__("os").environ.get("LGB_JOBS", "1")))
    m.fit(Xt, yt, group=gt); return m
class LR:
    def fit(self, Xt, yt, gt):
        self.s = StandardScaler().fit(Xt); self.m = LogisticRegression(C=1.0, max_iter=2000).fit(self.s.transform(Xt), yt); return self
    def predict(self, X): return self.m.decision_function(self.s.transform(X))

results = {}
for name, fitter in [("lgb_lambdarank", fit_lgb), ("logreg", lambda a, b, c: LR().fit(a, b, c))]:
    gkf = GroupKFold(n_splits=5)
    cv_runs = {}
    tr_arr = np.array(tr_idx)
    for f_tr, f_te in gkf.split(tr_arr, groups=tr_arr):
        Xa, ya, ga = stack(tr_arr[f_tr], tr); Xb, _, _ = stack(tr_arr[f_te], tr)
        m = fitter(Xa, ya, ga); cv_runs.update(run_from_scores(tr_arr[f_te], m.predict(Xb)))
    cv = map_at_k(cv_runs, tr)
    Xa, ya, ga = stack(tr_idx, tr); Xd, _, _ = stack(dv_idx, dv)
    with Timer(f"fit {name} on all train"):
        m = fitter(Xa, ya, ga)
    with Timer(f"predict {name} dev") as tp:
        sd = m.predict(Xd)
    dev = map_at_k(run_from_scores(dv_idx, sd), dv)
    results[name] = (cv, dev)
    print(f"RESULT {name} dense={args.dense} date={not args.nodate} k={args.k}: train 5-fold CV MAP@5={cv:.4f}  dev MAP@5={dev:.4f}")
    if name == "lgb_lambdarank":
        imp = sorted(zip(m.booster_.feature_importance("gain"), feat_names), reverse=True)[:12]
        print("  top features (gain):", ", ".join(f"{n}:{g:.0f}" for g, n in imp))
        if args.save:
            m.booster_.save_model(args.save)
# RRF baseline (no learning)
def rrf(idx, qrels):
    out = {}
    for i in idx:
        srcs = [BM["all"][i]] + [DS[f"{t}_all"][i] for t in dense_tags if f"{t}_all" in DS]
        sc = np.zeros(nc)
        for S in srcs:
            o = np.argsort(-S)[:100]; sc[o] += 1.0 / (60 + np.arange(1, 101))
        out[qids[i]] = list(ids[np.argsort(-sc)[:10]])
    return out
print(f"RESULT RRF(bm25_all + {args.dense} all) train MAP@5={map_at_k(rrf(tr_idx, tr), tr):.4f} dev MAP@5={map_at_k(rrf(dv_idx, dv), dv):.4f}")
print(f"feature build time for {nq} queries (incl. BM25 indexing) {t_feat_total:.1f}s")
