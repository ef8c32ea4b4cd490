#!/usr/bin/python3
"""Build the corpus messages (.eml) from the files make-corpus.sh generated, with hand-written expectations.

The MIME text is produced from string templates that copy what real clients send, byte for byte in
structure: Outlook / Exchange Online in a Japanese tenant (multipart/mixed "_004_" > multipart/alternative
"_000_", ISO-2022-JP bodies and RFC 2047 ISO-2022-JP names inside quoted parameters, size= and
creation-date= in Content-Disposition, application/ms-tnef winmail.dat), Thunderbird (UTF-8, RFC 2231
filename*=, continuations filename*0*= for long names, a MIME preamble), Gmail (RFC 2047 UTF-8 names in
both parameters, X-Attachment-Id and Content-ID on attachments) and Google Calendar invitations
(text/calendar method=REQUEST inside multipart/alternative plus an invite.ics attachment).
All messages use CRLF line ends and base64 in 76-column lines. Python's `email` package is not used to
write them (it re-folds and re-encodes); it is used afterwards to read every message back and check that
each attachment is where the expectation says, under the name it says, with the bytes it should carry.

Every expectation below is a literal: it states what the product definitions say the inspector must
decide. See README.md for the format and for the decisions behind the tricky ones.

Usage:
  build_messages.py --files OUT/files --out OUT/messages            build the corpus messages
  build_messages.py --files OUT/files --samples docs/samples        (re)write the committed samples
  build_messages.py --files OUT/files --check-samples docs/samples --out OUT/messages/samples
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import hashlib
import json
import os
import quopri
import shutil
import subprocess
import sys
import tempfile
from email.header import decode_header, make_header

CRLF = "\r\n"
INTERNAL = "example.co.jp"
MAX = 25 * 1024 * 1024  # the default size limit (25 MiB)
SAMPLE_PASSWORD = "Mitsumori-2026"  # password of docs/samples/quote-aes-zip.eml's zip (also in docs/samples/README.md)


# ------------------------------------------------------------------------------------------ encoders

def b64(data: bytes) -> str:
    s = base64.b64encode(data).decode("ascii")
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76))


def _chunks(text: str, n: int) -> list[str]:
    return [text[i:i + n] for i in range(0, len(text), n)] or [""]


def ew_2022(text: str, n: int = 12) -> list[str]:
    """RFC 2047 encoded-words in ISO-2022-JP, B encoding, each chunk a self-contained JIS sequence."""
    return ["=?ISO-2022-JP?B?" + base64.b64encode(c.encode("iso2022_jp")).decode() + "?=" for c in _chunks(text, n)]


def ew_2022_lower(text: str, n: int = 12) -> list[str]:
    """As Outlook writes them in parameters: lower-case charset name."""
    return ["=?iso-2022-jp?B?" + base64.b64encode(c.encode("iso2022_jp")).decode() + "?=" for c in _chunks(text, n)]


def ew_utf8(text: str, n: int = 14) -> list[str]:
    return ["=?UTF-8?B?" + base64.b64encode(c.encode("utf-8")).decode() + "?=" for c in _chunks(text, n)]


ATTR_CHARS = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")


def pct(text: str) -> str:
    """RFC 2231 / RFC 5987 value: attribute-chars literal, every other octet %XX."""
    return "".join(chr(b) if b in ATTR_CHARS else f"%{b:02X}" for b in text.encode("utf-8"))


def rfc2231_cont(param: str, text: str, width: int = 56) -> str:
    """param*0*=UTF-8''...; param*1*=...  split at character boundaries (as Thunderbird does)."""
    segs, cur = [], ""
    for ch in text:
        enc = pct(ch)
        if len(cur) + len(enc) > width and cur:
            segs.append(cur)
            cur = ""
        cur += enc
    segs.append(cur)
    out = []
    for i, s in enumerate(segs):
        out.append(f"{param}*{i}*=" + ("UTF-8''" if i == 0 else "") + s)
    return (";" + CRLF + " ").join(out)


def jis_body(text: str) -> str:
    """text/plain; charset=iso-2022-jp, 7bit, CRLF."""
    return CRLF.join(text.encode("iso2022_jp").decode("ascii") for text in text.split("\n"))


def qp(data: bytes) -> str:
    return quopri.encodestring(data).decode("ascii").replace("\r\n", "\n").replace("\n", CRLF)


def boundary_id(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest().upper()[:24]


# ------------------------------------------------------------------------------------------- MIME text

def leaf(headers: list[str], body: str) -> str:
    return CRLF.join(headers) + CRLF + CRLF + body


def multipart(headers: list[str], boundary: str, children: list[str], preamble: str | None = None,
              close: bool = True) -> str:
    s = (CRLF.join(headers) + CRLF + CRLF) if headers else ""   # no headers: just the body
    if preamble:
        s += preamble + CRLF
    for c in children:
        s += "--" + boundary + CRLF + c + CRLF
    if close:
        s += "--" + boundary + "--" + CRLF
    return s


OUTLOOK_DATE = "Fri, 27 Nov 2026 01:25:11 GMT"


def outlook_headers(sid: str, frm: str, to: list[str], subject: str, cc: list[str] | None = None,
                    tnef: bool = False, has_attach: bool = True) -> list[str]:
    h = boundary_id(sid)
    hs = [f"From: {' '.join(ew_2022_lower(frm[0]))} <{frm[1]}>",
          "To: " + ("," + CRLF + "\t").join(to)]
    if cc:
        hs.append("CC: " + ("," + CRLF + "\t").join(cc))
    subj = (CRLF + "\t").join(ew_2022_lower(subject))
    hs += [f"Subject: {subj}",
           f"Thread-Topic: {subj}",
           f"Thread-Index: AdtgZ{h[:10]}w==",
           "Date: Fri, 27 Nov 2026 10:25:11 +0900",
           f"Message-ID: <TYCPR01MB{h[:12]}{h[12:20]}@TYCPR01MB{h[:5]}.jpnprd01.prod.outlook.com>",
           "Accept-Language: ja-JP, en-US",
           "Content-Language: ja-JP",
           "X-MS-Has-Attach:" + (" yes" if has_attach else ""),
           "X-MS-TNEF-Correlator:" + (f" <TYCPR01MB{h[:12]}@TYCPR01MB{h[:5]}.jpnprd01.prod.outlook.com>" if tnef else ""),
           "x-ms-publictraffictype: Email"]
    return hs


def outlook_alternative(sid: str, text: str, html_inner: str) -> str:
    b = f"_000_TYCPR01MB{boundary_id(sid)}_"
    html = ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
            'xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            'charset=iso-2022-jp">\n<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n</head>\n'
            '<body lang="JA" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n<div class="WordSection1">\n'
            + html_inner + "\n</div>\n</body>\n</html>\n")
    return multipart([f"Content-Type: multipart/alternative;{CRLF}\tboundary=\"{b}\""], b, [
        leaf(['Content-Type: text/plain; charset="iso-2022-jp"', "Content-Transfer-Encoding: 7bit"], jis_body(text)),
        leaf(['Content-Type: text/html; charset="iso-2022-jp"', "Content-Transfer-Encoding: quoted-printable"],
             qp(html.encode("iso2022_jp"))),
    ])


def html_paras(text: str) -> str:
    return "\n".join(f'<p class="MsoNormal">{line or "<o:p>&nbsp;</o:p>"}<o:p></o:p></p>' for line in text.split("\n"))


def att_outlook(ctype: str, name: str, data: bytes, n: int = 12, inline_cid: str | None = None) -> str:
    """Outlook/Exchange: RFC 2047 ISO-2022-JP inside quoted name= and filename= (long names: several words)."""
    words = (CRLF + " ").join(ew_2022_lower(name, n)) if not name.isascii() else name
    hs = [f'Content-Type: {ctype}; name="{words}"', f"Content-Description: {words}",
          f'Content-Disposition: {"inline" if inline_cid else "attachment"};{CRLF}\tfilename="{words}"; size={len(data)};{CRLF}'
          f'\tcreation-date="{OUTLOOK_DATE}";{CRLF}\tmodification-date="{OUTLOOK_DATE}"']
    if inline_cid:
        hs.append(f"Content-ID: <{inline_cid}>")
    hs.append("Content-Transfer-Encoding: base64")
    return leaf(hs, b64(data))


def att_outlook_mac(ctype: str, name: str, data: bytes) -> str:
    """Outlook for Mac / new Outlook style: RFC 2231 with continuations in filename*, RFC 2047 UTF-8 in name."""
    return leaf([f'Content-Type: {ctype}; name="{(CRLF + " ").join(ew_utf8(name))}"',
                 f"Content-Description: {(CRLF + ' ').join(ew_utf8(name))}",
                 f"Content-Disposition: attachment;{CRLF} {rfc2231_cont('filename', name)};{CRLF} size={len(data)}",
                 "Content-Transfer-Encoding: base64"], b64(data))


def att_thunderbird(ctype: str, name: str, data: bytes, continuation: bool = False) -> str:
    disp = (f"Content-Disposition: attachment;{CRLF} {rfc2231_cont('filename', name)}" if continuation
            else f"Content-Disposition: attachment; filename*=UTF-8''{pct(name)}")
    return leaf([f'Content-Type: {ctype}; name="{(CRLF + " ").join(ew_utf8(name))}"', disp,
                 "Content-Transfer-Encoding: base64"], b64(data))


def att_gmail(ctype: str, name: str, data: bytes, att_id: str) -> str:
    words = (CRLF + " ").join(ew_utf8(name))
    return leaf([f'Content-Type: {ctype}; name="{words}"', f'Content-Disposition: attachment; filename="{words}"',
                 "Content-Transfer-Encoding: base64", f"Content-ID: <{att_id}>", f"X-Attachment-Id: {att_id}"], b64(data))


def att_tnef(data: bytes) -> str:
    return leaf(['Content-Type: application/ms-tnef; name="winmail.dat"',
                 'Content-Disposition: attachment; filename="winmail.dat"',
                 "Content-Transfer-Encoding: base64"], b64(data))


def tb_headers(sid: str, frm: tuple[str, str], to: list[str], subject: str, boundary: str) -> list[str]:
    h = boundary_id(sid).lower()
    return [f'Content-Type: multipart/mixed; boundary="{boundary}"',
            f"Message-ID: <{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[:12]}@example.co.jp>",
            "Date: Fri, 27 Nov 2026 10:25:11 +0900",
            "MIME-Version: 1.0",
            "User-Agent: Mozilla Thunderbird",
            "Content-Language: ja",
            "To: " + ", ".join(to),
            f"From: {' '.join(ew_utf8(frm[0]))} <{frm[1]}>",
            "Subject: " + (CRLF + " ").join(ew_utf8(subject))]


def tb_text(text: str) -> str:
    return leaf(["Content-Type: text/plain; charset=UTF-8; format=flowed", "Content-Transfer-Encoding: 8bit"],
                text.replace("\n", CRLF))


def message(top: list[str], body: str) -> bytes:
    return (CRLF.join(top) + CRLF + CRLF + body).encode("utf-8")


def outlook_mail(sid: str, frm, to, subject, text, attachments: list[str], cc=None, tnef=False, html_inner=None) -> bytes:
    b = f"_004_TYCPR01MB{boundary_id(sid)}_"
    top = outlook_headers(sid, frm, to, subject, cc=cc, tnef=tnef, has_attach=bool(attachments))
    parts = [outlook_alternative(sid, text, html_inner or html_paras(text))] + attachments
    if not attachments:                                        # Outlook sends multipart/alternative alone
        ctype, body = parts[0].split(CRLF + CRLF, 1)
        return message(top + [ctype, "MIME-Version: 1.0"], body)
    return message(top + [f"Content-Type: multipart/mixed;{CRLF}\tboundary=\"{b}\"", "MIME-Version: 1.0"],
                   multipart([], b, parts))


def thunderbird_mail(sid: str, frm, to, subject, text, attachments: list[str]) -> bytes:
    b = "------------" + boundary_id(sid)[:24]
    return message(tb_headers(sid, frm, to, subject, b),
                   multipart([], b, [tb_text(text)] + attachments, preamble="This is a multi-part message in MIME format."))


def gmail_mail(sid: str, frm, to, subject, text, attachments: list[str]) -> bytes:
    h = boundary_id(sid).lower()
    bm, ba = "000000000000" + h[:12], "000000000000" + h[12:24]
    alt = multipart([f'Content-Type: multipart/alternative; boundary="{ba}"'], ba, [
        leaf(['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: base64"], b64(text.replace("\n", CRLF).encode())),
        leaf(['Content-Type: text/html; charset="UTF-8"', "Content-Transfer-Encoding: base64"],
             b64(("<div dir=\"ltr\">" + "<br>".join(text.split("\n")) + "</div>\r\n").encode())),
    ])
    top = ["MIME-Version: 1.0", "Date: Fri, 27 Nov 2026 10:25:11 +0900",
           f"Message-ID: <CAGm{h}+{h[:16]}@mail.gmail.com>",
           "Subject: " + (CRLF + " ").join(ew_utf8(subject)),
           f"From: {' '.join(ew_utf8(frm[0]))} <{frm[1]}>", "To: " + ", ".join(to),
           f'Content-Type: multipart/mixed; boundary="{bm}"']
    return message(top, multipart([], bm, [alt] + attachments))


# ------------------------------------------------------------------------------------------- the cases

TANAKA = ("田中 太郎", "tanaka@example.co.jp")
SATO = ("佐藤 花子", "sato@example.co.jp")
BUYER = "buyer@customer.example.com"
TORI = "eigyo@torihikisaki.example"
COLLEAGUE = "suzuki@example.co.jp"

BODY = "株式会社取引先\n購買部 御中\n\nいつもお世話になっております。\n未来商事の田中です。\n\nご依頼の御見積書を添付いたします。\nご査収のほど、よろしくお願いいたします。\n\n田中 太郎"
BODY_PW = BODY + "\n\n※パスワードは別途お送りします。"


class Corpus:
    def __init__(self, files: str, out: str):
        self.files, self.out = files, out
        self.sources: dict[str, bytes] = {}
        os.makedirs(out, exist_ok=True)

    def f(self, rel: str) -> bytes:
        with open(os.path.join(self.files, rel), "rb") as fh:
            return fh.read()

    def write(self, name: str, raw: bytes, expected: dict, sources: dict[str, bytes] | None = None,
              broken: str | None = None) -> None:
        path = os.path.join(self.out, name)
        with open(path, "wb") as fh:
            fh.write(raw)
        with open(path + ".expected.json", "w", encoding="utf-8") as fh:
            json.dump(expected, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        verify(path, raw, expected, sources or {}, broken)


# ------------------------------------------------------------------------------------------ verifying

def _name(part) -> str | None:
    n = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if n is None:
        return None
    if isinstance(n, tuple):                                   # RFC 2231 (charset, lang, value)
        n = email.utils.collapse_rfc2231_value(n)
    n = str(n)
    if "=?" in n:                                              # RFC 2047 inside a quoted parameter
        n = str(make_header(decode_header(" ".join(n.split()))))
    return n


def _leaves(msg):
    """Top-level leaves in MIME order: multiparts are walked, an attached message is one leaf."""
    if msg.is_multipart() and msg.get_content_type() != "message/rfc822":
        for p in msg.get_payload():
            yield from _leaves(p)
    else:
        yield msg


def verify(path: str, raw: bytes, expected: dict, sources: dict[str, bytes], broken: str | None) -> None:
    """Read the message back with Python's email parser and check it against what was meant."""
    def fail(why):
        raise SystemExit(f"build_messages: {os.path.basename(path)}: {why}")
    if b"\n" in raw.replace(b"\r\n", b""):
        fail("bare LF")
    if any(len(l) > 998 for l in raw.split(b"\r\n")):
        fail("line over 998 octets")
    too_large = expected["rule"] == "too-large"
    if (len(raw) > MAX) != too_large:
        fail(f"size {len(raw)} does not fit rule {expected['rule']}")
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for p in msg.walk():
        if not p.is_multipart():
            p.get_payload(decode=True)                       # decoding records base64 defects
    defects = [type(d).__name__ for p in msg.walk() for d in p.defects]
    if broken and not defects:
        fail(f"meant to be broken ({broken}) but Python's parser found no defect")
    if not broken and defects:
        fail(f"unexpected MIME defects {defects}")
    names = []
    for p in _leaves(msg):
        ctype = p.get_content_type()
        n = _name(p)
        if n is None and ctype in ("text/plain", "text/html"):   # the body
            continue
        names.append((n, p))
    want_att = [a["name"] for a in expected["attachments"]]
    want_exc = [e["name"] for e in expected["excluded"]]
    got = [n for n, _ in names]
    if sorted(got, key=str) != sorted(want_att + want_exc, key=str):
        fail(f"parts {got} are not attachments {want_att} + excluded {want_exc}")
    got_att = [n for n in got if n in want_att]
    if got_att != want_att:
        fail(f"attachments in MIME order are {got_att}, expected {want_att}")
    for n, p in names:
        if n in sources:
            data = p.get_payload(decode=True) if p.get_content_type() != "message/rfc822" else None
            if data is not None and data != sources[n] and not broken:
                fail(f"{n}: decoded bytes differ from the source file")
    for e in expected["excluded"]:
        part = [p for n, p in names if n == e["name"]][0]
        if e["why"] == "calendar" and part.get_content_type() not in ("text/calendar", "application/ics"):
            fail(f"excluded calendar part is {part.get_content_type()}")
        if e["why"] == "inline-image":
            cid = part["Content-ID"].strip("<>")
            html = [q for q in msg.walk() if q.get_content_type() == "text/html"][0].get_payload(decode=True)
            if f"cid:{cid}".encode() not in html or not part.get("Content-Disposition", "").startswith("inline"):
                fail(f"inline image {cid} is not inline and referenced from the HTML")


# ------------------------------------------------------------------------------------------ messages

def build_all(c: Corpus) -> None:
    pdf = c.f("pdf/plain.pdf")
    aes = c.f("zip/utf8-flag-names-aes256.zip")
    png = c.f("image/image001.png")
    exe = c.f("executable/setup.exe")
    ZIPCT = "application/x-zip-compressed"

    def env(frm, *to):
        return {"from": frm, "to": list(to)}

    # 01 ----------------------------------------------------------------------------------------------
    c.write("ext-plain-pdf.eml", outlook_mail("01", TANAKA, [BUYER], "御見積書送付の件", BODY,
                                              [att_outlook("application/pdf", "見積書.pdf", pdf)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "Outlook (Exchange Online, ja-JP): ISO-2022-JP subject and body, name=/filename= as RFC 2047 ISO-2022-JP inside quotes"},
        {"見積書.pdf": pdf})
    # 02 ----------------------------------------------------------------------------------------------
    c.write("ext-aes-zip-japanese-name.eml", thunderbird_mail("02", TANAKA, [BUYER], "御見積書送付の件", BODY_PW,
                                                              [att_thunderbird(ZIPCT, "見積書.zip", aes)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "note": "Thunderbird: filename*=UTF-8''%E8%A6%8B... (RFC 2231), name= as RFC 2047 UTF-8; AES-256 zip with UTF-8 names"},
        {"見積書.zip": aes})
    # 03 ----------------------------------------------------------------------------------------------
    c.write("int-plain-pdf.eml", outlook_mail("03", TANAKA, [COLLEAGUE], "見積書（社内確認用）", "鈴木さん\n\n見積書の確認をお願いします。\n\n田中",
                                              [att_outlook("application/pdf", "見積書.pdf", pdf)], cc=["yamada@example.co.jp"]), {
        "envelope": env("tanaka@example.co.jp", "suzuki@example.co.jp", "yamada@example.co.jp"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "note": "internal-only mail passes rules 2-3 even with an unprotected attachment"},
        {"見積書.pdf": pdf})
    # 04 ----------------------------------------------------------------------------------------------
    zc = c.f("zip/cp932-names-zipcrypto.zip")
    c.write("ext-zipcrypto-zip.eml", gmail_mail("04", ("田中 太郎", "tanaka@example.co.jp"), [TORI], "資料送付", "資料をお送りします。\nパスワードは別メールにて。",
                                                [att_gmail("application/zip", "資料.zip", zc, "f_mh1a2b3c0")]), {
        "envelope": env("tanaka@example.co.jp", "eigyo@torihikisaki.example"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "資料.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "note": "Gmail style: name= and filename= both =?UTF-8?B?...?=, plus Content-ID and X-Attachment-Id on the attachment (not referenced by the HTML: still an attachment). ZipCrypto with CP932 names counts as protected"},
        {"資料.zip": zc})
    # 05 ----------------------------------------------------------------------------------------------
    mixed = c.f("zip/mixed-aes-then-plain.zip")
    c.write("ext-mixed-zip.eml", outlook_mail("05", TANAKA, [BUYER], "資料一式", BODY_PW,
                                              [att_outlook(ZIPCT, "資料一式.zip", mixed)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "資料一式.zip", "kind": "zip", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "資料一式.zip › readme.txt", "why": "not-protected"}],
        "note": "two AES entries and one plain entry"},
        {"資料一式.zip": mixed})
    # 06 ----------------------------------------------------------------------------------------------
    own = c.f("pdf/owner-only-aes-256.pdf")
    c.write("ext-owner-only-pdf.eml", outlook_mail("06", TANAKA, [BUYER], "御見積書送付の件", BODY,
                                                   [att_outlook("application/pdf", "見積書.pdf", own)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "PDF with only an owner (permissions) password opens without a password"},
        {"見積書.pdf": own})
    # 07 ----------------------------------------------------------------------------------------------
    usr = c.f("pdf/user-aes-256.pdf")
    c.write("ext-user-password-pdf.eml", outlook_mail("07", TANAKA, [BUYER], "御見積書送付の件", BODY_PW,
                                                      [att_outlook("application/pdf", "見積書.pdf", usr)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "protected"}],
        "excluded": [],
        "note": "PDF with a user password (AES-256 R6)"},
        {"見積書.pdf": usr})
    # 08 ----------------------------------------------------------------------------------------------
    edocx = c.f("office/quote-encrypted.docx")
    c.write("ext-encrypted-docx.eml", outlook_mail("08", TANAKA, [BUYER], "御見積書送付の件", BODY_PW,
                                                   [att_outlook("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "御見積書.docx", edocx)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "御見積書.docx", "kind": "cfb", "protection": "protected"}],
        "excluded": [],
        "note": "Word document with an open password: a CFB named .docx (not disguised)"},
        {"御見積書.docx": edocx})
    # 09 ----------------------------------------------------------------------------------------------
    xlsx = c.f("office/customers.xlsx")
    c.write("ext-plain-xlsx.eml", outlook_mail("09", TANAKA, [BUYER], "顧客一覧", "顧客一覧を送付します。",
                                               [att_outlook("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "顧客一覧.xlsx", xlsx)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "顧客一覧.xlsx", "kind": "ooxml", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "顧客一覧.xlsx", "why": "not-protected"}]},
        {"顧客一覧.xlsx": xlsx})
    # 10 ----------------------------------------------------------------------------------------------
    c.write("int-exe-named-pdf.eml", outlook_mail("10", SATO, [COLLEAGUE], "請求書", "請求書を送ります。",
                                                  [att_outlook("application/pdf", "請求書.pdf", exe)]), {
        "envelope": env("sato@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "quarantine", "rule": "disguised",
        "attachments": [{"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": True}],
        "excluded": [],
        "reasons": [{"path": "請求書.pdf", "why": "disguised"}, {"path": "請求書.pdf", "why": "executable"}],
        "note": "internal mail too: a Windows PE named .pdf, declared application/pdf"},
        {"請求書.pdf": exe})
    # 11 ----------------------------------------------------------------------------------------------
    elf = c.f("executable/backup-agent")
    c.write("int-elf.eml", thunderbird_mail("11", SATO, [COLLEAGUE], "バックアップツール", "ツールを送ります。",
                                            [att_thunderbird("application/octet-stream", "backup-agent", elf)]), {
        "envelope": env("sato@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "quarantine", "rule": "executable",
        "attachments": [{"name": "backup-agent", "kind": "executable", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "backup-agent", "why": "executable"}],
        "note": "Linux ELF, no extension, internal mail"},
        {"backup-agent": elf})
    # 12 ----------------------------------------------------------------------------------------------
    c.write("int-pe.eml", outlook_mail("12", SATO, [COLLEAGUE], "インストーラー", "インストーラーです。",
                                       [att_outlook("application/x-msdownload", "setup.exe", exe)]), {
        "envelope": env("sato@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "quarantine", "rule": "executable",
        "attachments": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "setup.exe", "why": "executable"}],
        "note": "Windows PE properly named, internal mail"},
        {"setup.exe": exe})
    # 13 ----------------------------------------------------------------------------------------------
    rnd = c.f("zip/random.zip")
    c.write("ext-random-bytes.eml", outlook_mail("13", TANAKA, [BUYER], "データ送付", "データを送付します。",
                                                 [att_outlook("application/octet-stream", "data.bin", rnd)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "data.bin", "kind": "unknown", "protection": "unknown"}],
        "excluded": [],
        "reasons": [{"path": "data.bin", "why": "unknown"}]},
        {"data.bin": rnd})
    # 14 ----------------------------------------------------------------------------------------------
    trz = c.f("zip/truncated.zip")
    c.write("ext-truncated-zip.eml", outlook_mail("14", TANAKA, [BUYER], "御見積書送付の件", BODY_PW,
                                                  [att_outlook(ZIPCT, "見積書.zip", trz)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "unknown"}],
        "excluded": [],
        "reasons": [{"path": "見積書.zip", "why": "unknown"}]},
        {"見積書.zip": trz})
    # 15 ----------------------------------------------------------------------------------------------
    bomb = c.f("limits/bomb-bzip2.zip")
    c.write("ext-zip-bomb.eml", thunderbird_mail("15", TANAKA, [BUYER], "ログ", "ログを送ります。",
                                                 [att_thunderbird(ZIPCT, "logs.zip", bomb)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "logs.zip", "kind": "zip", "protection": "unknown"}],
        "excluded": [],
        "reasons": [{"path": "logs.zip", "why": "unknown"}],
        "note": "2 KB zip expanding to 256 MiB: a limit is hit, fail closed"},
        {"logs.zip": bomb})
    # 16 ----------------------------------------------------------------------------------------------
    c.write("bcc-external.eml", outlook_mail("16", TANAKA, [COLLEAGUE], "御見積書送付の件", BODY,
                                             [att_outlook("application/pdf", "見積書.pdf", pdf)]), {
        "envelope": env("tanaka@example.co.jp", "suzuki@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "headers name only an internal recipient; the external one is a BCC seen only in the envelope"},
        {"見積書.pdf": pdf})
    # 17 / 18: attached messages (message/rfc822) ------------------------------------------------------
    def inner(sid, att):
        return outlook_mail(sid, ("山本 次郎", "yamamoto@example.co.jp"), [COLLEAGUE], "見積依頼", "見積書です。", [att]).decode("ascii")

    def rfc822_part(name, inner_msg):
        return leaf([f'Content-Type: message/rfc822; name="{(CRLF + " ").join(ew_utf8(name))}"',
                     f"Content-Disposition: attachment; filename*=UTF-8''{pct(name)}"], inner_msg)
    in17 = inner("17i", att_outlook("application/pdf", "見積書.pdf", pdf))
    c.write("ext-forwarded-message-plain-pdf.eml", thunderbird_mail("17", TANAKA, [BUYER], "Fw: 見積依頼", "転送します。",
                                                                    [rfc822_part("見積依頼.eml", in17)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "見積依頼.eml", "kind": "message", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "見積依頼.eml › 見積書.pdf", "why": "not-protected"}],
        "note": "a mail forwarded as attachment (message/rfc822) carrying a plain PDF: the reason names the inner PDF"})
    in18 = inner("18i", att_outlook(ZIPCT, "見積書.zip", aes))
    c.write("ext-forwarded-message-aes-zip.eml", thunderbird_mail("18", TANAKA, [BUYER], "Fw: 見積依頼", "転送します。",
                                                                  [rfc822_part("見積依頼.eml", in18)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積依頼.eml", "kind": "message", "protection": "protected"}],
        "excluded": [],
        "note": "attached message whose only attachment is an AES-256 zip; its text body is body, not an attachment"})
    in45 = outlook_mail("45i", ("山本 次郎", "yamamoto@example.co.jp"), [COLLEAGUE], "見積依頼", "見積金額は 1,234,000円 です。", []).decode("ascii")
    c.write("ext-forwarded-message-no-attachment.eml", thunderbird_mail("45", TANAKA, [BUYER], "Fw: 見積依頼", "転送します。",
                                                                        [rfc822_part("見積依頼.eml", in45)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積依頼.eml", "kind": "message", "protection": "protected"}],
        "excluded": [],
        "note": "an attached message with no attachments: transparent over its attachments (none); its body is body (ADR-003)"})
    # 19 / 20: TNEF --------------------------------------------------------------------------------------
    t_pdf = c.f("tnef/pdf.dat")
    c.write("ext-tnef-pdf.eml", outlook_mail("19", TANAKA, [BUYER], "御見積書送付の件", BODY, [att_tnef(t_pdf)], tnef=True), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "winmail.dat", "kind": "tnef", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "winmail.dat › 見積書.pdf", "why": "not-protected"}],
        "note": "Outlook rich-text mail: the PDF travels inside winmail.dat (application/ms-tnef)"},
        {"winmail.dat": t_pdf})
    t_aes = c.f("tnef/aes-zip.dat")
    c.write("ext-tnef-aes-zip.eml", outlook_mail("20", TANAKA, [BUYER], "御見積書送付の件", BODY_PW, [att_tnef(t_aes)], tnef=True), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "winmail.dat", "kind": "tnef", "protection": "protected"}],
        "excluded": [],
        "note": "TNEF whose only attachment is an AES-256 zip"},
        {"winmail.dat": t_aes})
    t_body = c.f("tnef/body-only.dat")
    c.write("ext-tnef-body-only.eml", outlook_mail("38", TANAKA, [BUYER], "打ち合わせのお礼", "本日はありがとうございました。", [att_tnef(t_body)], tnef=True), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "winmail.dat", "kind": "tnef", "protection": "protected"}],
        "excluded": [],
        "note": "rich-text Outlook mail without attachments: winmail.dat holds only the RTF body, which is body (ADR-003); an ordinary rich-text mail to a customer must not be quarantined"},
        {"winmail.dat": t_body})
    t_exe = c.f("tnef/exe-named-pdf.dat")
    c.write("int-tnef-exe-named-pdf.eml", outlook_mail("43", SATO, [COLLEAGUE], "請求書", "請求書を送ります。", [att_tnef(t_exe)], tnef=True), {
        "envelope": env("sato@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "quarantine", "rule": "disguised",
        "attachments": [{"name": "winmail.dat", "kind": "tnef", "protection": "not-protected", "disguised": True}],
        "excluded": [],
        "reasons": [{"path": "winmail.dat › 請求書.pdf", "why": "disguised"}]},
        {"winmail.dat": t_exe})

    # 21 / 22 / 40: inline images (multipart/related) ---------------------------------------------------
    def related_mail(sid, html_inner, inline_part, extra_atts):
        rb = f"_005_TYCPR01MB{boundary_id(sid)}_"
        mb = f"_006_TYCPR01MB{boundary_id(sid)}_"
        text = "いつもお世話になっております。\n地図を添えてお送りします。\n\n田中"
        rel = multipart([f'Content-Type: multipart/related;{CRLF}\tboundary="{rb}";{CRLF}\ttype="multipart/alternative"'], rb,
                        [outlook_alternative(sid, text, html_inner), inline_part])
        top = outlook_headers(sid, TANAKA, [BUYER], "会場のご案内")
        return message(top + [f'Content-Type: multipart/mixed;{CRLF}\tboundary="{mb}"', "MIME-Version: 1.0"],
                       multipart([], mb, [rel] + extra_atts))
    cid = "image001.png@01DB6F2A.C3D4E5F0"
    img_html = (html_paras("いつもお世話になっております。\n地図を添えてお送りします。") +
                f'\n<p class="MsoNormal"><img width="64" height="48" style="width:.6666in;height:.5in" id="図_x0020_1" '
                f'src="cid:{cid}" alt="地図"><o:p></o:p></p>')
    c.write("ext-inline-image-and-aes-zip.eml",
            related_mail("21", img_html, att_outlook("image/png", "image001.png", png, inline_cid=cid),
                         [att_outlook(ZIPCT, "見積書.zip", aes)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [{"name": "image001.png", "why": "inline-image"}],
        "note": "Outlook HTML mail: multipart/mixed > multipart/related > (multipart/alternative, image001.png inline with Content-ID referenced as cid: from the HTML) + an AES zip"},
        {"見積書.zip": aes, "image001.png": png})
    c.write("ext-inline-image-unreferenced.eml",
            related_mail("22", html_paras("いつもお世話になっております。\n地図を添えてお送りします。"),
                         att_outlook("image/png", "image001.png", png, inline_cid=cid), [att_outlook(ZIPCT, "見積書.zip", aes)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "image001.png", "kind": "image", "protection": "not-protected"},
                        {"name": "見積書.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "reasons": [{"path": "image001.png", "why": "not-protected"}],
        "note": "same structure, but the HTML does not reference cid:image001.png@... (the picture was deleted from the body): the inline image is an attachment"},
        {"見積書.zip": aes, "image001.png": png})
    c.write("ext-cid-referenced-pdf-posing-as-image.eml",
            related_mail("40", img_html, att_outlook("image/png", "image001.png", pdf, inline_cid=cid), []), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "disguised",
        "attachments": [{"name": "image001.png", "kind": "pdf", "protection": "not-protected", "disguised": True}],
        "excluded": [],
        "reasons": [{"path": "image001.png", "why": "disguised"}, {"path": "image001.png", "why": "not-protected"}],
        "note": "inline, declared image/png, referenced by cid: from the HTML - but the bytes are a PDF: only an image (by content) can be body; named .png, so also disguised"},
        {"image001.png": pdf})

    # 23 / 39: meeting requests -------------------------------------------------------------------------
    ics = ("BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n"
           "METHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:20261203T010000Z\r\nDTEND:20261203T020000Z\r\n"
           "DTSTAMP:20261127012511Z\r\nORGANIZER;CN=田中 太郎:mailto:tanaka@example.co.jp\r\n"
           "UID:7kq2m1cqf0s6n8c3l5h9v0a4b1@google.com\r\n"
           "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=buyer@customer.example.com:mailto:buyer@customer.example.com\r\n"
           "SUMMARY:お打ち合わせ（見積内容のご説明）\r\nLOCATION:オンライン\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n").encode("utf-8")

    def invite(sid, extra):
        h = boundary_id(sid).lower()
        bm, ba = "000000000000" + h[:12], "000000000000" + h[12:24]
        text = "お打ち合わせのご招待\n2026年12月3日（木）10:00～11:00（日本標準時）\n場所: オンライン"
        alt = multipart([f'Content-Type: multipart/alternative; boundary="{ba}"'], ba, [
            leaf(['Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes', "Content-Transfer-Encoding: base64"],
                 b64(text.replace("\n", CRLF).encode())),
            leaf(['Content-Type: text/html; charset="UTF-8"', "Content-Transfer-Encoding: base64"],
                 b64(("<div>" + "<br>".join(text.split("\n")) + "</div>\r\n").encode())),
            leaf(['Content-Type: text/calendar; charset="UTF-8"; method=REQUEST', "Content-Transfer-Encoding: base64"], b64(ics)),
        ])
        atts = [alt, leaf(['Content-Type: application/ics; name="invite.ics"', 'Content-Disposition: attachment; filename="invite.ics"',
                           "Content-Transfer-Encoding: base64"], b64(ics))] + extra
        top = ["MIME-Version: 1.0", "Date: Fri, 27 Nov 2026 10:25:11 +0900",
               f"Message-ID: <{h}@google.com>", "Reply-To: tanaka@example.co.jp",
               "Sender: Google Calendar <calendar-notification@google.com>",
               "Subject: " + (CRLF + " ").join(ew_utf8("招待: お打ち合わせ（見積内容のご説明） - 2026/12/03 10:00～11:00")),
               f"From: {' '.join(ew_utf8('田中 太郎'))} <tanaka@example.co.jp>", f"To: {BUYER}",
               f'Content-Type: multipart/mixed; boundary="{bm}"']
        return message(top, multipart([], bm, atts))
    c.write("ext-meeting-request.eml", invite("23", []), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [],
        "excluded": [{"name": None, "why": "calendar"}, {"name": "invite.ics", "why": "calendar"}],
        "note": "Google Calendar invitation: text/calendar method=REQUEST (no name) inside multipart/alternative and the invite.ics copy (application/ics); both are body"},
        {"invite.ics": ics})
    agenda = c.f("pdf/plain.pdf")
    c.write("ext-meeting-request-with-plain-pdf.eml",
            invite("39", [att_gmail("application/pdf", "資料.pdf", agenda, "f_mh9z8y7x0")]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "資料.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [{"name": None, "why": "calendar"}, {"name": "invite.ics", "why": "calendar"}],
        "reasons": [{"path": "資料.pdf", "why": "not-protected"}],
        "note": "the calendar parts are body, the agenda PDF is not"},
        {"invite.ics": ics, "資料.pdf": agenda})

    # 24 -------------------------------------------------------------------------------------------------
    c.write("ext-no-attachment.eml", outlook_mail("24", TANAKA, [BUYER], "お礼", "先日はありがとうございました。", []), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [], "excluded": [],
        "note": "multipart/alternative only"})

    # broken MIME ------------------------------------------------------------------------------------------
    ok25 = thunderbird_mail("25", TANAKA, [BUYER], "御見積書送付の件", BODY_PW, [att_thunderbird(ZIPCT, "見積書.zip", aes)])
    b25 = "------------" + boundary_id("25")[:24]
    raw = ok25.replace(f"--{b25}--\r\n".encode(), b"")
    assert raw != ok25
    c.write("broken-missing-final-boundary.eml", raw, {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "problems": ["mime-incomplete"],
        "note": "no closing --boundary--; the zip itself is whole and decodes. ADR-003: an unterminated multipart is a message-level problem (unknown content) - parsers repair it silently and the gateway must not inspect a repaired version of what the recipient sees, so fail closed"},
        {"見積書.zip": aes}, broken="missing close-delimiter")
    ok26 = thunderbird_mail("26", TANAKA, [BUYER], "御見積書送付の件", BODY, [att_thunderbird("application/pdf", "見積書.pdf", pdf)])
    raw = ok26.replace(f"--{'------------' + boundary_id('26')[:24]}--\r\n".encode(), b"")
    c.write("broken-missing-final-boundary-plain-pdf.eml", raw, {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "problems": ["mime-incomplete"],
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "the same defect: the message-level problem decides (external-unknown comes first), and the defect must not hide the last part, whose PDF is still reported"},
        {"見積書.pdf": pdf}, broken="missing close-delimiter")
    ok27 = thunderbird_mail("27", TANAKA, [BUYER], "御見積書送付の件", BODY_PW, [att_thunderbird(ZIPCT, "見積書.zip", aes)])
    lines = ok27.split(b"\r\n")
    first_b64 = next(i for i, l in enumerate(lines) if l.startswith(b"UEsDB"))
    last_b64 = max(i for i, l in enumerate(lines) if len(l) == 76)
    raw = b"\r\n".join(lines[:first_b64 + (last_b64 - first_b64) // 2]) + b"\r\n"
    c.write("broken-truncated-message.eml", raw, {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "unknown"}],
        "excluded": [],
        "problems": ["mime-incomplete"],
        "reasons": [{"path": "見積書.zip", "why": "unknown"}],
        "note": "message cut in the middle of the attachment (at a base64 line end, no closing boundary): the zip that decodes is half a zip - unknown (corrupt), fail closed"},
        {}, broken="truncated")
    ok28 = outlook_mail("28", TANAKA, [BUYER], "御見積書送付の件", BODY_PW, [att_outlook(ZIPCT, "見積書.zip", aes)])
    i = ok28.index(b"\r\nUEsDB") + 3                     # second character of the base64 text
    raw = ok28[:i] + ok28[i + 1:]
    c.write("broken-bad-base64.eml", raw, {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "見積書.zip", "kind": "unknown", "protection": "unknown"}],
        "excluded": [],
        "reasons": [{"path": "見積書.zip", "why": "unknown"}],
        "note": "one base64 character deleted at the start of the attachment: the text is not valid base64 (length not a multiple of 4) and every byte after it is shifted, so the content cannot be decoded - the attachment is unknown (its reason says the base64 is damaged), fail closed (a lenient decoder gets garbage with no magic number: unknown too)"},
        {}, broken="bad base64")

    # long names -------------------------------------------------------------------------------------------
    long_zip = "2026年度_株式会社取引先様_御見積書一式_第3版_最終確認済み.zip"
    c.write("ext-long-name-rfc2231-continuation.eml",
            thunderbird_mail("29", TANAKA, [BUYER], "御見積書一式（第3版）", BODY_PW, [att_thunderbird(ZIPCT, long_zip, aes, continuation=True)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": long_zip, "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "note": "long Japanese name in RFC 2231 continuations filename*0*=UTF-8''...; filename*1*=...; name= as several RFC 2047 words"},
        {long_zip: aes})
    long_pdf = "2026年度_株式会社取引先様_御見積書_第3版_最終確認済み.pdf"
    c.write("ext-long-name-outlook-2047.eml",
            outlook_mail("30", TANAKA, [BUYER], "御見積書（第3版）の送付について", BODY, [att_outlook("application/pdf", long_pdf, pdf, n=8)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": long_pdf, "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": long_pdf, "why": "not-protected"}],
        "note": "Outlook's long name: several ISO-2022-JP encoded-words folded inside one quoted name=/filename= (not RFC 2231, but what Outlook sends)"},
        {long_pdf: pdf})
    c.write("ext-long-name-outlook-mac-2231.eml",
            outlook_mail("44", TANAKA, [BUYER], "御見積書（第3版）の送付について", BODY_PW, [att_outlook_mac(ZIPCT, long_zip, aes)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": long_zip, "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "note": "Outlook for Mac / new Outlook style: filename*0*= continuations and size= in Content-Disposition"},
        {long_zip: aes})

    # recipients -------------------------------------------------------------------------------------------
    c.write("ext-subdomain-recipient.eml", outlook_mail("31", TANAKA, ["osaka-shiten@osaka.example.co.jp"], "御見積書送付の件", BODY,
                                                        [att_outlook("application/pdf", "見積書.pdf", pdf)]), {
        "envelope": env("tanaka@example.co.jp", "osaka-shiten@osaka.example.co.jp"),
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "osaka.example.co.jp is a subdomain; the default internal domain entry is example.co.jp only (no subdomains), so the recipient is external"},
        {"見積書.pdf": pdf})
    c.write("int-uppercase-domain.eml", outlook_mail("32", TANAKA, ["Suzuki@EXAMPLE.CO.JP"], "見積書（社内確認用）", "確認をお願いします。",
                                                     [att_outlook("application/pdf", "見積書.pdf", pdf)]), {
        "envelope": env("tanaka@example.co.jp", "Suzuki@EXAMPLE.CO.JP"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "note": "domains compare case-insensitively: EXAMPLE.CO.JP is internal"},
        {"見積書.pdf": pdf})
    c.write("int-random-bytes.eml", outlook_mail("33", TANAKA, [COLLEAGUE], "データ", "データです。",
                                                 [att_outlook("application/octet-stream", "data.bin", rnd)]), {
        "envelope": env("tanaka@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "data.bin", "kind": "unknown", "protection": "unknown"}],
        "excluded": [],
        "note": "unknown content in internal-only mail passes (rules 2-3 are for external mail)"},
        {"data.bin": rnd})

    # rule order ---------------------------------------------------------------------------------------------
    c.write("ext-unknown-and-plain.eml", outlook_mail("34", TANAKA, [BUYER], "資料送付", "資料を送付します。",
                                                      [att_outlook("application/pdf", "見積書.pdf", pdf),
                                                       att_outlook("application/octet-stream", "data.bin", rnd)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "external-unknown",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"},
                        {"name": "data.bin", "kind": "unknown", "protection": "unknown"}],
        "excluded": [],
        "reasons": [{"path": "data.bin", "why": "unknown"}, {"path": "見積書.pdf", "why": "not-protected"}],
        "note": "both external rules hold; external-unknown comes first. Every reason is still reported"},
        {"見積書.pdf": pdf, "data.bin": rnd})
    c.write("int-disguised-and-exe.eml", outlook_mail("35", SATO, [COLLEAGUE], "ツール", "ツールと請求書です。",
                                                      [att_outlook("application/x-msdownload", "setup.exe", exe),
                                                       att_outlook("application/pdf", "請求書.pdf", exe)]), {
        "envelope": env("sato@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "quarantine", "rule": "disguised",
        "attachments": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"},
                        {"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": True}],
        "excluded": [],
        "reasons": [{"path": "請求書.pdf", "why": "disguised"}, {"path": "setup.exe", "why": "executable"}],
        "note": "disguised comes before executable"},
        {"setup.exe": exe, "請求書.pdf": exe})
    c.write("ext-aes-zip-and-exe.eml", outlook_mail("36", TANAKA, [BUYER], "資料送付", BODY_PW,
                                                    [att_outlook(ZIPCT, "見積書.zip", aes),
                                                     att_outlook("application/x-msdownload", "setup.exe", exe)]), {
        "envelope": env("tanaka@example.co.jp", "buyer@customer.example.com"),
        "verdict": "quarantine", "rule": "executable",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"},
                        {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "setup.exe", "why": "executable"}, {"path": "setup.exe", "why": "not-protected"}],
        "note": "executable comes before external-unprotected"},
        {"見積書.zip": aes, "setup.exe": exe})
    zexe = c.f("zip/exe-named-pdf-inside.zip")
    c.write("int-zip-with-exe-named-pdf.eml", outlook_mail("37", SATO, [COLLEAGUE], "請求書", "請求書です。",
                                                           [att_outlook(ZIPCT, "請求書.zip", zexe)]), {
        "envelope": env("sato@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "quarantine", "rule": "disguised",
        "attachments": [{"name": "請求書.zip", "kind": "zip", "protection": "not-protected", "disguised": True}],
        "excluded": [],
        "reasons": [{"path": "請求書.zip › 請求書.pdf", "why": "disguised"}, {"path": "請求書.zip › 請求書.pdf", "why": "executable"}],
        "note": "the disguised node is inside a plain zip; any node anywhere counts"},
        {"請求書.zip": zexe})

    # size ----------------------------------------------------------------------------------------------------
    # CSV rows until the whole message is just over 25 MiB (base64 grows 57 bytes into 78 with CRLF)
    row = "2026-11-27,取引先{:06d},商品A-{:04d},1,1000\r\n"
    rows, size, i = [], 0, 0
    while size * 78 // 57 < MAX + 8 * 1024:
        line = row.format(i, i % 10000)
        rows.append(line)
        size += len(line.encode())
        i += 1
    csv = "".join(rows).encode("utf-8")
    raw = outlook_mail("41", TANAKA, [COLLEAGUE], "売上明細", "売上明細です。", [att_outlook("text/csv", "売上明細_2026.csv", csv)])
    assert MAX < len(raw) < MAX + 64 * 1024, len(raw)
    c.write("int-too-large.eml", raw, {
        "envelope": env("tanaka@example.co.jp", "suzuki@example.co.jp"),
        "verdict": "reject", "rule": "too-large",
        "attachments": [{"name": "売上明細_2026.csv", "kind": "text", "protection": "not-protected"}],
        "excluded": [],
        "note": "internal mail just over 25 MiB (26,214,400 bytes) as a whole message: rules 1-3 do not hold, too-large does"},
        {"売上明細_2026.csv": csv})


# -------------------------------------------------------------------------------------------- samples

SAMPLE_EXPECTED = {
    "quote-plain-pdf.eml": {
        "envelope": {"from": "tanaka@example.co.jp", "to": ["buyer@customer.example.com"]},
        "verdict": "quarantine", "rule": "external-unprotected",
        "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}],
        "excluded": [],
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "docs/samples: an external quote mail with a plain PDF"},
    "quote-aes-zip.eml": {
        "envelope": {"from": "tanaka@example.co.jp", "to": ["buyer@customer.example.com"]},
        "verdict": "pass", "rule": "default-pass",
        "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [],
        "note": "docs/samples: the same mail with the PDF in an AES-256 zip (password Mitsumori-2026)"},
}


def sample_messages(pdf: bytes, aeszip: bytes) -> dict[str, bytes]:
    body = BODY
    return {
        "quote-plain-pdf.eml": outlook_mail("sample-pdf", TANAKA, [BUYER], "御見積書送付の件", body,
                                            [att_outlook("application/pdf", "見積書.pdf", pdf)]),
        "quote-aes-zip.eml": outlook_mail("sample-zip", TANAKA, [BUYER], "御見積書送付の件",
                                          body + "\n\n※パスワードは別途お送りします。",
                                          [att_outlook("application/x-zip-compressed", "見積書.zip", aeszip)]),
    }


def write_samples(files: str, outdir: str) -> None:
    pdf = open(os.path.join(files, "pdf/plain.pdf"), "rb").read()
    tmp = tempfile.mkdtemp(prefix="miraie-sample-")
    try:
        src = os.path.join(tmp, "見積書.pdf")
        open(src, "wb").write(pdf)
        subprocess.run(["touch", "-d", "2026-11-27 10:30:00 UTC", src], check=True)
        subprocess.run(["7z", "a", "-bd", "-y", "-tzip", "-mem=AES256", "-mtc=off", "-mta=off", "-mx=9",
                        f"-p{SAMPLE_PASSWORD}", os.path.join(tmp, "s.zip"), "見積書.pdf"],
                       cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        aeszip = open(os.path.join(tmp, "s.zip"), "rb").read()
    finally:
        shutil.rmtree(tmp)
    os.makedirs(outdir, exist_ok=True)
    for name, raw in sample_messages(pdf, aeszip).items():
        open(os.path.join(outdir, name), "wb").write(raw)
        print(f"wrote {os.path.join(outdir, name)} ({len(raw)} bytes)")


def check_samples(samples: str, out: str) -> None:
    """Validate the committed samples with the real tools and copy them into out/ with expectations."""
    os.makedirs(out, exist_ok=True)
    for name, expected in SAMPLE_EXPECTED.items():
        raw = open(os.path.join(samples, name), "rb").read()
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        parts = [(p, _name(p)) for p in _leaves(msg) if _name(p)]
        if [n for _, n in parts] != [a["name"] for a in expected["attachments"]]:
            raise SystemExit(f"build_messages: sample {name}: attachments {[n for _, n in parts]}")
        data = parts[0][0].get_payload(decode=True)
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, parts[0][1])
            open(p, "wb").write(data)
            if name == "quote-aes-zip.eml":
                subprocess.run(["7z", "t", f"-p{SAMPLE_PASSWORD}", p], check=True, stdout=subprocess.DEVNULL)
                listing = subprocess.run(["7z", "l", "-slt", f"-p{SAMPLE_PASSWORD}", p], check=True,
                                         capture_output=True, text=True).stdout
                if "Method = AES-256 Deflate" not in listing or "Path = 見積書.pdf" not in listing:
                    raise SystemExit(f"build_messages: sample {name}: zip is not AES-256 with 見積書.pdf")
            else:
                subprocess.run(["qpdf", "--check", p], check=True, stdout=subprocess.DEVNULL)
        shutil.copyfile(os.path.join(samples, name), os.path.join(out, name))
        with open(os.path.join(out, name + ".expected.json"), "w", encoding="utf-8") as fh:
            json.dump(expected, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        verify(os.path.join(out, name), raw, expected, {}, None)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", required=True)
    ap.add_argument("--out")
    ap.add_argument("--samples")
    ap.add_argument("--check-samples")
    a = ap.parse_args()
    if a.samples:
        write_samples(a.files, a.samples)
    elif a.check_samples:
        check_samples(a.check_samples, a.out)
    else:
        c = Corpus(a.files, a.out)
        build_all(c)
        print(f"build_messages: {len([n for n in os.listdir(a.out) if n.endswith('.eml')])} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
