#!/usr/bin/python3
"""OLE Packages: the way Word embeds an arbitrary file (an .exe, a .zip) in a document ("Insert > Object >
Create from file"), and a .docx that carries one.

Why this exists: LibreOffice on Linux cannot create an OLE Package from a file (its OLE object factory needs
Windows' OLE; checked through UNO: "Wrong connection mode"), olefile cannot create compound files, and no other
Debian package writes one. So the package is written here, and the .docx around it is LibreOffice's own: an
LibreOffice-made .docx with an embedded Calc object, whose embedding is swapped for the package (the same
relationship, a ProgID of "Package", an icon aspect) - the smallest change that turns it into what Word writes.

An OLE Package ([MS-OLEDS] 2.3.6, 2.2.5 and the Packager's own "\\x01Ole10Native" stream) is a compound file
(CFB, written by ooxml_encrypt.write_cfb) whose root has the Package class id {0003000C-0000-0000-C000-000000000046}
and three streams:
    \\x01Ole          OLE object header (version 0x02000001, no moniker)          - [MS-OLEDS] 2.3.3
    \\x01CompObj      user type "OLE Package", ProgID "Package"                    - [MS-OLEDS] 2.3.8
    \\x01Ole10Native  uint32 size of what follows, then
                     uint16 2, label (ANSI, NUL), source path (ANSI, NUL), uint32 0x00030000,
                     uint32 length + temp path (ANSI, NUL), uint32 data size, the file's bytes,
                     then the same three strings in UTF-16LE, each as uint32 character count + characters
                     (what Packager on Windows 7+ appends, so Japanese names survive)

Checks (see make-documents.sh): olefile reads the CFB and finds the streams; LibreOffice opens the .docx and
writes it back out with the OLE object intact (it re-encodes the compound file with its own CFB code, and the
Ole10Native stream it writes holds the same file); `unzip -t` tests the package.

Usage:
    ole_package.py package FILE NAME OUT.bin              write an OLE Package holding FILE under NAME
    ole_package.py package-ansi FILE NAME OUT.bin         the same without the Unicode strings (Windows XP's Packager):
                                                          the name only in CP932
    ole_package.py docx LO.docx PACKAGE.bin OUT.docx      swap LO.docx's one embedding for PACKAGE.bin
    ole_package.py check PACKAGE.bin NAME FILE            the package holds FILE's bytes under NAME (olefile)
    ole_package.py check-docx DOCX NAME FILE              the .docx has one OLE Package in word/embeddings holding FILE
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zipfile

import olefile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ooxml_encrypt import Node, write_cfb  # noqa: E402  (the corpus' one CFB writer)

PACKAGE_CLSID = bytes.fromhex("0c000300" "0000" "0000" "c000000000000046")  # {0003000C-0000-0000-C000-000000000046}, as CFB stores it
FIXED_ZIP_TIME = (2026, 11, 27, 10, 30, 0)
OLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"
OLE_CT = "application/vnd.openxmlformats-officedocument.oleObject"


def _ansi(s: str) -> bytes:
    return s.encode("cp932", errors="replace") + b"\0"


def _unicode(s: str) -> bytes:
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


def ole10native(data: bytes, name: str, unicode: bool = True) -> bytes:
    src = "C:\\Users\\tanaka\\Desktop\\" + name
    temp = "C:\\Users\\tanaka\\AppData\\Local\\Temp\\" + name
    body = (struct.pack("<H", 2) + _ansi(name) + _ansi(src) + struct.pack("<I", 0x00030000)
            + struct.pack("<I", len(_ansi(temp))) + _ansi(temp)
            + struct.pack("<I", len(data)) + data
            + (_unicode(temp) + _unicode(name) + _unicode(src) if unicode else b""))
    return struct.pack("<I", len(body)) + body


def comp_obj() -> bytes:
    def lp(s: str) -> bytes:
        raw = s.encode("ascii") + b"\0"
        return struct.pack("<I", len(raw)) + raw
    header = struct.pack("<IIi", 0xFFFE0001, 0x00000A03, -1) + PACKAGE_CLSID
    return (header + lp("OLE Package") + struct.pack("<I", 0) + lp("Package")
            + struct.pack("<I", 0x71B239F4) + struct.pack("<III", 0, 0, 0))


def package(data: bytes, name: str, unicode: bool = True) -> bytes:
    ole = struct.pack("<IIIII", 0x02000001, 0, 0, 0, 0)
    return write_cfb([Node("\x01Ole", ole), Node("\x01CompObj", comp_obj()), Node("\x01Ole10Native", ole10native(data, name, unicode))],
                     root_clsid=PACKAGE_CLSID)


def read_ole10native(raw: bytes) -> tuple[str, bytes]:
    """Parse an \\x01Ole10Native stream (for the checks): (label, data); the Unicode label wins when present."""
    size = struct.unpack_from("<I", raw)[0]
    if size + 4 > len(raw):
        raise SystemExit("Ole10Native: size runs past the stream")
    pos = 6
    def z():
        nonlocal pos
        end = raw.index(b"\0", pos)
        s = raw[pos:end]
        pos = end + 1
        return s
    label = z().decode("cp932")
    z()  # source path
    pos += 4
    temp_len = struct.unpack_from("<I", raw, pos)[0]
    pos += 4 + temp_len
    n = struct.unpack_from("<I", raw, pos)[0]
    pos += 4
    data = raw[pos:pos + n]
    pos += n
    if pos + 4 <= len(raw):  # Unicode temp path, label, source path
        strings = []
        for _ in range(3):
            count = struct.unpack_from("<I", raw, pos)[0]
            pos += 4
            strings.append(raw[pos:pos + 2 * count].decode("utf-16-le"))
            pos += 2 * count
        label = strings[1] or label
    return label, data


def check_package(raw: bytes, name: str, data: bytes, what: str) -> None:
    ole = olefile.OleFileIO(raw)
    streams = {"/".join(p) for p in ole.listdir()}
    for s in ("\x01Ole10Native", "\x01CompObj"):
        if s not in streams:
            raise SystemExit(f"{what}: no {s!r} stream (has {sorted(streams)})")
    label, payload = read_ole10native(ole.openstream("\x01Ole10Native").read())
    if label != name or payload != data:
        raise SystemExit(f"{what}: holds {label!r} ({len(payload)} bytes), meant {name!r} ({len(data)} bytes)")


def embed_in_docx(src: str, pkg: bytes, out: str) -> None:
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    embedded = [n for n in parts if n.startswith("word/embeddings/")]
    if len(embedded) != 1:
        raise SystemExit(f"{src}: expected one embedding, found {embedded}")
    old = embedded[0]
    del parts[old]
    parts["word/embeddings/oleObject1.bin"] = pkg
    rels = parts["word/_rels/document.xml.rels"].decode()
    rel = re.search(r'<Relationship Id="(rId\d+)" Type="[^"]+" Target="embeddings/' + re.escape(os.path.basename(old)) + '"/>', rels)
    if rel is None:
        raise SystemExit(f"{src}: no relationship for {old}")
    rels = rels.replace(rel.group(0), f'<Relationship Id="{rel.group(1)}" Type="{OLE_REL}" Target="embeddings/oleObject1.bin"/>')
    parts["word/_rels/document.xml.rels"] = rels.encode()
    doc = parts["word/document.xml"].decode()
    obj = re.search(r'<o:OLEObject Type="Embed" ProgID="[^"]+" ShapeID="([^"]+)" DrawAspect="Content"', doc)
    if obj is None:
        raise SystemExit(f"{src}: no embedded OLEObject in word/document.xml")
    doc = doc.replace(obj.group(0), f'<o:OLEObject Type="Embed" ProgID="Package" ShapeID="{obj.group(1)}" DrawAspect="Icon"')
    parts["word/document.xml"] = doc.encode()
    types = parts["[Content_Types].xml"].decode()
    if 'Extension="bin"' not in types:
        types = types.replace("<Default ", f'<Default Extension="bin" ContentType="{OLE_CT}"/><Default ', 1)
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            zi = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)


def check_docx(path: str, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise SystemExit(f"{path}: CRC error")
        bins = [n for n in z.namelist() if n.startswith("word/embeddings/") and n.endswith(".bin")]
        if len(bins) != 1:
            raise SystemExit(f"{path}: expected one OLE object in word/embeddings, found {bins}")
        check_package(z.read(bins[0]), name, data, f"{path} {bins[0]}")
        rels = z.read("word/_rels/document.xml.rels").decode()
        if OLE_REL not in rels:
            raise SystemExit(f"{path}: no oleObject relationship")


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] in ("package", "package-ansi"):
        with open(argv[3], "wb") as f:
            f.write(package(open(argv[1], "rb").read(), argv[2], unicode=argv[0] == "package"))
    elif len(argv) == 4 and argv[0] == "docx":
        embed_in_docx(argv[1], open(argv[2], "rb").read(), argv[3])
    elif len(argv) == 4 and argv[0] == "check":
        check_package(open(argv[1], "rb").read(), argv[2], open(argv[3], "rb").read(), argv[1])
    elif len(argv) == 4 and argv[0] == "check-docx":
        check_docx(argv[1], argv[2], open(argv[3], "rb").read())
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
