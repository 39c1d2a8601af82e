"""Compiled kernels of the near-duplicate signal: text to MinHash signature, band linking.

One pass over each text's UTF-8 bytes lower-cases it, drops links, mentions and
the retweet marker, splits it into tokens (runs of letters, digits, combining
marks and ``#``), hashes each token and each pair of neighbouring tokens, and
folds every hash into a MinHash signature of ``NUM_PERM`` values: for each
value, a multiply-add permutation of the 32-bit hash (odd multiplier, modulo
2^32) and the lowest result over the text's tokens. The inner loop over the
permutations is vectorised by the compiler (SIMD), so a token costs a few
cycles. Numba compiles the kernels once (cached on disk) and runs texts in
parallel on every core.
"""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numba
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NUM_PERM = 64
BANDS = 16  # 4 values a band: P(candidate) = 1 - (1 - s^4)^16, 0.99 at s = 0.7
ROWS = NUM_PERM // BANDS
EMPTY = np.uint32(0xFFFFFFFF)
UNICODE_TABLE = 0x32400  # up to CJK extension H (Python 3.12+); later ones separate tokens

# Kinds of code point: what separates tokens, what makes them, white space (which also
# ends a word, for dropping links and mentions), combining marks (part of a token, never
# the start of one), and what is ignored (format characters such as zero-width joiners
# and soft hyphens, variation selectors, enclosing keycap marks).
_SEPARATOR, _WORD, _SPACE, _MARK, _IGNORED = range(5)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_BIGRAM = np.uint64(0x14057B7EF767814F)
_BAND = np.uint64(0x9E3779B97F4A7C15)

_rng = np.random.default_rng(20_161_108)
MULTIPLIERS = _rng.integers(1, 2**32, NUM_PERM, dtype=np.uint32) | np.uint32(1)
OFFSETS = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
_BAND_MIX = _rng.integers(1, 2**63, ROWS, dtype=np.uint64) | np.uint64(1)


class _CategoryKinds(dict):
    """Kind of code point per general category (``Lu``, ``Mn``, ...), each worked out once."""

    def __missing__(self, category: str) -> int:
        kinds = {"L": _WORD, "N": _WORD, "Mn": _MARK, "Mc": _MARK, "Me": _IGNORED, "Cf": _IGNORED}
        self[category] = kinds.get(category, kinds.get(category[0], _SEPARATOR))
        return self[category]


@cache
def unicode_tables() -> tuple[np.ndarray, np.ndarray]:
    """(lower, kind) per code point: its lower case, and its kind (above). Letters, digits
    and ``#`` make tokens; combining marks stay in their letter's token (Devanagari vowel
    signs, Arabic diacritics) but an emoji's variation selector does not become one."""
    text = np.arange(UNICODE_TABLE, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    lowered = text.replace("\u0130", "i").lower()  # only İ lower-cases to two characters
    if len(lowered) != len(text):  # another Unicode version: keep each first character
        lowered = "".join(c.lower()[0] for c in text)
    lower = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), np.uint32).copy()
    kind = np.fromiter(
        map(_CategoryKinds().__getitem__, map(unicodedata.category, text)), np.uint8, len(text)
    )
    chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<U1")
    kind[np.char.isspace(chars)] = _SPACE
    kind[0xFE00:0xFE10] = _IGNORED  # variation selectors (emoji or text style)
    kind[ord("#")] = _WORD
    return lower, kind


@numba.njit(cache=True, inline="always")
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64's finaliser: every input bit moves every output bit."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, inline="always")
def _decode(data: np.ndarray, p: int, end: int) -> tuple[int, int]:
    """The code point starting at byte ``p`` and the position after it (valid UTF-8)."""
    b = int(data[p])
    if b < 0x80:
        return b, p + 1
    if b < 0xE0 and p + 1 < end:
        return ((b & 0x1F) << 6) | (int(data[p + 1]) & 0x3F), p + 2
    if b < 0xF0 and p + 2 < end:
        return ((b & 0x0F) << 12) | ((int(data[p + 1]) & 0x3F) << 6) | (
            int(data[p + 2]) & 0x3F
        ), p + 3
    if p + 3 < end:
        return ((b & 0x07) << 18) | ((int(data[p + 1]) & 0x3F) << 12) | (
            (int(data[p + 2]) & 0x3F) << 6
        ) | (int(data[p + 3]) & 0x3F), p + 4
    return b, end


@numba.njit(cache=True, inline="always")
def _kind(cp: int, kind: np.ndarray) -> int:
    if cp < len(kind):
        return int(kind[cp])
    # Tags and variation selectors of plane 14 are ignored; anything else separates.
    return _IGNORED if 0xE0000 <= cp < 0xE1000 else _SEPARATOR


@numba.njit(cache=True, inline="always")
def _lower(cp: int, lower: np.ndarray) -> int:
    return int(lower[cp]) if cp < len(lower) else cp


@numba.njit(cache=True)
def _dropped_word(data: np.ndarray, p: int, end: int, first: int, kind) -> bool:
    """Whether the word starting with code point ``first`` (its bytes from ``p`` on) is a
    link (``http...``), a mention (``@``, full-width ``＠``) or the retweet marker ``rt``."""
    if first == 0x40 or first == 0xFF20:
        return True
    if first == 0x68 and p + 3 <= end:  # "h": is it "http"?
        return (
            (data[p] | 0x20) == 0x74
            and (data[p + 1] | 0x20) == 0x74
            and (data[p + 2] | 0x20) == 0x70
        )
    if first == 0x72 and p < end and (data[p] | 0x20) == 0x74:  # "rt" alone
        if p + 1 >= end:
            return True
        cp, _ = _decode(data, p + 1, end)
        return _kind(cp, kind) == _SPACE
    return False


@numba.njit(cache=True, inline="always")
def _fold(row: np.ndarray, token: np.uint64, multipliers, offsets) -> None:
    """Lower each signature value to the token's value under that permutation."""
    x = np.uint32(token >> np.uint64(32))
    for j in range(NUM_PERM):
        row[j] = min(row[j], np.uint32(x * multipliers[j] + offsets[j]))


@numba.njit(cache=True)
def _sketch_text(data, start: int, end: int, lower, kind, multipliers, offsets, row) -> None:
    """Signature of one text's bytes ``data[start:end]`` into ``row``."""
    row[:] = EMPTY
    previous = np.uint64(0)
    has_previous = False
    token = _FNV_OFFSET
    in_token = False
    word_start = True
    p = start
    while p <= end:
        if p < end:
            cp, after = _decode(data, p, end)
            cp = _lower(cp, lower)
            k = _kind(cp, kind)
        else:
            cp, after, k = 0, end + 1, _SPACE  # the end closes the last token
        if k == _IGNORED:
            p = after
            continue
        if k == _MARK:
            k = _WORD if in_token else _SEPARATOR
        if in_token and k != _WORD:
            finished = _mix(token)
            _fold(row, finished, multipliers, offsets)
            if has_previous:
                _fold(row, _mix(previous * _BAND ^ finished ^ _BIGRAM), multipliers, offsets)
            previous, has_previous = finished, True
            token, in_token = _FNV_OFFSET, False
        if k == _SPACE:
            word_start = True
            p = after
            continue
        if word_start:
            word_start = False
            if _dropped_word(data, after, end, cp, kind):
                while p < end:  # skip to the next white space
                    cp, after = _decode(data, p, end)
                    if _kind(cp, kind) == _SPACE:
                        break
                    p = after
                continue
        if k == _WORD:
            token = (token ^ np.uint64(cp)) * _FNV_PRIME
            in_token = True
        p = after


@numba.njit(cache=True, parallel=True)
def _sketch_all(data, offsets, lower, kind, multipliers, perm_offsets, out) -> None:
    for i in numba.prange(len(offsets) - 1):
        _sketch_text(
            data, offsets[i], offsets[i + 1], lower, kind, multipliers, perm_offsets, out[i]
        )


def sketch(texts: pa.Array | pa.ChunkedArray, out: np.ndarray | None = None) -> np.ndarray:
    """(n, NUM_PERM) uint32 signatures of the texts (into ``out`` when given); a text
    without a token (or NULL) gets all slots EMPTY."""
    if out is None:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    lower, kind = unicode_tables()
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    row = 0
    for chunk in chunks:
        chunk = pc.fill_null(chunk.cast(pa.large_string()), "")
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data, np.uint8) if data is not None else np.empty(0, np.uint8)
        _sketch_all(data, offsets, lower, kind, MULTIPLIERS, OFFSETS, out[row : row + len(chunk)])
        row += len(chunk)
    return out


@numba.njit(cache=True, parallel=True)
def _band_keys(values, positions, shift: np.uint64) -> np.ndarray:
    """(BANDS, n): per band and text, a hash of the band's values in the high bits and the
    text's index in the low ``shift`` bits, so that sorting a band's keys groups equal
    bands and keeps each group in position order. One pass over the signatures.

    The hash keeps its top 64 - shift bits: two different bands meet there about
    n^2 / 2^(65 - shift) times a band (2 at 4 million texts), merging their groups, so a
    text may be compared with another group's earliest text; verification rejects such
    links, and the pair's other bands usually find the true one."""
    keys = np.empty((BANDS, len(positions)), dtype=np.uint64)
    band_mix = _BAND_MIX
    for i in numba.prange(len(positions)):
        row = values[positions[i]]
        for band in range(BANDS):
            key = np.uint64(band)
            for r in range(ROWS):
                key += np.uint64(row[band * ROWS + r]) * band_mix[r]
            keys[band, i] = ((_mix(key) >> shift) << shift) | np.uint64(i)
    return keys


@numba.njit(cache=True, nogil=True)
def _bucket_pairs(positions, ordered, shift: np.uint64, size: int) -> np.ndarray:
    """Candidate pairs of one band's sorted keys, as ``member * size + leader``: each text
    after the first of its group, with that first (earliest) text."""
    pairs = np.empty(len(ordered), dtype=np.int64)
    found = 0
    low_bits = (np.uint64(1) << shift) - np.uint64(1)
    start = 0
    for k in range(1, len(ordered)):
        if (ordered[k] >> shift) != (ordered[k - 1] >> shift):
            start = k  # a new group: most are single texts, never looked up
            continue
        member, leader = positions[ordered[k] & low_bits], positions[ordered[start] & low_bits]
        pairs[found] = member * size + leader
        found += 1
    return pairs[:found].copy()  # not a view: the full-size buffer is freed


@numba.njit(cache=True, parallel=True)
def _agreeing(values, pairs, size: int, needed: int) -> np.ndarray:
    """Whether each candidate pair agrees on at least ``needed`` signature values."""
    keep = np.empty(len(pairs), dtype=np.bool_)
    for i in numba.prange(len(pairs)):
        row, other = values[pairs[i] // size], values[pairs[i] % size]
        agree = 0
        for r in range(NUM_PERM):
            agree += other[r] == row[r]
        keep[i] = agree >= needed
    return keep


def _band_pairs(band: np.ndarray, positions, shift: np.uint64, size: int) -> np.ndarray:
    band.sort()  # in place: equal keys meet, each group in position order
    return _bucket_pairs(positions, band, shift, size)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers by one sort (numpy's own is several times slower here)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def warm_up() -> None:
    """Load every kernel and the Unicode tables (a new process pays this once)."""
    values = sketch(pa.array(["a b c", "a b c d"]))
    similar_links(values, 0.5)


def similar_links(values: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(member, leader) row numbers of verified links, each pair once: in every band, each
    text is compared with the earliest text of its bucket and linked when the share of
    agreeing values reaches the threshold. Buckets are found by sorting each band's keys
    (bands on every core: sorting releases the GIL); a pair found in several bands is
    verified once."""
    positions = np.flatnonzero(values[:, 0] != EMPTY)
    if len(positions) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    needed = int(np.ceil(threshold * NUM_PERM - 1e-9))
    shift = np.uint64(int(len(positions)).bit_length())
    size = len(values)
    keys = _band_keys(values, positions, shift)
    with ThreadPoolExecutor(max(1, numba.get_num_threads())) as pool:
        found = list(pool.map(lambda band: _band_pairs(band, positions, shift, size), keys))
    del keys
    candidates = sorted_unique(np.concatenate(found))
    pairs = candidates[_agreeing(values, candidates, size, needed)]
    return pairs // size, pairs % size
