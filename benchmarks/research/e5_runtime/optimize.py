"""ORT transformer fusions (LayerNorm, SkipLayerNorm, Gelu, Attention) on the fp32 export.
Usage: python optimize.py in.onnx out.onnx [noattn]"""
import sys
from onnxruntime.transformers import optimizer
from onnxruntime.transformers.fusion_options import FusionOptions
fo = FusionOptions('bert')
if 'noattn' in sys.argv[3:]:
    fo.enable_attention = False
m = optimizer.optimize_model(sys.argv[1], model_type='bert', num_heads=12, hidden_size=384,
                             optimization_options=fo, opt_level=1)
print(m.get_fused_operator_statistics())
m.save_model_to_file(sys.argv[2])
