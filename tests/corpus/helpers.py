#!/usr/bin/env python3
"""Small generators and checkers used by make-corpus.sh (run with Debian's /usr/bin/python3).

Generators write files that no installed tool writes by itself (a minimal PDF, minimal OOXML
packages, pictures, deterministic random bytes). Checkers print facts about generated files so the
shell script can compare them with what it meant to build; they never write expectations.

Subcommands:
  pdf OUT [--title T] [--lines L ...]        one-page PDF, classic xref table, Helvetica text
  pdf-incremental IN OUT                     IN plus one incremental update (new /Info, xref /Prev)
  pdf-pubsec OUT                             PDF whose /Encrypt uses the Adobe.PubSec handler
                                             (certificate encryption; synthetic recipients)
  ooxml OUT docx|xlsx|pptx                   minimal valid Office Open XML package
  check-ooxml FILE                           every part parses, content types and rels resolve
  image OUT png|jpeg|gif [W H]               a small picture (Pillow)
  check-image FILE FORMAT                    Pillow opens and verifies it, prints the format
  random OUT SIZE SEED                       deterministic pseudo-random bytes without a known magic
  zipls FILE [--cp932]                       one line per entry: method/encryption, flag, name
  pe-check FILE                              MZ header and PE\\0\\0 signature where e_lfanew points
  nfd-files DIR NAME...                      create small files whose names are in Unicode NFD
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import sys
import unicodedata
import zipfile
from xml.dom import minidom

FIXED_ZIP_TIME = (2026, 11, 27, 10, 30, 0)


# ---------------------------------------------------------------------------------------------- PDF

def _pdf_string(s: str) -> str:
    return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF 1.4 with a classic cross-reference table. Text is ASCII in Helvetica."""
    content = "BT /F1 14 Tf 72 770 Td 18 TL\n" + "".join(f"{_pdf_string(l)} '\n" for l in [title] + lines) + "ET\n"
    content_b = content.encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content_b)).encode() + b" >>\nstream\n" + content_b + b"endstream",
        ("<< /Title " + _pdf_string(title) + " /Producer (Miraie SafeMail test corpus)"
         " /CreationDate (D:20261127103000Z) /ModDate (D:20261127103000Z) >>").encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    doc_id = hashlib.md5(bytes(out)).hexdigest()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info 6 0 R /ID [<{doc_id}> <{doc_id}>] >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)


def pdf_incremental(src: bytes) -> bytes:
    """Append an incremental update replacing the /Info object (6 0 obj) - a /Prev chain to follow."""
    start = src.rindex(b"startxref")
    prev = int(src[start:].split()[1])
    trailer = src[src.rindex(b"trailer"):start]
    doc_id = trailer[trailer.index(b"/ID"):trailer.index(b"]", trailer.index(b"/ID")) + 1].decode()
    out = bytearray(src)
    off = len(out)
    out += (b"6 0 obj\n<< /Title (Quotation rev.2) /Producer (Miraie SafeMail test corpus)"
            b" /ModDate (D:20261128090000Z) >>\nendobj\n")
    xref_at = len(out)
    out += f"xref\n6 1\n{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R /Prev {prev} {doc_id} >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)


def pdf_pubsec() -> bytes:
    """A PDF encrypted (in form) with the public-key handler Adobe.PubSec. The recipient blob is
    synthetic (random bytes in an ASN.1 SEQUENCE), the page stream is random bytes: nobody can open
    it, and an inspector cannot tell without a certificate whether opening needs one - the corpus
    expects 'unknown' (unsupported)."""
    rnd = random.Random(20261127)
    blob = bytes([0x30, 0x82, 0x01, 0x00]) + rnd.randbytes(256)
    stream = rnd.randbytes(96)
    doc_id = hashlib.md5(b"pubsec").hexdigest()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        (b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 /Length 128"
         b" /CF << /DefaultCryptFilter << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 /Recipients [<"
         + blob.hex().encode() + b">] >> >> /StmF /DefaultCryptFilter /StrF /DefaultCryptFilter >>"),
    ]
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<{doc_id}> <{doc_id}>] >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)


# -------------------------------------------------------------------------------------------- OOXML

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _types(overrides: dict[str, str]) -> str:
    return (XML_DECL + f'<Types xmlns="{CT_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
            + "</Types>")


def _rels(rels: list[tuple[str, str, str]]) -> str:
    return (XML_DECL + f'<Relationships xmlns="{REL_NS}">'
            + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{tg}"/>' for i, t, tg in rels)
            + "</Relationships>")


def _core(title: str) -> str:
    return (XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{title}</dc:title><dc:creator>田中 太郎</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-27T10:30:00Z</dcterms:created>'
            '</cp:coreProperties>')


CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
DOC_REL = R_OFFICE + "/officeDocument"

THEME = ('<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements>'
         '<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
         '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2>'
         '<a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1>'
         '<a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3>'
         '<a:accent4><a:srgbClr val="FFC000"/></a:accent4><a:accent5><a:srgbClr val="5B9BD5"/></a:accent5>'
         '<a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink>'
         '<a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme>'
         '<a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/>'
         '<a:font script="Jpan" typeface="游ゴシック Light"/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/>'
         '<a:ea typeface=""/><a:cs typeface=""/><a:font script="Jpan" typeface="游ゴシック"/></a:minorFont></a:fontScheme>'
         '<a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
         '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
         '</a:fillStyleLst><a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
         '<a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
         '<a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>'
         '<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>'
         '<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst>'
         '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
         '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme>'
         '</a:themeElements></a:theme>')


def ooxml_parts(kind: str) -> dict[str, str]:
    """The parts of a minimal package that Word / Excel / PowerPoint (and LibreOffice) open."""
    title = "御見積書"
    if kind == "docx":
        main = "/word/document.xml"
        return {
            "[Content_Types].xml": _types({main: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                           "/docProps/core.xml": CORE_CT}),
            "_rels/.rels": _rels([("rId1", DOC_REL, "word/document.xml"), ("rId2", CORE_REL, "docProps/core.xml")]),
            "docProps/core.xml": _core(title),
            "word/document.xml": (XML_DECL + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                  '<w:body><w:p><w:r><w:t>御見積書</w:t></w:r></w:p>'
                                  '<w:p><w:r><w:t>株式会社取引先 御中　見積金額 1,234,000円（税込）</w:t></w:r></w:p>'
                                  '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'),
        }
    if kind == "xlsx":
        return {
            "[Content_Types].xml": _types({
                "/xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                "/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                "/docProps/core.xml": CORE_CT}),
            "_rels/.rels": _rels([("rId1", DOC_REL, "xl/workbook.xml"), ("rId2", CORE_REL, "docProps/core.xml")]),
            "docProps/core.xml": _core("顧客一覧"),
            "xl/workbook.xml": (XML_DECL + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                                f' xmlns:r="{R_OFFICE}"><sheets><sheet name="顧客" sheetId="1" r:id="rId1"/></sheets></workbook>'),
            "xl/_rels/workbook.xml.rels": _rels([("rId1", R_OFFICE + "/worksheet", "worksheets/sheet1.xml")]),
            "xl/worksheets/sheet1.xml": (XML_DECL + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         '<sheetData>'
                                         '<row r="1"><c r="A1" t="inlineStr"><is><t>顧客名</t></is></c><c r="B1" t="inlineStr"><is><t>電話番号</t></is></c></row>'
                                         '<row r="2"><c r="A2" t="inlineStr"><is><t>山田 花子</t></is></c><c r="B2" t="inlineStr"><is><t>03-0000-0000</t></is></c></row>'
                                         '<row r="3"><c r="A3" t="inlineStr"><is><t>佐藤 一郎</t></is></c><c r="B3"><v>1234000</v></c></row>'
                                         '</sheetData></worksheet>'),
        }
    if kind == "pptx":
        p = "http://schemas.openxmlformats.org/presentationml/2006/main"
        a = "http://schemas.openxmlformats.org/drawingml/2006/main"
        ns = f'xmlns:a="{a}" xmlns:r="{R_OFFICE}" xmlns:p="{p}"'
        tree = ('<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
                '<p:grpSpPr/>{shapes}</p:spTree></p:cSld>')
        textbox = ('<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
                   '<p:spPr><a:xfrm><a:off x="838200" y="365125"/><a:ext cx="10515600" cy="1325563"/></a:xfrm>'
                   '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/>'
                   '<a:p><a:r><a:rPr lang="ja-JP"/><a:t>2026年度 事業計画（社外秘）</a:t></a:r></a:p></p:txBody></p:sp>')
        return {
            "[Content_Types].xml": _types({
                "/ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
                "/ppt/slideMasters/slideMaster1.xml": "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml",
                "/ppt/slideLayouts/slideLayout1.xml": "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml",
                "/ppt/slides/slide1.xml": "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
                "/ppt/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
                "/docProps/core.xml": CORE_CT}),
            "_rels/.rels": _rels([("rId1", DOC_REL, "ppt/presentation.xml"), ("rId2", CORE_REL, "docProps/core.xml")]),
            "docProps/core.xml": _core("事業計画"),
            "ppt/presentation.xml": (XML_DECL + f'<p:presentation {ns}>'
                                     '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
                                     '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>'
                                     '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>'
                                     '</p:presentation>'),
            "ppt/_rels/presentation.xml.rels": _rels([
                ("rId1", R_OFFICE + "/slideMaster", "slideMasters/slideMaster1.xml"),
                ("rId2", R_OFFICE + "/slide", "slides/slide1.xml"),
                ("rId3", R_OFFICE + "/theme", "theme/theme1.xml")]),
            "ppt/slideMasters/slideMaster1.xml": (XML_DECL + f'<p:sldMaster {ns}>' + tree.format(shapes="")
                                                  + '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1"'
                                                  ' accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5"'
                                                  ' accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
                                                  '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>'
                                                  '</p:sldMaster>'),
            "ppt/slideMasters/_rels/slideMaster1.xml.rels": _rels([
                ("rId1", R_OFFICE + "/slideLayout", "../slideLayouts/slideLayout1.xml"),
                ("rId2", R_OFFICE + "/theme", "../theme/theme1.xml")]),
            "ppt/slideLayouts/slideLayout1.xml": (XML_DECL + f'<p:sldLayout {ns} type="blank">' + tree.format(shapes="")
                                                  + '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>'),
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels": _rels([
                ("rId1", R_OFFICE + "/slideMaster", "../slideMasters/slideMaster1.xml")]),
            "ppt/slides/slide1.xml": (XML_DECL + f'<p:sld {ns}>' + tree.format(shapes=textbox)
                                      + '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>'),
            "ppt/slides/_rels/slide1.xml.rels": _rels([
                ("rId1", R_OFFICE + "/slideLayout", "../slideLayouts/slideLayout1.xml")]),
            "ppt/theme/theme1.xml": XML_DECL + THEME,
        }
    raise SystemExit(f"unknown OOXML kind {kind}")


THUMB_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def write_ooxml(out: str, kind: str) -> None:
    parts = {n: t.encode("utf-8") for n, t in ooxml_parts(kind).items()}
    if kind == "pptx":
        # PowerPoint saves a JPEG thumbnail; it also makes this package larger than 4096 bytes, so that once
        # encrypted its EncryptedPackage stream lives in regular CFB sectors (the docx/xlsx ones use the mini stream).
        buf = io.BytesIO()
        make_image(buf, "jpeg", 256, 192)
        parts["docProps/thumbnail.jpeg"] = buf.getvalue()
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b'<Default Extension="xml"', b'<Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="xml"')
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(
            b"</Relationships>", f'<Relationship Id="rId3" Type="{THUMB_REL}" Target="docProps/thumbnail.jpeg"/></Relationships>'.encode())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            zi = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_STORED if name.endswith(".jpeg") else zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)


def check_ooxml(path: str) -> None:
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise SystemExit(f"{path}: CRC error")
        names = set(z.namelist())
        if "[Content_Types].xml" not in names:
            raise SystemExit(f"{path}: no [Content_Types].xml")
        ct = minidom.parseString(z.read("[Content_Types].xml"))
        overrides = {o.getAttribute("PartName").lstrip("/") for o in ct.getElementsByTagName("Override")}
        defaults = {d.getAttribute("Extension") for d in ct.getElementsByTagName("Default")}
        for n in names:
            if n.endswith(".xml") or n.endswith(".rels"):
                minidom.parseString(z.read(n))  # raises on malformed XML
            if n != "[Content_Types].xml" and n not in overrides and n.rsplit(".", 1)[-1] not in defaults:
                raise SystemExit(f"{path}: {n} has no content type")
        for o in overrides:
            if o not in names:
                raise SystemExit(f"{path}: override for missing part {o}")
        for n in names:
            if not n.endswith(".rels"):
                continue
            base = os.path.dirname(os.path.dirname(n))
            for r in minidom.parseString(z.read(n)).getElementsByTagName("Relationship"):
                target = os.path.normpath(os.path.join(base, r.getAttribute("Target"))).lstrip("/")
                if target not in names:
                    raise SystemExit(f"{path}: {n} points at missing {target}")
    print(f"{path}: OOXML ok ({len(names)} parts)")


# ------------------------------------------------------------------------------------------- images

def make_image(out, fmt: str, w: int, h: int) -> None:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    for x in range(w):
        d.line([(x, 0), (x, h // 2)], fill=(x * 255 // max(w - 1, 1), 80, 160))
    d.rectangle([w // 8, h * 5 // 8, w * 7 // 8, h * 7 // 8], fill=(200, 30, 30))
    if fmt == "png":
        img.save(out, "PNG", optimize=False)
    elif fmt == "jpeg":
        img.save(out, "JPEG", quality=80)
    elif fmt == "gif":
        img.convert("P").save(out, "GIF")
    else:
        raise SystemExit(f"unknown image format {fmt}")


def check_image(path: str, fmt: str) -> None:
    from PIL import Image
    with Image.open(path) as im:
        im.verify()
        if im.format != fmt.upper():
            raise SystemExit(f"{path}: is {im.format}, wanted {fmt}")
    print(f"{path}: {fmt} ok")


# --------------------------------------------------------------------------------------------- misc

MAGICS = [b"%PDF", b"PK", b"7z\xbc\xaf", b"Rar!", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"MZ", b"\x7fELF", b"#!",
          b"\x78\x9f\x3e\x22", b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
          b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"BZh", b"\xfd7zXZ"]


def make_random(out: str, size: int, seed: int) -> None:
    rnd = random.Random(seed)
    data = bytearray(rnd.randbytes(size))
    # Never start with a known magic number, and have plenty of non-text bytes (no accidental 'text').
    while any(data.startswith(m) for m in MAGICS) or data[0] < 0x80:
        data[0] = rnd.randrange(0x80, 0x100)
    with open(out, "wb") as f:
        f.write(data)


def zipls(path: str, cp932: bool) -> None:
    """Print each entry: encryption (dir/plain/ZipCrypto/AES-128/AES-256), utf8 flag, decoded name."""
    with zipfile.ZipFile(path) as z:
        for zi in z.infolist():
            utf8 = bool(zi.flag_bits & 0x800)
            raw = zi.filename.encode("utf-8" if utf8 else "cp437")
            name = raw.decode("utf-8") if utf8 else raw.decode("cp932" if cp932 else "utf-8")
            if name.endswith("/"):
                enc = "dir"
            elif not zi.flag_bits & 1:
                enc = "plain"
            elif zi.compress_type == 99:
                ex, strength = zi.extra, None
                while len(ex) >= 4:
                    hid, ln = struct.unpack("<HH", ex[:4])
                    if hid == 0x9901:
                        strength = {1: "AES-128", 2: "AES-192", 3: "AES-256"}[ex[8]]
                    ex = ex[4 + ln:]
                enc = strength or "AES-?"
            else:
                enc = "ZipCrypto"
            print(f"{enc}\t{'utf8' if utf8 else 'noflag'}\t{name}")


def pe_check(path: str) -> None:
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"MZ":
        raise SystemExit(f"{path}: no MZ header")
    e_lfanew = struct.unpack_from("<I", data, 0x3C)[0]
    if data[e_lfanew:e_lfanew + 4] != b"PE\0\0":
        raise SystemExit(f"{path}: no PE signature at {e_lfanew:#x}")
    machine = struct.unpack_from("<H", data, e_lfanew + 4)[0]
    print(f"{path}: PE ok, machine {machine:#06x}")


def nfd_files(d: str, names: list[str]) -> None:
    for n in names:
        p = os.path.join(d, unicodedata.normalize("NFD", n))
        os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(n + "\n")


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    cmd, args = argv[0], argv[1:]
    if cmd == "pdf":
        out, title, lines = args[0], "Quotation", []
        rest = args[1:]
        while rest:
            if rest[0] == "--title":
                title, rest = rest[1], rest[2:]
            elif rest[0] == "--lines":
                lines, rest = rest[1:], []
            else:
                raise SystemExit(f"pdf: unknown option {rest[0]}")
        open(out, "wb").write(make_pdf(title, lines))
    elif cmd == "pdf-incremental":
        open(args[1], "wb").write(pdf_incremental(open(args[0], "rb").read()))
    elif cmd == "pdf-pubsec":
        open(args[0], "wb").write(pdf_pubsec())
    elif cmd == "ooxml":
        write_ooxml(args[0], args[1])
    elif cmd == "check-ooxml":
        check_ooxml(args[0])
    elif cmd == "image":
        w, h = (int(args[2]), int(args[3])) if len(args) > 3 else (64, 48)
        make_image(args[0], args[1], w, h)
    elif cmd == "check-image":
        check_image(args[0], args[1])
    elif cmd == "random":
        make_random(args[0], int(args[1]), int(args[2]))
    elif cmd == "zipls":
        zipls(args[0], "--cp932" in args[1:])
    elif cmd == "pe-check":
        pe_check(args[0])
    elif cmd == "nfd-files":
        nfd_files(args[0], args[1:])
    else:
        raise SystemExit(f"unknown subcommand {cmd}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
