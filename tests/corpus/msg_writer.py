#!/usr/bin/python3
"""Write an Outlook item file (.msg, [MS-OXMSG]) the way Outlook's "Save As" or drag-and-drop does.

Nothing on Debian writes .msg: msgconvert (libemail-outlook-message-perl) and olefile only read it. So the corpus
carries this small writer, and every file it makes is read back by msgconvert (an independent reader built on
OLE::Storage_Lite) and compared with what was meant.

A .msg is a compound file (CFB, written by ooxml_encrypt.write_cfb) whose root storage has the class id of a
message {00020D0B-0000-0000-C000-000000000046} and holds:

    __properties_version1.0          fixed-size properties; a 32-byte header at the top level (next recipient and
                                     attachment ids, their counts), 24 bytes in an embedded message, 8 in a
                                     recipient or an attachment; then 16 bytes a property: tag, flags, value (or,
                                     for variable-size ones, their size)                 - [MS-OXMSG] 2.4
    __substg1.0_PPPPTTTT             one stream a variable-size property: id PPPP, type TTTT (001F UTF-16LE
                                     string, 001E 8-bit string in the message code page, 0102 binary)
    __nameid_version1.0/             the named-property mapping (empty here: no named properties are used)
    __recip_version1.0_#XXXXXXXX/    one storage a recipient
    __attach_version1.0_#XXXXXXXX/   one storage an attachment:
        PR_ATTACH_METHOD 0x3705      1 = by value: the bytes are PR_ATTACH_DATA_BIN (__substg1.0_37010102);
                                     5 = an embedded message: a storage __substg1.0_3701000D laid out like a message
        PR_ATTACH_LONG_FILENAME 0x3707, PR_ATTACH_FILENAME 0x3704, PR_DISPLAY_NAME 0x3001, PR_ATTACH_EXTENSION
        0x3703, PR_ATTACH_MIME_TAG 0x370E, PR_ATTACH_CONTENT_ID 0x3712 and PR_ATTACHMENT_HIDDEN 0x7FFE (inline images)

Message properties written: PR_MESSAGE_CLASS "IPM.Note", PR_SUBJECT, PR_BODY, PR_HTML (--html) or the HTML wrapped in
PR_RTF_COMPRESSED only (--rtf-html, uncompressed "MELA" form, as tnef_writer.py writes it), PR_SENDER_*,
PR_DISPLAY_TO, PR_CLIENT_SUBMIT_TIME, PR_MESSAGE_FLAGS, PR_HASATTACH, PR_STORE_SUPPORT_MASK (STORE_UNICODE_OK
unless --ansi), PR_MESSAGE_CODEPAGE. With --ansi every string is PtypString8 (001E) in CP932, which is what
Outlook writes when it saves as "Outlook Message Format" (not "- Unicode") on Japanese Windows.

Deterministic: fixed dates, no random ids, so the same input gives the same bytes.

Usage:
    msg_writer.py OUT.msg [--subject S] [--body TEXT] [--html HTML] [--rtf-html HTML] [--ansi]
                  [--attach PATH[=NAME]]... [--inline PATH=NAME=CONTENT-ID]... [--attach-msg IN.msg[=NAME]]...
                  [--attach-ole OBJECT.bin[=NAME]]...
    msg_writer.py check IN.msg EXPECTED.json     read IN.msg with msgconvert and compare (see check())

msgconvert needs libemail-address-perl, which its package only recommends: install both.

--attach-msg embeds a .msg this script wrote before (an attachment of method 5), its whole tree copied into the
__substg1.0_3701000D storage with the header shortened to 24 bytes, as Outlook does for a forwarded item.
--attach-ole copies a compound file (an OLE Package from ole_package.py) into that storage as an attachment of
method 6 (ATTACH_OLE): a file inserted into a rich-text mail.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

import olefile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ooxml_encrypt import Node, write_cfb  # noqa: E402
from tnef_writer import rtf_uncompressed  # noqa: E402

MESSAGE_CLSID = bytes.fromhex("0b0d0200" "0000" "0000" "c000000000000046")  # {00020D0B-0000-0000-C000-000000000046}
PT_LONG, PT_BOOLEAN, PT_SYSTIME, PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x000B, 0x0040, 0x001E, 0x001F, 0x0102, 0x000D
FLAGS = 0x06  # PROPATTR_READABLE | PROPATTR_WRITABLE
SENT = 134_089_380_000_000_000  # 2025-12-01 00:00 UTC as a FILETIME (fixed: the output is deterministic)
STORE_UNICODE_OK = 0x00040000
MIME_TYPES = {".pdf": "application/pdf", ".zip": "application/zip", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ".png": "image/png", ".exe": "application/x-msdownload", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class Props:
    """One property set (message, recipient or attachment): fixed values go to the properties stream,
    variable ones to __substg1.0_ streams."""

    def __init__(self, ansi: bool):
        self.ansi = ansi
        self.fixed: list[tuple[int, int, bytes]] = []
        self.variable: list[tuple[int, int, bytes]] = []

    def string(self, pid: int, value: str):
        if self.ansi:
            self.variable.append((pid, PT_STRING8, value.encode("cp932") + b"\0"))
        else:
            self.variable.append((pid, PT_UNICODE, value.encode("utf-16-le") + b"\0\0"))

    def binary(self, pid: int, value: bytes):
        self.variable.append((pid, PT_BINARY, value))

    def long(self, pid: int, value: int):
        self.fixed.append((pid, PT_LONG, struct.pack("<I", value & 0xFFFFFFFF).ljust(8, b"\0")))

    def boolean(self, pid: int, value: bool):
        self.fixed.append((pid, PT_BOOLEAN, struct.pack("<H", int(value)).ljust(8, b"\0")))

    def time(self, pid: int, filetime: int):
        self.fixed.append((pid, PT_SYSTIME, struct.pack("<Q", filetime)))

    def nodes(self, header: bytes, objects: list[tuple[int, Node]] = ()) -> list[Node]:
        entries = b""
        for pid, ptype, value in self.fixed:
            entries += struct.pack("<II", (pid << 16) | ptype, FLAGS) + value
        streams = []
        for pid, ptype, value in self.variable:
            # Strings count their terminator in the size (what Outlook writes); the stream itself does not hold it.
            stored = value[:-2] if ptype == PT_UNICODE else value[:-1] if ptype == PT_STRING8 else value
            entries += struct.pack("<IIII", (pid << 16) | ptype, FLAGS, len(value), 0)
            streams.append(Node(f"__substg1.0_{pid:04X}{ptype:04X}", stored))
        for pid, node in objects:
            entries += struct.pack("<IIII", (pid << 16) | PT_OBJECT, FLAGS, 0xFFFFFFFF, 0)
            streams.append(node)
        return [Node("__properties_version1.0", header + entries)] + streams


def html_in_rtf(html: str) -> bytes:
    """The RTF Outlook keeps for an HTML body (\\fromhtml1, each piece of HTML in an \\htmltag group), as
    PR_RTF_COMPRESSED in the uncompressed MELA form (tnef_writer.rtf_uncompressed)."""
    escaped = "".join(c if c.isascii() else f"\\u{ord(c) - 65536 if ord(c) > 32767 else ord(c)}?"
                      for c in html.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}"))
    rtf = ("{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}"
           "{\\*\\htmltag64 " + escaped + "}}")
    return rtf_uncompressed(rtf.encode("ascii"))


def message_props(subject: str, body: str, html: str | None, ansi: bool, attachments: int, rtf_html: str | None = None) -> Props:
    p = Props(ansi)
    p.string(0x001A, "IPM.Note")
    p.string(0x0037, subject)
    p.string(0x0E1D, subject)              # PR_NORMALIZED_SUBJECT
    p.string(0x1000, body)
    if html is not None:
        p.binary(0x1013, html.encode("utf-8"))  # PR_HTML, PtypBinary in the body's charset
        p.long(0x3FDE, 65001)                   # PR_INTERNET_CPID: UTF-8
    if rtf_html is not None:
        p.binary(0x1009, html_in_rtf(rtf_html))  # PR_RTF_COMPRESSED only: older Outlook items have no PR_HTML
    p.string(0x0C1A, "田中 太郎")           # PR_SENDER_NAME
    p.string(0x0C1E, "SMTP")
    p.string(0x0C1F, "tanaka@example.co.jp")
    p.string(0x0042, "田中 太郎")           # PR_SENT_REPRESENTING_NAME
    p.string(0x0E04, "購買部 ご担当者様")   # PR_DISPLAY_TO
    p.string(0x1035, "<msg-corpus-" + hashlib.sha256(subject.encode()).hexdigest()[:16] + "@example.co.jp>")
    p.time(0x0039, SENT)                    # PR_CLIENT_SUBMIT_TIME
    p.time(0x0E06, SENT)                    # PR_MESSAGE_DELIVERY_TIME
    p.long(0x0E07, 0x01 | (0x10 if attachments else 0))  # MSGFLAG_READ | MSGFLAG_HASATTACH
    p.boolean(0x0E1B, attachments > 0)      # PR_HASATTACH
    p.long(0x340D, 0 if ansi else STORE_UNICODE_OK)
    p.long(0x3FFD, 932)                     # PR_MESSAGE_CODEPAGE
    return p


def recipient(ansi: bool) -> list[Node]:
    p = Props(ansi)
    p.string(0x3001, "購買部 ご担当者様")
    p.string(0x3002, "SMTP")
    p.string(0x3003, "buyer@customer.example.com")
    p.string(0x39FE, "buyer@customer.example.com")
    p.long(0x0C15, 1)                       # MAPI_TO
    p.long(0x3000, 0)                       # PR_ROWID
    return p.nodes(b"\0" * 8)


def by_value(index: int, data: bytes, name: str, ansi: bool, content_id: str | None = None) -> list[Node]:
    p = Props(ansi)
    ext = os.path.splitext(name)[1]
    p.long(0x3705, 1)                       # PR_ATTACH_METHOD: ATTACH_BY_VALUE
    p.long(0x0E21, index)                   # PR_ATTACH_NUM
    p.long(0x0E20, len(data))               # PR_ATTACH_SIZE
    p.long(0x370B, 0xFFFFFFFF)              # PR_RENDERING_POSITION: not in the body
    p.string(0x3707, name)
    p.string(0x3704, short_name(name))
    p.string(0x3001, name)
    p.string(0x3703, ext)
    p.string(0x370E, MIME_TYPES.get(ext.lower(), "application/octet-stream"))
    if content_id:
        p.string(0x3712, content_id)
        p.boolean(0x7FFE, True)             # PR_ATTACHMENT_HIDDEN
        p.long(0x3714, 0x4)                 # PR_ATTACH_FLAGS: ATT_MHTML_REF
    p.binary(0x3701, data)
    return p.nodes(b"\0" * 8)


def embedded(index: int, inner: str, name: str, ansi: bool) -> list[Node]:
    p = Props(ansi)
    p.long(0x3705, 5)                       # PR_ATTACH_METHOD: ATTACH_EMBEDDED_MSG
    p.long(0x0E21, index)
    p.long(0x370B, 0xFFFFFFFF)
    p.string(0x3001, name)
    p.string(0x370E, "message/rfc822")
    return p.nodes(b"\0" * 8, [(0x3701, Node("__substg1.0_3701000D", children=copy_as_embedded(inner)))])


def ole_object(index: int, package: str, name: str, ansi: bool) -> list[Node]:
    """An OLE object attachment (PR_ATTACH_METHOD 6, ATTACH_OLE): what Outlook keeps for a file inserted into a
    rich-text (RTF) mail - the object's compound file (here an OLE Package) copied into __substg1.0_3701000D."""
    p = Props(ansi)
    p.long(0x3705, 6)
    p.long(0x0E21, index)
    p.long(0x370B, 0)                       # shown in the RTF body at its start
    p.string(0x3001, name)
    p.string(0x3707, name)
    return p.nodes(b"\0" * 8, [(0x3701, Node("__substg1.0_3701000D", children=copy_tree(package, top_level_msg=False)))])


def copy_as_embedded(path: str) -> list[Node]:
    """The tree of a top-level .msg, minus __nameid_version1.0, with a 24-byte properties header."""
    return copy_tree(path, top_level_msg=True)


def copy_tree(path: str, top_level_msg: bool) -> list[Node]:
    ole = olefile.OleFileIO(path)
    def build(prefix: list[str]) -> list[Node]:
        out = []
        for entry in ole.direntries[ole._find(prefix) if prefix else 0].kids:
            if top_level_msg and not prefix and entry.name == "__nameid_version1.0":
                continue
            if entry.entry_type == olefile.STGTY_STORAGE:
                out.append(Node(entry.name, children=build(prefix + [entry.name])))
            else:
                data = ole.openstream(prefix + [entry.name]).read()
                if top_level_msg and not prefix and entry.name == "__properties_version1.0":
                    data = data[:24] + data[32:]
                out.append(Node(entry.name, data))
        return out
    return build([])


def short_name(name: str) -> str:
    stem, ext = os.path.splitext(name)
    ascii_stem = "".join(c for c in stem.upper() if c.isascii() and c.isalnum())[:6] or "ATTACH"
    return f"{ascii_stem}~1{ext.upper()[:4]}"


def write(out: str, subject: str, body: str, html: str | None, ansi: bool,
          attachments: list[tuple[str, str, str | None]], messages: list[tuple[str, str]], rtf_html: str | None = None,
          objects: list[tuple[str, str]] = ()) -> None:
    count = len(attachments) + len(messages) + len(objects)
    props = message_props(subject, body, html, ansi, count, rtf_html)
    header = b"\0" * 8 + struct.pack("<IIII", 1, count, 1, count) + b"\0" * 8
    children = props.nodes(header)
    children.append(Node("__nameid_version1.0", children=[
        Node("__substg1.0_00020102", b""), Node("__substg1.0_00030102", b""), Node("__substg1.0_00040102", b"")]))
    children.append(Node("__recip_version1.0_#00000000", children=recipient(ansi)))
    index = 0
    for path, name, cid in attachments:
        children.append(Node(f"__attach_version1.0_#{index:08X}", children=by_value(index, open(path, "rb").read(), name, ansi, cid)))
        index += 1
    for path, name in messages:
        children.append(Node(f"__attach_version1.0_#{index:08X}", children=embedded(index, path, name, ansi)))
        index += 1
    for path, name in objects:
        children.append(Node(f"__attach_version1.0_#{index:08X}", children=ole_object(index, path, name, ansi)))
        index += 1
    with open(out, "wb") as f:
        f.write(write_cfb(children, root_clsid=MESSAGE_CLSID))


def check(path: str, expected_path: str) -> None:
    """msgconvert turns the .msg into MIME; its attachments (name, SHA-256 of the bytes, or a nested message with its
    own attachments) and subject must be exactly what EXPECTED.json lists:
        {"subject": "...", "attachments": [{"name": "...", "sha256": "..."} | {"message": {...same...}}], "ansi": false}"""
    expected = json.load(open(expected_path, encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        eml = os.path.join(tmp, "out.eml")
        run = subprocess.run(["msgconvert", "--outfile", eml, path], capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f"{path}: msgconvert failed: {run.stderr}")
        noise = [l for l in run.stderr.splitlines() if l.strip() and "Unknown" in l]
        if noise:
            raise SystemExit(f"{path}: msgconvert did not recognise parts: {noise}")
        msg = email.message_from_binary_file(open(eml, "rb"), policy=email.policy.default)
    got = describe(msg, ansi=expected.pop("ansi", False))
    if got != expected:
        raise SystemExit(f"{path}: msgconvert reads\n{json.dumps(got, ensure_ascii=False)}\nmeant\n{json.dumps(expected, ensure_ascii=False)}")


def _text(s: str, ansi: bool) -> str:
    """msgconvert passes 8-bit (PtypString8) strings through undecoded: raw bytes in headers, Latin-1 characters
    in RFC 2231 parameters. Undo that to compare CP932 text."""
    if not ansi:
        return s
    try:
        raw = s.encode("latin-1")
    except UnicodeEncodeError:
        raw = s.encode("ascii", "surrogateescape")
    return raw.decode("cp932")


def describe(msg, ansi: bool) -> dict:
    subject = dict(msg.raw_items())["Subject"].strip() if ansi else str(msg["subject"])
    out = {"subject": _text(subject, ansi), "attachments": []}
    for part in msg.iter_parts() if msg.is_multipart() else []:
        if part.get_content_type() == "message/rfc822":
            out["attachments"].append({"message": describe(part.get_payload(0), ansi)})
        elif part.is_multipart():
            out["attachments"] += describe(part, ansi)["attachments"]
        elif part.get_filename():
            data = part.get_payload(decode=True)
            item = {"name": _text(part.get_filename(), ansi), "sha256": hashlib.sha256(data).hexdigest()}
            if data.startswith(bytes.fromhex("d0cf11e0a1b11ae1")):
                # an OLE object: msgconvert saves the storage as a compound file of its own; compare what it carries
                from ole_package import read_ole10native
                label, payload = read_ole10native(olefile.OleFileIO(data).openstream("\x01Ole10Native").read())
                item = {"name": item["name"], "package": label, "sha256": hashlib.sha256(payload).hexdigest()}
            out["attachments"].append(item)
    return out


def main(argv: list[str]) -> int:
    if argv and argv[0] == "check":
        if len(argv) != 3:
            raise SystemExit(__doc__)
        check(argv[1], argv[2])
        return 0
    if not argv or argv[0].startswith("-"):
        raise SystemExit(__doc__)
    out, subject, body, html, ansi, rtf_html = argv[0], "(no subject)", "", None, False, None
    attachments: list[tuple[str, str, str | None]] = []
    messages: list[tuple[str, str]] = []
    objects: list[tuple[str, str]] = []
    i = 1
    while i < len(argv):
        opt = argv[i]
        val = argv[i + 1] if i + 1 < len(argv) else None
        if opt == "--ansi":
            ansi = True
            i += 1
            continue
        if val is None:
            raise SystemExit(f"msg_writer: {opt} needs a value")
        if opt == "--subject":
            subject = val
        elif opt == "--body":
            body = val
        elif opt == "--html":
            html = val
        elif opt == "--rtf-html":
            rtf_html = val
        elif opt == "--attach":
            path, _, name = val.partition("=")
            attachments.append((path, name or os.path.basename(path), None))
        elif opt == "--inline":
            path, name, cid = val.split("=", 2)
            attachments.append((path, name, cid))
        elif opt == "--attach-ole":
            path, _, name = val.partition("=")
            objects.append((path, name or "Package"))
        elif opt == "--attach-msg":
            path, _, name = val.partition("=")
            messages.append((path, name or os.path.splitext(os.path.basename(path))[0]))
        else:
            raise SystemExit(f"msg_writer: unknown option {opt}")
        i += 2
    write(out, subject, body, html, ansi, attachments, messages, rtf_html, objects)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
