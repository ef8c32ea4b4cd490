#!/usr/bin/python3
"""Helpers for make-documents.sh: an ODF package check, and a PDF file-attachment annotation.

    doc_helpers.py odf-check FILE plain|encrypted
        The package is ODF as the specification says (first entry `mimetype`, stored, holding
        application/vnd.oasis.opendocument.*; META-INF/manifest.xml well-formed) and either no part is declared
        encrypted (plain) or every file part but `mimetype` and the manifest is declared with
        <manifest:encryption-data> and its stored bytes are not the plain XML/PNG they stand for (encrypted).
        Prints the parts.
    doc_helpers.py pdf-annotation IN.pdf FILE NAME OUT.pdf
        Appends an incremental update to IN.pdf (as Acrobat does when a comment is added): a FileAttachment
        annotation on page 1 (object 3) whose file specification (/F and /UF, UTF-16BE) embeds FILE as a
        FlateDecode /EmbeddedFile stream (object 7). The page object is rewritten with /Annots [9 0 R].
        Made for helpers.py's PDF (objects 1-6).
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from xml.dom import minidom

MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
PACKAGE_METADATA = {"mimetype", "META-INF/manifest.xml"}


def odf_check(path: str, mode: str) -> None:
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise SystemExit(f"{path}: CRC error")
        infos = z.infolist()
        first = infos[0]
        if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
            raise SystemExit(f"{path}: first entry is {first.filename} (method {first.compress_type}), not a stored mimetype")
        mimetype = z.read("mimetype").decode("ascii")
        if not mimetype.startswith("application/vnd.oasis.opendocument."):
            raise SystemExit(f"{path}: mimetype {mimetype}")
        manifest = minidom.parseString(z.read("META-INF/manifest.xml"))
        encrypted = {e.getAttributeNS(MANIFEST_NS, "full-path")
                     for e in manifest.getElementsByTagNameNS(MANIFEST_NS, "file-entry")
                     if e.getElementsByTagNameNS(MANIFEST_NS, "encryption-data")}
        parts = [i.filename for i in infos if not i.is_dir()]
        content = [p for p in parts if p not in PACKAGE_METADATA]
        if mode == "plain":
            if encrypted:
                raise SystemExit(f"{path}: plain, but the manifest declares {sorted(encrypted)} encrypted")
        elif mode == "encrypted":
            missing = [p for p in content if p not in encrypted]
            if missing or "content.xml" not in encrypted:
                raise SystemExit(f"{path}: parts not declared encrypted: {missing}")
            for p in content:
                head = z.read(p)[:8]
                if head.startswith(b"<?xml") or head.startswith(b"\x89PNG"):
                    raise SystemExit(f"{path}: {p} is declared encrypted but is plain")
        else:
            raise SystemExit(f"odf-check: mode {mode}")
    print(f"{path}: ODF {mimetype}, {len(content)} parts, {len(encrypted)} encrypted")


def pdf_annotation(src: bytes, data: bytes, name: str) -> bytes:
    start = src.rindex(b"startxref")
    prev = int(src[start:].split()[1])
    trailer = src[src.rindex(b"trailer"):start]
    doc_id = trailer[trailer.index(b"/ID"):trailer.index(b"]", trailer.index(b"/ID")) + 1].decode()
    packed = zlib.compress(data, 9)
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in "()\\" else "_" for c in name)
    uf = "<" + (b"\xfe\xff" + name.encode("utf-16-be")).hex().upper() + ">"
    objs = {
        3: (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
            b" /Contents 5 0 R /Annots [9 0 R] >>"),
        7: (f"<< /Type /EmbeddedFile /Filter /FlateDecode /Length {len(packed)} /Params << /Size {len(data)} >> >>\nstream\n"
            ).encode() + packed + b"\nendstream",
        8: f"<< /Type /Filespec /F ({ascii_name}) /UF {uf} /EF << /F 7 0 R /UF 7 0 R >> >>".encode(),
        9: (b"<< /Type /Annot /Subtype /FileAttachment /Rect [72 700 92 724] /FS 8 0 R /Name /Paperclip"
            b" /Contents (attached file) /P 3 0 R >>"),
    }
    out = bytearray(src)
    offsets = {}
    for number, body in objs.items():
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n3 1\n" + f"{offsets[3]:010d} 00000 n \n".encode()
    out += b"7 3\n" + b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in (7, 8, 9))
    out += (f"trailer\n<< /Size 10 /Root 1 0 R /Info 6 0 R /Prev {prev} {doc_id} >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "odf-check":
        odf_check(argv[1], argv[2])
    elif len(argv) == 5 and argv[0] == "pdf-annotation":
        with open(argv[4], "wb") as f:
            f.write(pdf_annotation(open(argv[1], "rb").read(), open(argv[2], "rb").read(), argv[3]))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
