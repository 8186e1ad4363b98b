"""Streaming access to the files section: raw or compress(1)ed, hashed as it is read.

The archive_id check covers the *uncompressed* payload (Sun's installer puts
``computehash`` after ``uncompress`` and before ``cpio`` in its pipeline), so the
reader hashes exactly the bytes it hands to the cpio parser, including the
zero padding after ``TRAILER!!!``.  MD5 runs in a helper thread: hashlib
releases the GIL for large buffers, so hashing overlaps with parsing and file
writes instead of adding to them.

Decompression uses the system ``compress -d`` (ncompress) or ``gzip -d`` when
one is installed, because pure-Python LZW manages only a few MB/s; the
pure-Python decoder in :mod:`jobs.flar.lzw` is the fallback and can be forced
with ``backend="python"``.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from typing import Literal, Protocol

from .errors import FlarError
from .lzw import LzwDecompressor, LzwError

CHUNK = 1 << 20
Backend = Literal["auto", "system", "python"]


class BackgroundMd5:
    """MD5 of a sequence of immutable chunks, computed in a helper thread."""

    def __init__(self, depth: int = 8) -> None:
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._digest: str | None = None
        self._thread = threading.Thread(target=self._run, name="flar-md5", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (chunk := self._queue.get()) is not None:
                self._md5.update(chunk)
        except BaseException as exc:  # pragma: no cover - hashlib does not fail on bytes
            self._error = exc

    def update(self, chunk: bytes) -> None:
        if chunk:
            self._queue.put(chunk)

    def hexdigest(self) -> str:
        if self._digest is None:
            self._queue.put(None)
            self._thread.join()
            if self._error is not None:  # pragma: no cover
                raise self._error
            self._digest = self._md5.hexdigest()
        return self._digest

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class ChunkSource(Protocol):
    def read_chunk(self) -> bytes:
        """The next piece of uncompressed payload; b"" at end."""
        ...

    def close(self) -> None: ...


class RawSource:
    """An uncompressed payload: the archive file from the payload offset to its end."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def read_chunk(self) -> bytes:
        return os.read(self._fd, CHUNK)

    def close(self) -> None:
        pass


class PythonLzwSource:
    def __init__(self, fd: int, path: str) -> None:
        self._fd = fd
        self._path = path
        self._decoder = LzwDecompressor()
        self._eof = False

    def read_chunk(self) -> bytes:
        try:
            while True:
                if not self._decoder.needs_input:
                    out = self._decoder.decompress(b"", CHUNK)
                elif self._eof:
                    return self._decoder.flush()
                else:
                    data = os.read(self._fd, CHUNK // 4)
                    if not data:
                        self._eof = True
                        continue
                    out = self._decoder.decompress(data, CHUNK)
                if out:
                    return out
        except LzwError as exc:
            raise FlarError(f"compressed payload is corrupt: {exc.message}", self._path) from None

    def close(self) -> None:
        pass


def system_uncompress_command() -> list[str] | None:
    """An installed decoder for .Z streams on stdin, or None."""
    for name, args in (("compress", ["-d", "-c"]), ("gzip", ["-d", "-c"])):
        found = shutil.which(name)
        if found:
            return [found, *args]
    return None


class ProcessSource:
    """A compressed payload decoded by the system ``compress -d`` reading the archive fd."""

    def __init__(self, fd: int, command: list[str], path: str) -> None:
        self._path = path
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        # The child reads our fd from the payload offset: it shares the file position.
        self._proc = subprocess.Popen(command, stdin=fd, stdout=subprocess.PIPE, stderr=self._stderr)
        assert self._proc.stdout is not None
        self._out = self._proc.stdout.fileno()
        self._done = False

    def read_chunk(self) -> bytes:
        if self._done:
            return b""
        data = os.read(self._out, CHUNK)
        if data:
            return data
        self._done = True
        code = self._proc.wait()
        if code != 0:
            self._stderr.seek(0)
            message = self._stderr.read(400).decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit status {code}"
            raise FlarError(f"compressed payload is corrupt: {detail}", self._path)
        return b""

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()


def make_source(fd: int, *, compressed: bool, path: str, backend: Backend = "auto") -> ChunkSource:
    if not compressed:
        return RawSource(fd)
    if backend != "python":
        command = system_uncompress_command()
        if command is not None:
            return ProcessSource(fd, command, path)
        if backend == "system":
            raise FlarError("no system compress/gzip found to read a compressed payload", path)
    return PythonLzwSource(fd, path)


class PayloadReader:
    """Uncompressed payload bytes, counted (for error offsets) and optionally hashed."""

    def __init__(
        self,
        source: ChunkSource,
        *,
        path: str,
        hasher: BackgroundMd5 | None = None,
        known_size: int | None = None,
    ) -> None:
        self._source = source
        self._path = path
        self._hasher = hasher
        self._known_size = known_size
        self._chunk = b""
        self._off = 0
        self._position = 0  # of self._chunk[0] in the payload
        self._eof = False

    @property
    def path(self) -> str:
        return self._path

    @property
    def hasher(self) -> BackgroundMd5 | None:
        return self._hasher

    @property
    def position(self) -> int:
        """Bytes consumed so far (the offset error messages use)."""
        return self._position + self._off

    @property
    def remaining(self) -> int | None:
        """Bytes left when the payload size is known in advance (uncompressed archives)."""
        if self._known_size is None:
            return None
        return self._known_size - self.position

    def _fill(self) -> bool:
        """Load the next chunk; False at end of payload."""
        if self._eof:
            return False
        self._position += len(self._chunk)
        self._off = 0
        self._chunk = self._source.read_chunk()
        if not self._chunk:
            self._eof = True
            return False
        if self._hasher is not None:
            self._hasher.update(self._chunk)
        return True

    def truncated(self, what: str, wanted: int, got: int) -> FlarError:
        return FlarError(
            f"payload truncated: {what} needs {wanted} bytes but only {got} remain", self._path, self.position
        )

    def take(self, n: int) -> bytes | None:
        """``n`` bytes when the current chunk holds them all (the fast path), else None."""
        off = self._off
        end = off + n
        if end > len(self._chunk):
            return None
        self._off = end
        return self._chunk[off:end]

    def take_view(self, n: int) -> memoryview | None:
        """Like :meth:`take`, as a zero-copy view (member data)."""
        off = self._off
        end = off + n
        if end > len(self._chunk):
            return None
        self._off = end
        return memoryview(self._chunk)[off:end]

    def read_exact(self, n: int, what: str) -> bytes:
        chunk, off = self._chunk, self._off
        if len(chunk) - off >= n:
            self._off = off + n
            return chunk[off : off + n]
        parts = bytearray()
        while len(parts) < n:
            if self._off >= len(self._chunk) and not self._fill():
                raise self.truncated(what, n, len(parts))
            take = min(n - len(parts), len(self._chunk) - self._off)
            parts += self._chunk[self._off : self._off + take]
            self._off += take
        return bytes(parts)

    def read_upto(self, n: int) -> bytes:
        """Up to ``n`` bytes; fewer only at end of payload (used for header probing)."""
        out = bytearray()
        while len(out) < n:
            if self._off >= len(self._chunk) and not self._fill():
                break
            take = min(n - len(out), len(self._chunk) - self._off)
            out += self._chunk[self._off : self._off + take]
            self._off += take
        return bytes(out)

    def views(self, n: int, what: str) -> Iterator[memoryview]:
        """Exactly ``n`` bytes as zero-copy views, for streaming member data to disk."""
        left = n
        while left:
            if self._off >= len(self._chunk) and not self._fill():
                raise self.truncated(what, n, n - left)
            take = min(left, len(self._chunk) - self._off)
            yield memoryview(self._chunk)[self._off : self._off + take]
            self._off += take
            left -= take

    def skip(self, n: int, what: str) -> None:
        for _ in self.views(n, what):
            pass

    def drain(self) -> int:
        """Consume everything left (trailer padding must be hashed too); returns its length."""
        left = len(self._chunk) - self._off
        self._off = len(self._chunk)
        while self._fill():
            left += len(self._chunk)
            self._off = len(self._chunk)
        return left

    def close(self) -> None:
        try:
            self._source.close()
        finally:
            if self._hasher is not None:
                self._hasher.close()
