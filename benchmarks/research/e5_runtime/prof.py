import sys, json, time, glob, os, collections, numpy as np
import onnxruntime as ort
from ort_e5 import OrtE5
from data import sample
s = [t for _, t in sample(200, seed=1)]
o = OrtE5(sys.argv[1], threads=1)
so = ort.SessionOptions(); so.intra_op_num_threads = 1; so.enable_profiling = True; so.profile_file_prefix = 'prof'
o.sess = ort.InferenceSession(sys.argv[1], so, providers=['CPUExecutionProvider'])
c0 = time.process_time(); o.encode(s); print('cpu', time.process_time() - c0)
pf = o.sess.end_profiling()
ev = json.load(open(pf)); agg = collections.Counter()
for e in ev:
    if e.get('cat') == 'Node' and e['name'].endswith('_kernel_time'):
        agg[e['args']['op_name']] += e['dur']
tot = sum(agg.values())
for k, v in agg.most_common(12): print(f'{k:30s} {v/1e6:.2f}s {100*v/tot:.1f}%')
os.remove(pf)
