"""compress(1) ``.Z`` streams (LZW, 9..16-bit codes, block mode) in pure Python.

Flash archives made with ``flarcreate -c`` carry their files section as one
compress(1) stream, and Sun's installer pipes it through ``uncompress -c``.  The
rules below are the ones the ncompress 4.2 decoder follows, which is what every
``.Z`` reader in the wild agrees with:

* header ``1f 9d`` then one flag byte: low 5 bits = maximum code width
  (9..16), ``0x80`` = block mode (code 256 is CLEAR, first free code 257);
* codes are packed least-significant-bit first, starting 9 bits wide;
* codes come in *groups of eight*: a group of ``n``-bit codes is exactly ``n``
  bytes.  When the width grows, or after a CLEAR, the rest of the current group
  is padding and the next code starts at the next group boundary;
* the decoder's dictionary lags the encoder's by one entry (the usual KwKwK
  case), and the decoder widens its codes *before reading a code* whenever its
  next free slot no longer fits the current width;
* after CLEAR the decoder's next free slot is 256, so the first code after a
  CLEAR fills a junk slot 256 that is never referenced (256 means CLEAR).

The decoder keeps decoded strings as ``bytes`` for speed but caps the memory
they use (a stream of zeros grows entries by one byte per code, which would
otherwise cost memory quadratic in the entry length); past the cap new entries
are stored as (prefix, byte) pairs and rebuilt by walking the prefix chain.
Both directions are streaming: ``decompress`` bounds its output per call, so a
hostile stream with a huge expansion ratio cannot exhaust memory.

Pure Python LZW runs at a few MB/s.  The flar reader and writer therefore use
the system ``compress`` binary when one is installed and fall back to this code
when it is not (see :mod:`jobs.flar.payload`).
"""

from __future__ import annotations

from .errors import FlarError

MAGIC = b"\x1f\x9d"
BLOCK_MODE = 0x80
_BITS_MASK = 0x1F
_CLEAR = 256
_FIRST = 257
_INIT_BITS = 9
MIN_BITS = 9
MAX_BITS = 16
# How often (input bytes) the encoder checks whether a full dictionary still pays off.
_CHECK_GAP = 10_000
# Upper bound on bytes held by cached decoded strings (see module docstring).
_DEFAULT_CACHE_BYTES = 32 << 20


class LzwError(FlarError):
    """A ``.Z`` stream that is not well formed."""


def _literal_table() -> list[bytes | int]:
    return [bytes((i,)) for i in range(256)]


class LzwDecompressor:
    """Incremental ``.Z`` decoder.

    Feed input with :meth:`decompress` (which returns at most about
    ``max_length`` bytes per call; call again with ``b""`` while
    :attr:`needs_input` is false) and finish with :meth:`flush` at end of input.
    """

    def __init__(self, *, cache_bytes: int = _DEFAULT_CACHE_BYTES) -> None:
        self._pending = bytearray()
        self._pos = 0
        self._have_header = False
        self._finished = False
        self._cache_limit = cache_bytes
        self._cached = 0
        self._block_mode = True
        self._max_bits = MAX_BITS
        self._max_max_code = 1 << MAX_BITS
        self._n_bits = _INIT_BITS
        self._max_code = (1 << _INIT_BITS) - 1
        self._table: list[bytes | int] = _literal_table()
        self._free = _FIRST
        self._old_code = -1
        self._prev = b""

    @property
    def needs_input(self) -> bool:
        """True when the pending input holds no complete group of codes."""
        if not self._have_header:
            return True
        return len(self._pending) - self._pos < self._n_bits

    @property
    def finished(self) -> bool:
        return self._finished

    def decompress(self, data: bytes, max_length: int = 1 << 20) -> bytes:
        if self._finished:
            raise LzwError("compress stream already finished")
        if data:
            self._pending += data
        if not self._have_header and not self._read_header(final=False):
            return b""
        out = bytearray()
        self._run(out, max_length, final=False)
        self._compact()
        return bytes(out)

    def flush(self) -> bytes:
        """Decode what is left at end of input (the last, possibly partial, group)."""
        if self._finished:
            return b""
        if not self._have_header:
            self._read_header(final=True)
        out = bytearray()
        # Full groups first (bounded per call by the caller's previous reads), then the tail.
        self._run(out, 1 << 62, final=True)
        self._finished = True
        self._pending = bytearray()
        self._pos = 0
        return bytes(out)

    # --- internals ----------------------------------------------------------------------------

    def _read_header(self, *, final: bool) -> bool:
        if len(self._pending) < 3:
            if final:
                raise LzwError("compress stream truncated inside its 3-byte header")
            if self._pending[: len(MAGIC)] != MAGIC[: len(self._pending)]:
                raise LzwError("not a compress(1) stream (bad magic)")
            return False
        if self._pending[:2] != MAGIC:
            raise LzwError("not a compress(1) stream (bad magic)")
        flags = self._pending[2]
        max_bits = flags & _BITS_MASK
        if not MIN_BITS <= max_bits <= MAX_BITS:
            raise LzwError(f"compress stream uses {max_bits}-bit codes; only 9..16 are valid")
        self._max_bits = max_bits
        self._max_max_code = 1 << max_bits
        self._block_mode = bool(flags & BLOCK_MODE)
        self._free = _FIRST if self._block_mode else 256
        if self._block_mode:
            self._table.append(b"")  # slot 256 is CLEAR, never looked up
        self._pos = 3
        self._have_header = True
        return True

    def _compact(self) -> None:
        if self._pos > (1 << 20):
            del self._pending[: self._pos]
            self._pos = 0

    def _expand(self, code: int) -> bytes:
        """Rebuild an entry stored as a (prefix, byte) pair by walking to a cached ancestor."""
        table = self._table
        tail = bytearray()
        entry = table[code]
        while isinstance(entry, int):
            tail.append(entry & 0xFF)
            entry = table[entry >> 8]
        tail.reverse()
        return entry + bytes(tail)

    def _run(self, out: bytearray, max_length: int, *, final: bool) -> None:
        # Hot loop: state lives in locals and is written back once at the end.
        buf = self._pending
        pos = self._pos
        end = len(buf)
        n_bits = self._n_bits
        mask = (1 << n_bits) - 1
        max_code = self._max_code
        max_bits = self._max_bits
        max_max_code = self._max_max_code
        block_mode = self._block_mode
        table = self._table
        free = self._free
        old_code = self._old_code
        prev = self._prev
        cached = self._cached
        cache_limit = self._cache_limit
        try:
            while len(out) < max_length:
                avail = end - pos
                if avail >= n_bits:
                    group_bytes, group_codes = n_bits, 8
                elif final and avail > 0:
                    group_bytes, group_codes = avail, (avail * 8) // n_bits
                else:
                    break
                value = int.from_bytes(buf[pos : pos + group_bytes], "little")
                pos += group_bytes
                for _ in range(group_codes):
                    code = value & mask
                    value >>= n_bits
                    if old_code < 0:
                        if code >= 256:
                            raise LzwError(f"corrupt compress stream: first code {code} is not a literal")
                        out.append(code)
                        prev = table[code]  # type: ignore[assignment]
                        old_code = code
                        continue
                    if code == _CLEAR and block_mode:
                        # The junk slot 256 is re-added by the next code (free == 256).
                        del table[256:]
                        free = 256
                        cached = 0
                        n_bits = _INIT_BITS
                        mask = (1 << n_bits) - 1
                        max_code = mask
                        break  # rest of the group is padding
                    if code < free:
                        entry = table[code]
                        if isinstance(entry, int):
                            entry = self._expand(code)
                    elif code == free:
                        entry = prev + prev[:1]
                    else:
                        raise LzwError(f"corrupt compress stream: code {code} beyond next free {free}")
                    out += entry
                    if free < max_max_code:
                        if free == 256 and block_mode:
                            table.append(b"")  # post-CLEAR junk slot
                        elif cached < cache_limit:
                            new = prev + entry[:1]
                            cached += len(new)
                            table.append(new)
                        else:
                            table.append((old_code << 8) | entry[0])
                        free += 1
                    prev = entry
                    old_code = code
                    if free > max_code:
                        # Like every compress(1) since 4.0: the width check does not stop at
                        # max_bits when the table fills first (only possible with -b 9).
                        n_bits += 1
                        mask = (1 << n_bits) - 1
                        max_code = max_max_code if n_bits == max_bits else mask
                        break  # rest of the group is padding
        finally:
            self._pos = pos
            self._n_bits = n_bits
            self._max_code = max_code
            self._free = free
            self._old_code = old_code
            self._prev = prev
            self._cached = cached


class LzwCompressor:
    """Incremental ``.Z`` encoder (block mode, ratio-driven CLEAR like ncompress).

    Code widths are decided by simulating the *decoder's* state (its next free
    slot lags ours by one entry), so the stream is right by construction rather
    than by mirroring any particular encoder's bookkeeping.
    """

    def __init__(self, max_bits: int = MAX_BITS) -> None:
        if not MIN_BITS <= max_bits <= MAX_BITS:
            raise ValueError(f"max_bits must be {MIN_BITS}..{MAX_BITS}, not {max_bits}")
        self._max_bits = max_bits
        self._max_max_code = 1 << max_bits
        self._codes: dict[int, int] = {}
        self._free = _FIRST
        self._ent = -1
        # The decoder's view: its width, largest code for that width, next free slot.
        self._n_bits = _INIT_BITS
        self._max_code = (1 << _INIT_BITS) - 1
        self._dec_free = _FIRST
        self._dec_first = True
        # Bits of the current group (up to 8 codes) not yet written out.
        self._acc = 0
        self._acc_bits = 0
        self._group_count = 0
        self._bytes_in = 0
        self._bytes_out = 0
        self._checkpoint = _CHECK_GAP
        self._best_ratio = 0
        self._started = False
        self._flushed = False

    def compress(self, data: bytes) -> bytes:
        if self._flushed:
            raise ValueError("compressor already flushed")
        out = bytearray()
        if not self._started:
            out += MAGIC + bytes((BLOCK_MODE | self._max_bits,))
            self._started = True
        if data:
            self._encode(data, out)
        self._bytes_out += len(out)
        return bytes(out)

    def flush(self) -> bytes:
        out = bytearray(self.compress(b""))
        if self._ent >= 0:
            self._emit(self._ent, out)
            self._ent = -1
        if self._acc_bits:
            # Only whole bytes that hold real bits: a zero-padded full group would
            # decode as extra NUL literals at end of stream.
            out += self._acc.to_bytes((self._acc_bits + 7) // 8, "little")
            self._acc = self._acc_bits = 0
        self._flushed = True
        return bytes(out)

    # --- internals ----------------------------------------------------------------------------

    def _put_bits(self, code: int, out: bytearray) -> None:
        if self._dec_free > self._max_code:
            # The decoder widens before reading this code; the rest of the group is padding.
            self._end_run(out)
            self._n_bits += 1
            self._max_code = self._max_max_code if self._n_bits == self._max_bits else (1 << self._n_bits) - 1
        self._acc |= code << self._acc_bits
        self._acc_bits += self._n_bits
        self._group_count += 1
        if self._group_count == 8:
            out += self._acc.to_bytes(self._n_bits, "little")
            self._acc = self._acc_bits = self._group_count = 0

    def _emit(self, code: int, out: bytearray) -> None:
        self._put_bits(code, out)
        # The decoder adds an entry for every code but the very first one.
        if self._dec_first:
            self._dec_first = False
        elif self._dec_free < self._max_max_code:
            self._dec_free += 1

    def _end_run(self, out: bytearray) -> None:
        """Pad the current width's run to a group boundary, as the decoder skips it."""
        if self._group_count:
            out += self._acc.to_bytes(self._n_bits, "little")
            self._acc = self._acc_bits = self._group_count = 0

    def _clear(self, out: bytearray) -> None:
        self._put_bits(_CLEAR, out)
        self._end_run(out)
        self._codes.clear()
        self._free = _FIRST
        self._n_bits = _INIT_BITS
        self._max_code = (1 << _INIT_BITS) - 1
        self._dec_free = 256  # the next code fills the decoder's junk slot 256
        self._best_ratio = 0

    def _ratio_dropped(self, bytes_in: int, bytes_out: int) -> bool:
        ratio = (bytes_in << 8) // max(bytes_out, 1)
        if ratio > self._best_ratio:
            self._best_ratio = ratio
            return False
        return True

    def _encode(self, data: bytes, out: bytearray) -> None:
        codes = self._codes
        ent = self._ent
        start = 0
        if ent < 0:
            ent = data[0]
            start = 1
        base = self._bytes_in
        for i in range(start, len(data)):
            byte = data[i]
            key = (ent << 8) | byte
            code = codes.get(key)
            if code is not None:
                ent = code
                continue
            self._emit(ent, out)
            if self._free < self._max_max_code:
                codes[key] = self._free
                self._free += 1
            elif base + i >= self._checkpoint:
                # Table full: keep it while it still compresses better, else start over.
                self._checkpoint = base + i + _CHECK_GAP
                if self._ratio_dropped(base + i, self._bytes_out + len(out)):
                    self._clear(out)
            ent = byte
        self._bytes_in = base + len(data)
        self._ent = ent


def compress(data: bytes, max_bits: int = MAX_BITS) -> bytes:
    """Compress ``data`` to a complete ``.Z`` stream."""
    enc = LzwCompressor(max_bits)
    return enc.compress(data) + enc.flush()


def decompress(data: bytes, *, max_output: int = 1 << 30) -> bytes:
    """Decompress a complete ``.Z`` stream held in memory (tests, small members)."""
    dec = LzwDecompressor()
    out = bytearray(dec.decompress(data))
    while not dec.needs_input:
        out += dec.decompress(b"")
        if len(out) > max_output:
            raise LzwError(f"compress stream expands beyond {max_output} bytes")
    out += dec.flush()
    if len(out) > max_output:
        raise LzwError(f"compress stream expands beyond {max_output} bytes")
    return bytes(out)
