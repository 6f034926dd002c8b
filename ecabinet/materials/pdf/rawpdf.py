"""Byte-level PDF helpers shared by the watermark and the meeting pack: objects copied from a
classic cross-reference file with their references renumbered, pypdf objects serialized, and an
incremental update appended to a file."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, NameObject, StreamObject


class _Unsupported(Exception):
    """A source the raw merge does not handle (object streams, updates): pypdf does it instead."""


_LEX = re.compile(rb"(?<![\w.+#-])(\d+)\s+(\d+)\s+R(?![\w])|\(|%|endobj|stream(?=\r?\n)")
_HEADER = re.compile(rb"\s*(\d+)\s+0\s+obj")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")


def _renumber(data: bytes, start: int, base: int) -> tuple[bytes, int, bool]:
    """Object body from ``start`` with every reference shifted by ``base``: (bytes up to the
    ``endobj``/``stream`` keyword, where the keyword starts, whether it is a stream)."""
    out, pos = [], start
    while True:
        match = _LEX.search(data, pos)
        if match is None:
            raise _Unsupported("no endobj")
        token = match.group(0)
        if match.group(1) is not None:
            out += [data[pos:match.start()], b"%d %s R" % (int(match.group(1)) + base, match.group(2))]
            pos = match.end()
        elif token == b"(":  # a literal string: balanced parentheses, backslash escapes
            depth, i = 1, match.end()
            while depth:
                c = data[i]
                i += 2 if c == 0x5C else 1
                depth += (c == 0x28) - (c == 0x29)
            out.append(data[pos:i])
            pos = i
        elif token == b"%":
            end = min(x for x in (data.find(b"\n", pos), data.find(b"\r", pos), len(data)) if x >= 0)
            out.append(data[pos:end])
            pos = end
        else:
            out.append(data[pos:match.start()])
            return b"".join(out), match.start(), token == b"stream"


def _raw_objects(reader: PdfReader, data: bytes, base: int, skip: set[int], root_pages: int,
                 parent: int) -> list[tuple[int, bytes]]:
    """Every object of a classic-xref file, renumbered by ``base``, copied without parsing."""
    if reader.xref_objStm or set(reader.xref) - {0, 65535} or reader.xref.get(0) is None:
        raise _Unsupported("object streams or generations")
    out = []
    for number, offset in reader.xref[0].items():
        if number in skip:
            continue
        header = _HEADER.match(data, offset)
        if header is None or int(header.group(1)) != number:
            raise _Unsupported("xref offset")
        body, at, is_stream = _renumber(data, header.end(), base)
        if re.search(rb"/Type\s*/XRef\b", body):  # a cross-reference stream: not content
            continue
        if number == root_pages:
            body = body.replace(b"<<", b"<< /Parent %d 0 R " % parent, 1)
        if is_stream:
            length = _LENGTH.search(body)
            if length is None:
                raise _Unsupported("stream length")
            size = int(length.group(1) if length.group(2) is None else reader.get_object(int(length.group(1)) - base))
            begin = at + 6 + (2 if data[at + 6:at + 8] == b"\r\n" else 1)
            if not re.match(rb"\s*endstream", data[begin + size:begin + size + 16]):
                raise _Unsupported("stream length")
            body += b"stream\n" + data[begin:begin + size] + b"\nendstream"
        out.append((number + base, body))
    return out


def _serialize(obj) -> bytes:
    """PDF bytes of a pypdf object; dictionaries on one line (page dictionaries are most of the
    update: every byte counts 1,200 times)."""
    if isinstance(obj, DictionaryObject) and not isinstance(obj, StreamObject):
        return b"<<" + b"".join(b"%s %s" % (key.encode(), _serialize(value)) for key, value in obj.items()) + b">>"
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _incremental_update(data: bytes, reader: PdfReader, updated: dict[int, tuple[int, bytes]],
                        objects: dict[int, bytes], size: int, startxref: int) -> bytes:
    """``data`` followed by an incremental update: the rewritten objects ``updated`` (number:
    (generation, body)) and the new ``objects`` (generation 0), a cross-reference section in
    contiguous subsections, and a trailer with the new /Size ``size`` and /Prev ``startxref``."""
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    entries: dict[int, bytes] = {}
    for num, (gen, body) in sorted(updated.items()) + [(n, (0, b)) for n, b in sorted(objects.items())]:
        entries[num] = b"%010d %05d n \n" % (len(out), gen)
        out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    numbers = sorted(entries)
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        out += b"%d %d\n" % (numbers[start], end - start + 1) + b"".join(entries[n] for n in numbers[start:end + 1])
        start = end + 1
    trailer = DictionaryObject({NameObject(k): reader.trailer.raw_get(k) for k in ("/Root", "/Info", "/ID")
                                if k in reader.trailer})
    out += b"trailer\n" + _serialize(trailer)[:-2] + b" /Size %d /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, startxref, xref)
    return bytes(out)
