"""Reader stage: formats recognised only to be refused with a useful message."""

from __future__ import annotations

from .base import Extracted, FormatError

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONVERT = (
    "convert it to .docx first (Word or WPS: File > Save As > .docx; "
    "or: libreoffice --headless --convert-to docx FILE)"
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


class OleReader:
    """Old binary Office files (OLE2 compound files): .doc, .xls, .ppt, and
    password-protected .docx, which Office wraps in the same container."""

    name = "ole2"
    suffixes: tuple[str, ...] = (".doc", ".dot", ".wps")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(_OLE2)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        # The stream names sit in the compound file's directory as UTF-16.
        if _utf16("EncryptedPackage") in data:
            raise FormatError(
                "a password-protected Office document: remove the password "
                "(File > Info > Protect Document) and save it as .docx", path=path
            )
        if _utf16("WordDocument") in data:
            raise FormatError(
                "an old binary Word .doc (Word 97-2003) file, which speechtree does not read: "
                + _CONVERT, path=path
            )
        if _utf16("Workbook") in data or _utf16("PowerPoint Document") in data:
            raise FormatError("unsupported format: an old binary Excel or PowerPoint file",
                              path=path)
        raise FormatError("unsupported format: an OLE2 compound file, not a document "
                          "speechtree reads", path=path)


class RtfReader:
    name = "rtf"
    suffixes: tuple[str, ...] = (".rtf",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"{\\rtf")

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        raise FormatError("unsupported format: RTF; save it as .docx or as plain text first",
                          path=path)


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


class ImageReader:
    name = "image"
    suffixes: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff")

    def sniff(self, head: bytes) -> bool:
        return any(head.startswith(m) for m, _ in _IMAGES)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        kind = next((k for m, k in _IMAGES if data.startswith(m)), "image")
        raise FormatError(
            f"unsupported format: a {kind} image holds no text; run OCR on it first", path=path
        )
