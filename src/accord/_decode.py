"""Bytes read from a file to text: UTF-8, or a one-line error saying what
the file is instead (a BOM, UTF-16 or UTF-32, binary data, other bytes).

A byte-order mark is refused unless the caller reads a format whose own
reader takes one (pip's requirements and constraints files: pip's
``auto_decode`` reads UTF-8, UTF-16 and UTF-32 by their BOM): then the text
is decoded by it and the mark kept, as the text's first character, so that
:func:`encoding_of` the bytes and the text give the file's bytes back."""

from __future__ import annotations

import codecs

from accord.errors import InputError

_BOM = b"\xef\xbb\xbf"


def decode(data: bytes, name: str, *, bom: bool = False) -> str:
    """``data`` as text; ``bom``: a byte-order mark (UTF-8, UTF-16 or
    UTF-32) is read and kept (as ``\ufeff``), not refused."""
    codec = encoding_of(data) if bom else "utf-8"
    if codec != "utf-8":
        return _decode_wide(data, name, codec)
    if not bom and data.startswith(_BOM):
        raise InputError(
            "starts with a UTF-8 byte-order mark",
            path=name,
            line=1,
            hint="save it as UTF-8 without a BOM",
        )
    nul = data.find(b"\0")
    if nul != -1:
        wide = _wide_encoding(data)
        if wide is not None:
            raise InputError(
                f"is {wide} text, not UTF-8",
                path=name,
                line=1,
                hint="save it as UTF-8",
            )
        raise InputError(
            "contains binary data (a NUL byte), not text",
            path=name,
            line=data.count(b"\n", 0, nul) + 1,
            hint="is this the right file?",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at column {column})",
            path=name,
            line=line,
            hint="re-save it as UTF-8",
        ) from error


def encoding_of(data: bytes) -> str:
    """The codec a pip file's bytes are in, by their byte-order mark:
    ``utf-16-le`` and the like (the mark decodes as ``\ufeff``), else
    ``utf-8``. Text encoded with it gives the bytes back, mark and all."""
    for mark, codec in _WIDE_CODECS:
        if data.startswith(mark):
            return codec
    return "utf-8"


def _decode_wide(data: bytes, name: str, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec).count("\n") + 1
        raise InputError(
            f"is not valid {codec[:6].upper()} (bytes {error.start}-{error.end - 1})",
            path=name,
            line=line,
            hint="re-save it as UTF-8",
        ) from error


# Byte-order marks of the wide encodings, UTF-32's first (it starts as UTF-16's).
_WIDE_CODECS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when ``data`` (holding a NUL) is text in one, by
    its byte-order mark or, without one, by UTF-16's pattern of a NUL in every
    other byte (ASCII text); None for other data, binary."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    for high, codec in ((sample[1::2], "utf-16-le"), (sample[0::2], "utf-16-be")):
        low = sample[0::2] if codec == "utf-16-le" else sample[1::2]
        if high.count(0) * 2 >= len(high) > 0 and low.count(0) * 8 < high.count(0):
            try:
                sample.decode(codec)
            except UnicodeDecodeError:
                continue
            return "UTF-16"
    return None
