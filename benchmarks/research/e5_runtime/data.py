"""WMT22 sentences (segments of src, refs and system outputs) from /work/shared/data/translations."""
import gzip, glob, random, re, xml.etree.ElementTree as ET

def load_all():
    out = []  # (lang, text)
    for f in sorted(glob.glob('/work/shared/data/translations/wmttest2022.*.all.xml.gz')):
        root = ET.parse(gzip.open(f)).getroot()
        for part in root.iter():
            if part.tag in ('src', 'ref', 'hyp'):
                lang = part.get('lang')
                for seg in part.iter('seg'):
                    if seg.text and seg.text.strip():
                        out.append((lang, seg.text.strip()))
    return out

def sample(n, seed=0, per_lang=True):
    """n distinct sentences, balanced across the six languages (de fr en zh ja uk)."""
    allx = load_all()
    by = {}
    for l, t in allx:
        by.setdefault(l, set()).add(t)
    rng = random.Random(seed)
    langs = sorted(by)
    res = []
    k = n // len(langs)
    for i, l in enumerate(langs):
        pool = sorted(by[l]); rng.shuffle(pool)
        take = k + (1 if i < n - k * len(langs) else 0)
        res += [(l, t) for t in pool[:take]]
    rng.shuffle(res)
    return res

if __name__ == '__main__':
    a = load_all()
    from collections import Counter
    print(len(a), Counter(l for l, _ in a))
    print(len(set(t for _, t in a)), 'distinct')
    import statistics
    print('mean chars', statistics.mean(len(t) for _, t in a))
