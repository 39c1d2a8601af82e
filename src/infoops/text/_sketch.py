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
EMPTY = np.uint32(0xFFFFFFFF)  # a slot no token has lowered
EMPTY_VALUE = np.uint16(0xFFFF)  # what an EMPTY slot keeps
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


@numba.njit(cache=True, inline="always")
def _band_hash(row: np.ndarray, band: int) -> np.uint32:
    """A 32-bit hash of one band's values, never 0 (0 marks a text without a token)."""
    key = np.uint64(band)
    for r in range(ROWS):
        key += np.uint64(row[band * ROWS + r]) * _BAND_MIX[r]
    return max(np.uint32(_mix(key) >> np.uint64(32)), np.uint32(1))


@numba.njit(cache=True, parallel=True)
def _sketch_rows(data, offsets, rows, dest, lower, kind, multipliers, perm_offsets, values, bands):
    """Each text ``rows[i]`` into ``values[dest[i]]`` (low 16 bits of each minimum) and
    ``bands[:, dest[i]]``; a block of texts shares one full-width working row."""
    blocks = min(len(rows), 64)
    for block in numba.prange(blocks):
        row = np.empty(NUM_PERM, dtype=np.uint32)
        for i in range(block * len(rows) // blocks, (block + 1) * len(rows) // blocks):
            text, at = rows[i], dest[i]
            _sketch_text(
                data, offsets[text], offsets[text + 1], lower, kind, multipliers, perm_offsets,
                row,
            )  # fmt: skip
            for j in range(NUM_PERM):
                values[at, j] = np.uint16(row[j] & np.uint32(0xFFFF))
            has_token = row[0] != EMPTY
            for band in range(BANDS):
                bands[band, at] = _band_hash(row, band) if has_token else np.uint32(0)


def sketch(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """(n, NUM_PERM) uint16 signatures of the texts (see ``sketch_into``)."""
    return _sketch_all(texts)[0]


def _sketch_all(texts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    values, bands = empty_sketches(len(texts))
    rows = np.arange(len(texts), dtype=np.int64)
    sketch_into(values, bands, texts, rows, rows)
    return values, bands


def empty_sketches(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Room for the signatures and band hashes of ``n`` texts."""
    return np.empty((n, NUM_PERM), dtype=np.uint16), np.empty((BANDS, n), dtype=np.uint32)


def sketch_into(
    values: np.ndarray,
    bands: np.ndarray,
    texts: pa.Array | pa.ChunkedArray,
    rows: np.ndarray,
    dest: np.ndarray,
) -> None:
    """Sketch ``texts[rows[i]]`` into ``values[dest[i]]`` and ``bands[:, dest[i]]``; a text
    without a token (or NULL) has every value EMPTY_VALUE and every band hash 0."""
    lower, kind = unicode_tables()
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    start = 0
    for chunk in chunks:
        inside = (rows >= start) & (rows < start + len(chunk))
        if inside.any():
            data, offsets = _text_buffers(chunk)
            _sketch_rows(
                data, offsets, rows[inside] - start, dest[inside], lower, kind, MULTIPLIERS,
                OFFSETS, values, bands,
            )  # fmt: skip
        start += len(chunk)


def _text_buffers(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's bytes and int64 offsets, without copying the bytes (a NULL is made
    an empty text first: Arrow lets a NULL's offsets span bytes)."""
    if chunk.null_count:
        chunk = pc.fill_null(chunk, "")
    if not pa.types.is_string(chunk.type):
        chunk = chunk.cast(pa.large_string())
    width = np.int32 if pa.types.is_string(chunk.type) else np.int64
    _, offsets, data = chunk.buffers()
    offsets = np.frombuffer(offsets, width)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data, np.uint8) if data is not None else np.empty(0, np.uint8)
    return data, offsets.astype(np.int64, copy=False)


@numba.njit(cache=True, nogil=True)
def _band_keys(hashes: np.ndarray, positions: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """(hash << 32 | rank) of one band's texts: sorted, equal hashes meet in rank order."""
    keys = np.empty(len(positions), dtype=np.uint64)
    for i in range(len(positions)):
        row = positions[i]
        keys[i] = (np.uint64(hashes[row]) << np.uint64(32)) | np.uint64(ranks[row])
    return keys


@numba.njit(cache=True, nogil=True)
def _bucket_pairs(keys: np.ndarray, row_of_rank: np.ndarray) -> np.ndarray:
    """Candidate pairs of one band's sorted keys, as ``member << 32 | leader`` (rows of
    the texts): each text after the first of its group, with that first (earliest) text."""
    pairs = np.empty(len(keys), dtype=np.int64)
    found = 0
    start = 0
    low = np.uint64(0xFFFFFFFF)
    for k in range(1, len(keys)):
        if (keys[k] >> np.uint64(32)) != (keys[k - 1] >> np.uint64(32)):
            start = k  # a new group: most are single texts, never looked up
            continue
        member, leader = row_of_rank[keys[k] & low], row_of_rank[keys[start] & low]
        pairs[found] = (member << 32) | leader
        found += 1
    return pairs[:found].copy()  # not a view: the full-size buffer is freed


def _band_pairs(
    hashes: np.ndarray, positions: np.ndarray, ranks: np.ndarray, row_of_rank: np.ndarray
) -> np.ndarray:
    """One band's candidate pairs. Two different bands meet on a 32-bit hash about
    n^2 / 2^33 times a band (40 at 600,000 texts), merging their groups: a text may then
    be compared with the other group's earliest text, a link verification rejects, while
    the pair's other bands usually find the true one."""
    keys = _band_keys(hashes, positions, ranks)
    keys.sort()  # numpy's sort, in place, without the GIL
    return _bucket_pairs(keys, row_of_rank)


@numba.njit(cache=True, parallel=True)
def _agreeing(values, pairs, needed: int) -> np.ndarray:
    """Whether each candidate pair agrees on at least ``needed`` signature values."""
    keep = np.empty(len(pairs), dtype=np.bool_)
    for i in numba.prange(len(pairs)):
        row, other = values[pairs[i] >> 32], values[pairs[i] & 0xFFFFFFFF]
        agree = 0
        for r in range(NUM_PERM):
            agree += other[r] == row[r]
        keep[i] = agree >= needed
    return keep


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers by one sort (numpy's own is several times slower here)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def warm_up() -> None:
    """Load every kernel and the Unicode tables (a new process pays this once)."""
    similar_links(*_sketch_all(pa.array(["a b c", "a b c d"])), 0.5)


def similar_links(
    values: np.ndarray, bands: np.ndarray, threshold: float, ranks: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(member, leader) row numbers of verified links, each pair once: in every band, each
    text is compared with the earliest text of its bucket (the lowest of ``ranks``, a
    permutation of the rows; by default the row number itself) and linked when the share
    of agreeing values reaches the threshold. Buckets are found by sorting each band's
    keys (bands on every core: the kernel releases the GIL); a pair found in several
    bands is verified once."""
    positions = np.flatnonzero(bands[0] != 0)  # texts with a token
    if len(positions) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ranks = np.arange(bands.shape[1]) if ranks is None else ranks
    row_of_rank = np.empty_like(ranks)
    row_of_rank[ranks] = np.arange(len(ranks))
    needed = int(np.ceil(threshold * NUM_PERM - 1e-9))
    with ThreadPoolExecutor(max(1, numba.get_num_threads())) as pool:
        found = list(pool.map(lambda h: _band_pairs(h, positions, ranks, row_of_rank), bands))
    candidates = sorted_unique(np.concatenate(found))
    pairs = candidates[_agreeing(values, candidates, needed)]
    return pairs >> 32, pairs & 0xFFFFFFFF
