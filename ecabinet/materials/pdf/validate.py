"""Upload validation: ``validate_pdf`` checks a PDF before it is stored and refuses it with
``PdfRejected`` (a reason code and a Vietnamese message that can be shown to the uploader as is)."""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

MB = 1024 * 1024
MAX_BYTES = 100 * MB
MAX_PAGES = 5000
MAX_STREAM_INFLATED = 64 * MB  # a page content stream larger than this is a bomb
MAX_TOTAL_INFLATED = 512 * MB  # all content streams of the document together

MESSAGES = {
    "not_pdf": "Tệp không phải là tài liệu PDF.",
    "too_large": "Tệp PDF vượt quá dung lượng cho phép ({limit} MB).",
    "encrypted": "Tệp PDF được đặt mật khẩu hoặc mã hóa; vui lòng gỡ mật khẩu rồi tải lên lại.",
    "truncated": "Tệp PDF bị cắt cụt (tải lên chưa hết); vui lòng tải lên lại.",
    "corrupt": "Tệp PDF bị hỏng, không đọc được.",
    "no_pages": "Tệp PDF không có trang nào.",
    "too_many_pages": "Tệp PDF có quá nhiều trang (tối đa {limit} trang).",
    "bomb": "Tệp PDF chứa dữ liệu nén bất thường (giải nén quá lớn) và bị từ chối.",
}


class PdfRejected(ValueError):
    """An upload refused: ``code`` (stable, for programs) and ``message_vi`` (for people)."""

    def __init__(self, code: str, message_vi: str | None = None) -> None:
        self.code = code
        self.message_vi = message_vi or MESSAGES.get(code, MESSAGES["corrupt"])
        super().__init__(f"{code}: {self.message_vi}")


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    size: int
    sha256: str


def _read(source: bytes | str | Path, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        if path.stat().st_size > max_bytes:
            raise PdfRejected("too_large", MESSAGES["too_large"].format(limit=max_bytes // MB))
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise PdfRejected("too_large", MESSAGES["too_large"].format(limit=max_bytes // MB))
    return data


def _count_pages(reader: PdfReader, max_pages: int) -> int:
    """Leaves of the page tree, walked without pypdf's flattening: stops as soon as the claimed
    /Count or the real number of leaves passes ``max_pages``; cycles are corruption."""
    too_many = PdfRejected("too_many_pages", MESSAGES["too_many_pages"].format(limit=max_pages))
    root = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    claimed = root.get("/Count", 0)
    if isinstance(claimed, int) and claimed > max_pages:
        raise too_many
    seen: set[int] = set()
    stack = [reader.trailer["/Root"].get_object()["/Pages"]]
    leaves = 0
    while stack:
        ref = stack.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                raise PdfRejected("corrupt")
            seen.add(ref.idnum)
        node = ref.get_object()
        if not isinstance(node, DictionaryObject):
            raise PdfRejected("corrupt")
        kids = node.get("/Kids")
        if node.get("/Type") == "/Pages" or kids is not None:
            stack.extend(reversed(list(kids.get_object() if kids is not None else [])))
        else:
            leaves += 1
            if leaves > max_pages:
                raise too_many
    return leaves


def _bounded_inflate(stream: StreamObject, budget: int) -> int:
    """Inflated size of a FlateDecode stream, never inflating more than ``budget`` + 1 bytes."""
    filters = stream.get("/Filter")
    names = [filters] if not isinstance(filters, ArrayObject) else list(filters)
    raw = stream._data  # the encoded bytes, as stored in the file
    if not names or names[0] not in ("/FlateDecode", "/Fl"):
        return len(raw)
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    while data and total <= budget:
        out = inflater.decompress(data, 1 * MB)
        total += len(out)
        data = inflater.unconsumed_tail
        if not out and not data:
            break
    return total


def _check_inflation(reader: PdfReader, max_stream: int, max_total: int) -> None:
    """Every page content stream and form XObject (nested ones too) inflates within the limits.
    Images are not inflated (text extraction and the watermark never decode them)."""
    total = 0
    seen: set[int] = set()
    for page in reader.pages:
        contents = page.get("/Contents")
        resolved = contents.get_object() if contents is not None else None
        todo = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        todo.append(page.get("/Resources"))
        while todo:
            ref = todo.pop()
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            obj = ref.get_object() if ref is not None else None
            if isinstance(obj, StreamObject):
                size = _bounded_inflate(obj, min(max_stream, max_total - total))
                total += size
                if size > max_stream or total > max_total:
                    raise PdfRejected("bomb")
                if obj.get("/Subtype") == "/Form":
                    todo.append(obj.get("/Resources"))
            elif isinstance(obj, DictionaryObject):  # a resources dictionary
                xobjects = obj.get("/XObject")
                xobjects = xobjects.get_object() if xobjects is not None else {}
                todo.extend(x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Form")


def validate_pdf(source: bytes | str | Path, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES,
                 max_stream_inflated: int = MAX_STREAM_INFLATED,
                 max_total_inflated: int = MAX_TOTAL_INFLATED) -> PdfInfo:
    """Check an upload before it is stored; ``PdfInfo`` (pages, size, sha256) or ``PdfRejected``."""
    data = _read(source, max_bytes)
    if b"%PDF-" not in data[:1024]:
        raise PdfRejected("not_pdf")
    if b"%%EOF" not in data[-2048:]:
        raise PdfRejected("truncated")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRejected("encrypted")
        pages = _count_pages(reader, max_pages)
        if pages == 0:
            raise PdfRejected("no_pages")
        _check_inflation(reader, max_stream_inflated, max_total_inflated)
    except PdfRejected:
        raise
    except LimitReachedError as exc:
        raise PdfRejected("bomb") from exc
    except (PyPdfError, zlib.error, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise PdfRejected("corrupt") from exc
    return PdfInfo(pages=pages, size=len(data), sha256=hashlib.sha256(data).hexdigest())
