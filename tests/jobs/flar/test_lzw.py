"""compress(1) LZW: interop with ncompress both ways, and robustness."""

from __future__ import annotations

import os
import random
import subprocess

import pytest

from jobs.flar import lzw
from tests.support.archives import require_tools


@pytest.fixture(scope="module")
def ncompress() -> str:
    return require_tools("compress")["compress"]


def _ncompress(binary: str, data: bytes, bits: int = 16) -> bytes:
    result = subprocess.run([binary, "-c", "-b", str(bits)], input=data, capture_output=True, check=False)
    assert result.returncode in (0, 2), result.stderr  # 2 = "not smaller", stream still complete
    return result.stdout


def _nuncompress(binary: str, data: bytes) -> bytes:
    result = subprocess.run([binary, "-d", "-c"], input=data, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _samples() -> dict[str, bytes]:
    rng = random.Random(7)
    text = b"".join(b"line %d of some package listing /usr/bin/x\n" % i for i in range(20_000))
    return {
        "empty": b"",
        "one": b"a",
        "short": b"hello hello hello",
        "zeros": bytes(300_000),
        "random": os.urandom(200_000),
        "text": text,
        "abc": bytes(rng.choice(b"abc") for _ in range(150_000)),
        # Big and varied enough to fill a 16-bit table and make the encoder CLEAR.
        "mixed": text + os.urandom(300_000) + text[::-1],
    }


@pytest.mark.parametrize("bits", [12, 14, 16])
@pytest.mark.parametrize("name", list(_samples()))
def test_we_decode_ncompress(ncompress: str, name: str, bits: int) -> None:
    data = _samples()[name]
    assert lzw.decompress(_ncompress(ncompress, data, bits)) == data


@pytest.mark.parametrize("bits", [12, 14, 16])
@pytest.mark.parametrize("name", list(_samples()))
def test_ncompress_decodes_ours(ncompress: str, name: str, bits: int) -> None:
    data = _samples()[name]
    ours = lzw.compress(data, bits)
    assert ours[:3] == b"\x1f\x9d" + bytes((0x80 | bits,))
    assert _nuncompress(ncompress, ours) == data
    assert lzw.decompress(ours) == data


def test_non_block_mode_code_256_is_an_entry_not_clear() -> None:
    # ncompress -C output is undecodable by ncompress and gzip alike, so hand-pack one:
    # "ababab" -> codes a, b, 256 ("ab"), 256 without block mode (flags 0x10).
    codes = [97, 98, 256, 256]
    bits = sum(code << (9 * i) for i, code in enumerate(codes))
    stream = b"\x1f\x9d\x10" + bits.to_bytes(5, "little")
    assert lzw.decompress(stream) == b"ababab"


def test_gzip_decodes_ours_too() -> None:
    gzip = require_tools("gzip")["gzip"]
    data = _samples()["mixed"]
    result = subprocess.run([gzip, "-d", "-c"], input=lzw.compress(data), capture_output=True, check=True)
    assert result.stdout == data


def test_streaming_decoder_bounds_output_per_call(ncompress: str) -> None:
    # 50 MB of zeros compress to a few KB: a bomb if decoded in one go.
    stream = _ncompress(ncompress, bytes(50 << 20))
    decoder = lzw.LzwDecompressor()
    biggest = len(decoder.decompress(stream, max_length=1 << 20))
    total = biggest
    while not decoder.needs_input:
        piece = decoder.decompress(b"", max_length=1 << 20)
        biggest = max(biggest, len(piece))
        total += len(piece)
    total += len(decoder.flush())
    assert total == 50 << 20
    assert biggest < 2 << 20


def test_decoder_memory_cap_still_decodes_long_entries(ncompress: str) -> None:
    data = bytes(2 << 20) + b"x" * 100_000
    decoder = lzw.LzwDecompressor(cache_bytes=4096)  # force the (prefix, byte) chain path
    stream = _ncompress(ncompress, data)
    out = bytearray(decoder.decompress(stream, max_length=1 << 40))
    out += decoder.flush()
    assert bytes(out) == data


def test_streaming_encoder_matches_one_shot() -> None:
    data = _samples()["mixed"]
    encoder = lzw.LzwCompressor()
    pieces = [encoder.compress(data[i : i + 7919]) for i in range(0, len(data), 7919)]
    assert b"".join(pieces) + encoder.flush() == lzw.compress(data)


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        (b"", "header"),
        (b"\x1f", "header"),
        (b"PK\x03\x04", "magic"),
        (b"\x1f\x9d\x91", "17-bit"),
        (b"\x1f\x9d\x88", "8-bit"),
        (b"\x1f\x9d\x90\xff\xff", "first code"),
    ],
)
def test_corrupt_streams_raise_lzw_error(stream: bytes, message: str) -> None:
    with pytest.raises(lzw.LzwError, match=message):
        lzw.decompress(stream)


def test_code_beyond_next_free_is_corrupt() -> None:
    # 9-bit codes: literal 'a' (97) then 300 while the next free slot is 257.
    value = 97 | (300 << 9)
    stream = b"\x1f\x9d\x90" + value.to_bytes(3, "little")
    with pytest.raises(lzw.LzwError, match="beyond next free"):
        lzw.decompress(stream)


def test_compressor_rejects_bad_widths() -> None:
    with pytest.raises(ValueError, match="max_bits"):
        lzw.LzwCompressor(17)
