"""Find the files behind the paths a user names and open them, decompressed.

Compression is recognised by magic bytes, not by file name, so a gzip file
without ``.gz`` still reads. A zip archive is one source per member; a
directory is every non-hidden file inside it, in sorted order.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

import zstandard

from ..errors import UnreadableFile

_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"PK\x03\x04": "zip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
}


class _Metered(io.RawIOBase):
    """A read-only raw stream that records how far it has been read (for progress bars)."""

    def __init__(self, raw: BinaryIO, meter: list[int]) -> None:
        self.raw = raw
        self.meter = meter
        meter[0] = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.meter[0] += len(data)
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


_DAMAGED = (OSError, EOFError, zlib.error, zstandard.ZstdError, lzma.LZMAError)


class _Tolerant(io.RawIOBase):
    """A decompressed stream that ends where its compressed data is cut short or corrupt.

    What came before stays readable; the error is noted in ``damage`` for the
    loader to quarantine, instead of failing the whole file.
    """

    def __init__(self, stream: BinaryIO, damage: list[str]) -> None:
        self.stream = stream
        self.damage = damage
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.ended:
            return 0
        try:
            data = self.stream.read(len(buffer))
        except _DAMAGED as exc:
            self.ended = True
            message = f"{type(exc).__name__}: {exc}"
            if message not in self.damage:
                self.damage.append(message)
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


@dataclass(frozen=True)
class Source:
    """One logical input file (a plain file or one member of a zip archive)."""

    name: str
    open_raw: Callable[[], BinaryIO]
    compression: str | None
    size: int = 0
    meter: list[int] = field(default_factory=lambda: [0], compare=False)
    damage: list[str] = field(default_factory=list, compare=False)  # decompression errors met

    def open(self) -> BinaryIO:
        """The decompressed byte stream of this source; ``meter[0]`` follows the stored bytes read.

        A compressed stream that is cut short or corrupt ends there; see ``damage``.
        """
        raw = io.BufferedReader(_Metered(self.open_raw(), self.meter), 1 << 20)
        try:
            stream = _decompress(raw, self.compression)
        except Exception:
            raw.close()
            raise
        if self.compression is None:
            return stream
        return io.BufferedReader(_Tolerant(stream, self.damage), 1 << 20)  # type: ignore[return-value]

    def sha256(self) -> str:
        """Digest of the stored bytes: the identity used to skip re-ingests."""
        digest = hashlib.sha256()
        with self.open_raw() as raw:
            for block in iter(lambda: raw.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def peek(self, size: int = 1 << 16) -> bytes:
        """The first ``size`` decompressed bytes, for format detection."""
        try:
            with self.open() as stream:
                head = stream.read(size)
        except _DAMAGED as exc:
            raise UnreadableFile(f"{self.name}: cannot decompress ({exc})") from exc
        if not head and self.damage:
            raise UnreadableFile(f"{self.name}: cannot decompress ({self.damage[-1]})")
        return head


def _sniff_compression(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(8)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


class _Zstd(io.RawIOBase):
    """Zstandard frames, one after another; a frame cut short raises ``ZstdError``.

    (zstandard's own stream reader ends a truncated frame silently, losing its tail
    without a word.)
    """

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.frame = zstandard.ZstdDecompressor().decompressobj()
        self.pending = b""
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self.pending:
            compressed = self.raw.read(1 << 16)
            if not compressed:
                if self.started and not self.frame.eof:
                    raise zstandard.ZstdError("zstd frame is cut short (truncated file)")
                return 0
            self.pending = self._feed(compressed)
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _feed(self, compressed: bytes) -> bytes:
        out = []
        while compressed:
            if self.frame.eof:  # the next frame of a multi-frame file
                self.frame = zstandard.ZstdDecompressor().decompressobj()
            self.started = True
            out.append(self.frame.decompress(compressed))
            compressed = self.frame.unused_data if self.frame.eof else b""
        return b"".join(out)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _decompress(raw: BinaryIO, compression: str | None) -> BinaryIO:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if compression == "zstd":
        return io.BufferedReader(_Zstd(raw), 1 << 20)  # type: ignore[return-value]
    if compression == "bz2":
        return bz2.BZ2File(raw)  # type: ignore[return-value]
    if compression == "xz":
        return lzma.LZMAFile(raw)  # type: ignore[return-value]
    return raw


def _zip_members(path: Path) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{path}: not a readable zip archive ({exc})") from exc
    with archive:
        names = sorted(
            info.filename
            for info in archive.infolist()
            if not info.is_dir() and not _is_hidden(info.filename)
        )
    for member in names:

        def open_member(member: str = member) -> BinaryIO:
            return zipfile.ZipFile(path).open(member)  # type: ignore[return-value]

        with open_member() as handle:
            head = handle.read(8)
        kind = next((k for m, k in _MAGIC.items() if head.startswith(m)), None)
        size = zipfile.ZipFile(path).getinfo(member).file_size
        yield Source(f"{path}!{member}", open_member, kind if kind != "zip" else None, size)


def _is_hidden(name: str) -> bool:
    return any(part.startswith((".", "__MACOSX")) for part in Path(name).parts)


def iter_sources(paths: list[str | os.PathLike[str]]) -> Iterator[Source]:
    """Every source behind ``paths``; raise ``UnreadableFile`` for a path that is not there."""
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise UnreadableFile(f"{path}: no such file or directory")
        files = (
            sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not _is_hidden(str(p.relative_to(path)))
            )
            if path.is_dir()
            else [path]
        )
        for file in files:
            try:
                compression = _sniff_compression(file)
            except OSError as exc:
                raise UnreadableFile(f"{file}: cannot open ({exc.strerror or exc})") from exc
            if compression == "zip":
                yield from _zip_members(file)
            else:
                size = file.stat().st_size
                yield Source(str(file), partial(open, file, "rb"), compression, size)
