#!/usr/bin/env python3
"""Write a TNEF stream (winmail.dat, MIME type application/ms-tnef) the way Outlook does.

Nothing on Debian writes TNEF (the `tnef` package only reads it), so the corpus carries this small
writer. It follows [MS-OXTNEF] "Transport Neutral Encapsulation Format (TNEF) Data Algorithm":

    TNEF stream  = Signature (0x223E9F78, LE uint32)  LegacyKey (uint16)  Attribute*
    Attribute    = Level (uint8: 1 = message, 2 = attachment)
                   AttributeID (LE uint32: attribute type << 16 | attribute id)
                   Length (LE uint32)  Data (Length bytes)
                   Checksum (LE uint16: sum of the Data bytes modulo 65536)

The message-level attributes come first (attTnefVersion, attOemCodepage, attMessageClass, then the
MAPI property list attMsgProps holding the body), then each attachment as a run of attachment-level
attributes that starts with attAttachRendData and ends with attAttachment (its MAPI properties):

    attAttachRendData    how to render it (type 1 = a file, position -1)
    attAttachTitle       the file name in the OEM code page (CP932 here, NUL-terminated)
    attAttachModifyDate  a TNEF date (7 x uint16)
    attAttachData        the file's bytes
    attAttachment        MAPI properties, among them PR_ATTACH_LONG_FILENAME as PtypString (UTF-16LE),
                         which is where readers (tnef, MimeKit, Outlook) take the full Unicode name

MAPI property lists ([MS-OXTNEF] 2.1.3.4): uint32 count, then for each property its tag
(LE uint32: property id << 16 | property type) and value. Fixed-size values (PtypInteger32,
PtypTime) are written as they are; variable-size ones (PtypString, PtypString8, PtypBinary) are a
uint32 value count (1), a uint32 byte length and the bytes, padded with zeros to a multiple of 4.

Everything is deterministic: fixed legacy key and dates, so the same input gives the same bytes.

Usage:
    tnef_writer.py OUT.dat [--subject TEXT] [--body TEXT] [--attach PATH[=NAME]]...

The body, when given, is stored as PR_RTF_COMPRESSED in the uncompressed "MELA" form
([MS-OXRTFCP] 2.1.3.1.1), which is what an Outlook rich-text mail carries.
"""

from __future__ import annotations

import argparse
import datetime
import os
import struct
import sys

TNEF_SIGNATURE = 0x223E9F78
LEGACY_KEY = 0x4D49  # any uint16; Outlook writes a random one, we keep it fixed for determinism

LVL_MESSAGE = 0x01
LVL_ATTACHMENT = 0x02

# Attribute data types ([MS-OXTNEF] 2.1.3.1)
ATP_TRIPLES, ATP_STRING, ATP_TEXT, ATP_DATE, ATP_SHORT, ATP_LONG, ATP_BYTE, ATP_WORD, ATP_DWORD = (
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008)

# Attribute ids ([MS-OXTNEF] 2.1.3.1), with the type they are written with
ATT_TNEF_VERSION = (ATP_DWORD, 0x9006)
ATT_OEM_CODEPAGE = (ATP_BYTE, 0x9007)
ATT_MESSAGE_CLASS = (ATP_WORD, 0x8008)
ATT_SUBJECT = (ATP_STRING, 0x8004)
ATT_DATE_SENT = (ATP_DATE, 0x8005)
ATT_MSG_PROPS = (ATP_BYTE, 0x9003)
ATT_ATTACH_REND_DATA = (ATP_BYTE, 0x9002)
ATT_ATTACH_TITLE = (ATP_STRING, 0x8010)
ATT_ATTACH_MODIFY_DATE = (ATP_DATE, 0x8013)
ATT_ATTACH_DATA = (ATP_BYTE, 0x800F)
ATT_ATTACHMENT = (ATP_BYTE, 0x9005)

# MAPI property types ([MS-OXCDATA] 2.11.1)
PT_LONG = 0x0003
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_SYSTIME = 0x0040
PT_BINARY = 0x0102

# MAPI property ids ([MS-OXPROPS])
PR_SUBJECT = 0x0037
PR_RTF_COMPRESSED = 0x1009
PR_DISPLAY_NAME = 0x3001
PR_ATTACH_SIZE = 0x0E20
PR_ATTACH_EXTENSION = 0x3703
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_RENDERING_POSITION = 0x370B
PR_ATTACH_MIME_TAG = 0x370E
PR_LAST_MODIFICATION_TIME = 0x3008

ATTACH_BY_VALUE = 1
OEM_CODEPAGE = 932  # Japanese Windows
FIXED_DATE = (2026, 11, 27, 10, 30, 0)  # year, month, day, hour, minute, second (UTC)
# FILETIME of FIXED_DATE: 100 ns ticks since 1601-01-01 UTC
FIXED_FILETIME = int((datetime.datetime(*FIXED_DATE, tzinfo=datetime.timezone.utc)
                      - datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds()) * 10_000_000

MIME_TYPES = {
    ".pdf": "application/pdf", ".zip": "application/x-zip-compressed", ".7z": "application/octet-stream",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain", ".csv": "text/csv", ".png": "image/png",
}


def attribute(level: int, att: tuple[int, int], data: bytes) -> bytes:
    """One TNEF attribute: level, id (type << 16 | id), length, data, checksum."""
    atp_type, att_id = att
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, (atp_type << 16) | att_id, len(data)) + data + struct.pack("<H", checksum)


def tnef_date(y: int, mo: int, d: int, h: int, mi: int, s: int) -> bytes:
    """atpDate: year, month, day, hour, minute, second, day of week (0 = Sunday), each uint16."""
    dow = (datetime.date(y, mo, d).weekday() + 1) % 7
    return struct.pack("<7H", y, mo, d, h, mi, s, dow)


def _pad4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def mapi_value(ptype: int, value) -> bytes:
    """Encode one MAPI property value the TNEF way (see the module docstring)."""
    if ptype == PT_LONG:
        return struct.pack("<I", value & 0xFFFFFFFF)
    if ptype == PT_SYSTIME:
        return struct.pack("<Q", value)
    if ptype == PT_UNICODE:
        raw = value.encode("utf-16-le") + b"\0\0"
    elif ptype == PT_STRING8:
        raw = value.encode("cp932") + b"\0"
    elif ptype == PT_BINARY:
        raw = bytes(value)
    else:
        raise ValueError(f"unsupported MAPI type {ptype:#x}")
    return struct.pack("<II", 1, len(raw)) + _pad4(raw)


def mapi_props(props: list[tuple[int, int, object]]) -> bytes:
    """A MAPI property list: count, then (tag, value) for each (prop id, prop type, value)."""
    out = struct.pack("<I", len(props))
    for prop_id, ptype, value in props:
        out += struct.pack("<HH", ptype, prop_id) + mapi_value(ptype, value)
    return out


def rtf_uncompressed(rtf: bytes) -> bytes:
    """PR_RTF_COMPRESSED in the uncompressed form: COMPSIZE, RAWSIZE, 'MELA', CRC 0, then the RTF."""
    return struct.pack("<III", len(rtf) + 12, len(rtf), 0x414C454D) + struct.pack("<I", 0) + rtf


def rtf_for(text: str) -> bytes:
    """A minimal RTF document holding `text`, non-ASCII as \\uN? escapes (what Outlook emits)."""
    body = "".join(ch if ord(ch) < 128 and ch not in "\\{}" else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?"
                   for ch in text).replace("\n", "\\par\n")
    return ("{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil MS PGothic;}}\\f0\\fs20 " + body + "\\par\n}").encode("ascii")


def build(subject: str, body: str | None, attachments: list[tuple[str, bytes]]) -> bytes:
    out = struct.pack("<IH", TNEF_SIGNATURE, LEGACY_KEY)
    # Message attributes
    out += attribute(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += attribute(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", OEM_CODEPAGE, 0))
    out += attribute(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    out += attribute(LVL_MESSAGE, ATT_SUBJECT, subject.encode("cp932") + b"\0")
    out += attribute(LVL_MESSAGE, ATT_DATE_SENT, tnef_date(*FIXED_DATE))
    msg_props: list[tuple[int, int, object]] = [(PR_SUBJECT, PT_UNICODE, subject)]
    if body is not None:
        msg_props.append((PR_RTF_COMPRESSED, PT_BINARY, rtf_uncompressed(rtf_for(body))))
    out += attribute(LVL_MESSAGE, ATT_MSG_PROPS, mapi_props(msg_props))
    # Attachments
    for name, data in attachments:
        ext = os.path.splitext(name)[1].lower()
        out += attribute(LVL_ATTACHMENT, ATT_ATTACH_REND_DATA,
                         struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0xFFFF, 0xFFFF, 0))  # file, no position
        out += attribute(LVL_ATTACHMENT, ATT_ATTACH_TITLE, name.encode("cp932") + b"\0")
        out += attribute(LVL_ATTACHMENT, ATT_ATTACH_MODIFY_DATE, tnef_date(*FIXED_DATE))
        out += attribute(LVL_ATTACHMENT, ATT_ATTACH_DATA, data)
        out += attribute(LVL_ATTACHMENT, ATT_ATTACHMENT, mapi_props([
            (PR_ATTACH_SIZE, PT_LONG, len(data)),
            (PR_ATTACH_METHOD, PT_LONG, ATTACH_BY_VALUE),
            (PR_RENDERING_POSITION, PT_LONG, 0xFFFFFFFF),
            (PR_DISPLAY_NAME, PT_UNICODE, name),
            (PR_ATTACH_FILENAME, PT_UNICODE, name),
            (PR_ATTACH_LONG_FILENAME, PT_UNICODE, name),
            (PR_ATTACH_EXTENSION, PT_UNICODE, ext),
            (PR_ATTACH_MIME_TAG, PT_UNICODE, MIME_TYPES.get(ext, "application/octet-stream")),
            (PR_LAST_MODIFICATION_TIME, PT_SYSTIME, FIXED_FILETIME),
        ]))
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("out")
    ap.add_argument("--subject", default="")
    ap.add_argument("--body")
    ap.add_argument("--attach", action="append", default=[], metavar="PATH[=NAME]",
                    help="file to attach; NAME is the name stored in the TNEF (default: the file's name)")
    a = ap.parse_args(argv)
    atts = []
    for spec in a.attach:
        path, _, name = spec.partition("=")
        with open(path, "rb") as f:
            atts.append((name or os.path.basename(path), f.read()))
    with open(a.out, "wb") as f:
        f.write(build(a.subject, a.body, atts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
