"""int8 dynamic quantisation of the exported encoder (onnxruntime.quantization).
Usage: python quantize.py in.onnx out.onnx [per_channel] [reduce_range] [u8] [skip=fo,fi,...]"""
import sys, onnx
from onnxruntime.quantization import quantize_dynamic, QuantType
src, dst = sys.argv[1], sys.argv[2]
flags = sys.argv[3:]
skip = []
for f in flags:
    if f.startswith('skip='):
        keys = f[5:].split(',')
        m = onnx.load(src)
        skip = [n.name for n in m.graph.node if n.op_type == 'MatMul' and any(n.name.startswith(f'/{k}/') or n.name.startswith(f'/{k}_') for k in keys)]
quantize_dynamic(src, dst, weight_type=QuantType.QUInt8 if 'u8' in flags else QuantType.QInt8,
                 per_channel='per_channel' in flags, reduce_range='reduce_range' in flags,
                 op_types_to_quantize=['MatMul'], nodes_to_exclude=skip)
print('wrote', dst, 'excluded', len(skip))
