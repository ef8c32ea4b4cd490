#!/usr/bin/python3
"""Signed and encrypted mail, delivery / read / feedback reports, and TNEF with an inline image, for
make-mail-security.sh, each message with a hand-written expectation.

The cryptography is done by the real tools in make-mail-security.sh (`openssl cms`, `gpg`); this file only
writes what a mail program puts around their output, the way Thunderbird, Outlook/Exchange, Postfix and
feedback-loop senders do (the MIME templates and encoders come from build_messages.py), and reads every
message back with Python's email parser to check that each part is where the expectation says.

Usage (from make-mail-security.sh):
  mail_security.py entities --files OUT/files --work W          inner MIME entities to sign / encrypt
  mail_security.py p7m-entity IN.p7m OUT.mime SMIME-TYPE         a CMS object as an application/pkcs7-mime entity
  mail_security.py tnef --files OUT/files --out W/x.dat          winmail.dat: HTML body, cid: image, AES zip
  mail_security.py messages --files OUT/files --work W --out OUT/messages
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_messages as bm  # noqa: E402  (the MIME templates and encoders)
import tnef_writer as tw  # noqa: E402

CRLF = bm.CRLF
TANAKA, BUYER = bm.TANAKA, bm.BUYER
ZIPCT = "application/x-zip-compressed"
XLSXCT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNNAMED = "(名前なし/unnamed #{})"  # the inspector's name for a part without a file name (its leaf index, 1-based)


def read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def write(path: str, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


# ------------------------------------------------------------------------------------------- entities

def text_part(text: str) -> str:
    """A 7-bit text part, as mail programs write the content they sign (base64 UTF-8)."""
    return bm.leaf(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"],
                   bm.b64(text.replace("\n", CRLF).encode("utf-8")))


def mixed_entity(sid: str, text: str, attachments: list[str]) -> str:
    """Thunderbird's multipart/mixed as the content of a signature or an envelope (no message headers)."""
    b = "------------" + bm.boundary_id(sid)[:24]
    return bm.multipart([f'Content-Type: multipart/mixed; boundary="{b}"'], b, [text_part(text)] + attachments,
                        preamble="This is a multi-part message in MIME format.")


def alternative_entity(sid: str, text: str) -> str:
    """Outlook's multipart/alternative (no attachments)."""
    return bm.outlook_alternative(sid, text, bm.html_paras(text))


def build_entities(files: str, work: str) -> None:
    aes, xlsx, pdf = read(f"{files}/zip/utf8-flag-names-aes256.zip"), read(f"{files}/office/customers.xlsx"), read(f"{files}/pdf/plain.pdf")
    ent = {
        "inner-aes-zip.mime": mixed_entity("s1", bm.BODY_PW, [bm.att_thunderbird(ZIPCT, "見積書.zip", aes)]),
        "inner-plain-xlsx.mime": mixed_entity("s2", "顧客一覧をお送りします。", [bm.att_thunderbird(XLSXCT, "顧客一覧.xlsx", xlsx)]),
        "inner-plain-pdf.mime": mixed_entity("s3", bm.BODY, [bm.att_outlook("application/pdf", "見積書.pdf", pdf)]),
        "inner-text.mime": alternative_entity("s4", "先日はありがとうございました。\n引き続きよろしくお願いいたします。"),
        "inner-note.mime": text_part("ご確認ください。"),
    }
    for name, text in ent.items():
        write(os.path.join(work, name), text.encode("ascii"))


def p7m_entity(der: bytes, smime_type: str) -> str:
    """Outlook's application/pkcs7-mime part (smime.p7m, disposition attachment, base64)."""
    return bm.leaf([f'Content-Type: application/pkcs7-mime; smime-type={smime_type};{CRLF}\tname="smime.p7m"',
                    'Content-Disposition: attachment; filename="smime.p7m"',
                    "Content-Transfer-Encoding: base64"], bm.b64(der))


# ----------------------------------------------------------------------------------------------- TNEF

PR_BODY_HTML = 0x1013
PR_ATTACH_CONTENT_ID = 0x3712
PR_ATTACH_FLAGS = 0x3714
ATT_MHTML_REF = 4


def tnef_inline_image(png: bytes, aes: bytes, rtf: bool = False) -> bytes:
    """winmail.dat of an HTML mail sent as TNEF: the body refers to cid:image001.png@… - as PR_BODY_HTML, or (rtf) as
    HTML encapsulated in PR_RTF_COMPRESSED ({\\rtf1 … \\fromhtml1 … {\\*\\htmltag …}}, what Outlook and Exchange write)
    - the picture as an attachment with PR_ATTACH_CONTENT_ID and ATT_MHTML_REF (rendered in the body), and an AES zip."""
    cid = "image001.png@01DB6F2A.C3D4E5F0"
    html = ('<html><body><p>いつもお世話になっております。地図を添えてお送りします。</p>'
            f'<p><img width="64" height="48" src="cid:{cid}" alt="地図"></p></body></html>').encode("utf-8")
    encapsulated = ("{\\rtf1\\ansi\\ansicpg932\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss MS PGothic;}}\n"
                    "{\\*\\htmltag19 <html>}{\\*\\htmltag50 <body>}{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 "
                    "\\u12356?\\u12388?\\u12418?\\u12362?\\u19990?\\u35441?\\u12395?\\u12394?\\u12387?\\u12390?\\u12362?\\u12426?\\u12414?\\u12377?\\u12290?"
                    "{\\*\\htmltag72 </p>}{\\*\\htmltag64 <p>}"
                    f'{{\\*\\htmltag84 <img width="64" height="48" src="cid:{cid}" alt="map">}}'
                    "{\\*\\htmltag72 </p>}{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}}\n").encode("ascii")
    out = tw.struct.pack("<IH", tw.TNEF_SIGNATURE, tw.LEGACY_KEY)
    out += tw.attribute(tw.LVL_MESSAGE, tw.ATT_TNEF_VERSION, tw.struct.pack("<I", 0x00010000))
    out += tw.attribute(tw.LVL_MESSAGE, tw.ATT_OEM_CODEPAGE, tw.struct.pack("<II", tw.OEM_CODEPAGE, 0))
    out += tw.attribute(tw.LVL_MESSAGE, tw.ATT_MESSAGE_CLASS, b"IPM.Note\0")
    out += tw.attribute(tw.LVL_MESSAGE, tw.ATT_SUBJECT, "会場のご案内".encode("cp932") + b"\0")
    out += tw.attribute(tw.LVL_MESSAGE, tw.ATT_DATE_SENT, tw.tnef_date(*tw.FIXED_DATE))
    body = (tw.PR_RTF_COMPRESSED, tw.PT_BINARY, tw.rtf_uncompressed(encapsulated)) if rtf else (PR_BODY_HTML, tw.PT_BINARY, html)
    out += tw.attribute(tw.LVL_MESSAGE, tw.ATT_MSG_PROPS, tw.mapi_props([(tw.PR_SUBJECT, tw.PT_UNICODE, "会場のご案内"), body]))
    for name, data, mime, content_id in (("image001.png", png, "image/png", cid), ("見積書.zip", aes, ZIPCT, None)):
        out += tw.attribute(tw.LVL_ATTACHMENT, tw.ATT_ATTACH_REND_DATA, tw.struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0xFFFF, 0xFFFF, 0))
        out += tw.attribute(tw.LVL_ATTACHMENT, tw.ATT_ATTACH_TITLE, name.encode("cp932") + b"\0")
        out += tw.attribute(tw.LVL_ATTACHMENT, tw.ATT_ATTACH_MODIFY_DATE, tw.tnef_date(*tw.FIXED_DATE))
        out += tw.attribute(tw.LVL_ATTACHMENT, tw.ATT_ATTACH_DATA, data)
        props = [(tw.PR_ATTACH_SIZE, tw.PT_LONG, len(data)), (tw.PR_ATTACH_METHOD, tw.PT_LONG, tw.ATTACH_BY_VALUE),
                 (tw.PR_RENDERING_POSITION, tw.PT_LONG, 0xFFFFFFFF), (tw.PR_DISPLAY_NAME, tw.PT_UNICODE, name),
                 (tw.PR_ATTACH_LONG_FILENAME, tw.PT_UNICODE, name), (tw.PR_ATTACH_MIME_TAG, tw.PT_UNICODE, mime)]
        if content_id:
            props += [(PR_ATTACH_CONTENT_ID, tw.PT_UNICODE, content_id), (PR_ATTACH_FLAGS, tw.PT_LONG, ATT_MHTML_REF)]
        out += tw.attribute(tw.LVL_ATTACHMENT, tw.ATT_ATTACHMENT, tw.mapi_props(props))
    return out


# ------------------------------------------------------------------------------------------- messages

def tb_top(sid: str, subject: str, content_type: list[str], frm=TANAKA, to=(BUYER,)) -> list[str]:
    """Thunderbird's message header, with the given Content-Type lines last."""
    h = bm.boundary_id(sid).lower()
    return [f"Message-ID: <{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[:12]}@example.co.jp>",
            "Date: Fri, 27 Nov 2026 10:25:11 +0900", "MIME-Version: 1.0", "User-Agent: Mozilla Thunderbird",
            "Content-Language: ja", "To: " + ", ".join(to), f"From: {' '.join(bm.ew_utf8(frm[0]))} <{frm[1]}>",
            "Subject: " + (CRLF + " ").join(bm.ew_utf8(subject))] + content_type


def single(top: list[str], part: str) -> bytes:
    """A message whose body is one leaf: the leaf's header lines join the message header."""
    head, body = part.split(CRLF + CRLF, 1)
    return bm.message(top + head.split(CRLF), body if body.endswith(CRLF) else body + CRLF)


def ol_top(sid: str, subject: str, content_type: list[str]) -> list[str]:
    return bm.outlook_headers(sid, TANAKA, [BUYER], subject) + content_type + ["MIME-Version: 1.0"]


def smime_signed(sid: str, inner: str, sig: bytes, outlook: bool) -> tuple[list[str], str]:
    """multipart/signed: Thunderbird (application/pkcs7-signature) or Outlook (application/x-pkcs7-signature)."""
    b = ("----=_NextPart_000_0001_01DB6F2A." + bm.boundary_id(sid)[:8]) if outlook else ("------------ms" + bm.boundary_id(sid)[:22])
    sigtype = "application/x-pkcs7-signature" if outlook else "application/pkcs7-signature"
    micalg = "2.16.840.1.101.3.4.2.1" if outlook else "sha-256"
    ctype = [f'Content-Type: multipart/signed; protocol="{sigtype}";{CRLF}\tmicalg={micalg};{CRLF}\tboundary="{b}"']
    sig_part = bm.leaf([f'Content-Type: {sigtype}; name="smime.p7s"', "Content-Transfer-Encoding: base64",
                        'Content-Disposition: attachment; filename="smime.p7s"', "Content-Description: S/MIME Cryptographic Signature"],
                       bm.b64(sig))
    return ctype, bm.multipart([], b, [inner, sig_part], preamble="This is a cryptographically signed message in MIME format.")


def pgp_signed(sid: str, inner: str, sig_part: str) -> tuple[list[str], str]:
    b = "------------" + bm.boundary_id(sid)[:24]
    return ([f'Content-Type: multipart/signed; micalg=pgp-sha256;{CRLF} protocol="application/pgp-signature";{CRLF} boundary="{b}"'],
            bm.multipart([], b, [inner, sig_part], preamble="This is an OpenPGP/MIME signed message (RFC 4880 and 3156)"))


def pgp_signature_part(data: bytes, armored: bool = True) -> str:
    """Thunderbird 78+: name=OpenPGP_signature.asc, filename=OpenPGP_signature, 7bit armor (or base64 bytes)."""
    return bm.leaf(['Content-Type: application/pgp-signature; name="OpenPGP_signature.asc"',
                    "Content-Description: OpenPGP digital signature",
                    'Content-Disposition: attachment; filename="OpenPGP_signature"'] + ([] if armored else ["Content-Transfer-Encoding: base64"]),
                   armor_lines(data) if armored else bm.b64(data))


def armor_lines(data: bytes) -> str:
    """ASCII armor as gpg writes it (LF), in CRLF lines without the last line end."""
    return data.decode("ascii").replace("\r\n", "\n").replace("\n", CRLF).rstrip(CRLF)


def pgp_encrypted(sid: str, payload_part: str) -> tuple[list[str], str]:
    """Thunderbird's PGP/MIME: the control part ("Version: 1") and the armored payload, inline encrypted.asc."""
    b = "------------" + bm.boundary_id(sid)[:24]
    control = bm.leaf(["Content-Type: application/pgp-encrypted", "Content-Description: PGP/MIME version identification"], "Version: 1")
    return ([f'Content-Type: multipart/encrypted;{CRLF} protocol="application/pgp-encrypted";{CRLF} boundary="{b}"'],
            bm.multipart([], b, [control, payload_part], preamble="This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)"))


def pgp_payload(body: str, base64: bool = False) -> str:
    return bm.leaf(['Content-Type: application/octet-stream; name="encrypted.asc"', "Content-Description: OpenPGP encrypted message",
                    'Content-Disposition: inline; filename="encrypted.asc"'] + (["Content-Transfer-Encoding: base64"] if base64 else []), body)


# --------------------------------------------------------------------------------------------- reports

POSTFIX_HOST = "mail.example.co.jp"


def returned_message(sid: str, subject: str, attachment: str) -> str:
    """What a customer sent to an address that does not exist here (Gmail-style), as Postfix returns it."""
    return bm.gmail_mail(sid, ("取引先 購買部", "buyer@customer.example.com"), ["nosuchuser@example.co.jp"], subject,
                         "お世話になっております。\n資料をお送りします。", [attachment]).decode("ascii")


def postfix_dsn(sid: str, returned: str, status: str = "5.1.1") -> bytes:
    """A Postfix 3.x bounce: text/plain notification, message/delivery-status, the returned message/rfc822."""
    qid = "4B7C1C0A2F"
    b = f"{qid}.1795775113/{POSTFIX_HOST}"
    notice = ("This is the mail system at host mail.example.co.jp.\n\nI'm sorry to have to inform you that your message could not\n"
              "be delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\n"
              "If you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n"
              "                   The mail system\n\n<nosuchuser@example.co.jp>: host exchange.example.co.jp[192.0.2.25] said:\n"
              "    550 5.1.1 User unknown (in reply to RCPT TO command)\n").replace("\n", CRLF)
    status_text = ("Reporting-MTA: dns; mail.example.co.jp\nX-Postfix-Queue-ID: 4B7C1C0A2F\n"
                   "X-Postfix-Sender: rfc822; buyer@customer.example.com\nArrival-Date: Fri, 27 Nov 2026 10:25:12 +0900 (JST)\n\n"
                   "Final-Recipient: rfc822; nosuchuser@example.co.jp\nOriginal-Recipient: rfc822;nosuchuser@example.co.jp\n"
                   f"Action: failed\nStatus: {status}\nRemote-MTA: dns; exchange.example.co.jp\n"
                   "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n").replace("\n", CRLF)
    top = ["Date: Fri, 27 Nov 2026 10:25:13 +0900 (JST)", "From: MAILER-DAEMON@mail.example.co.jp (Mail Delivery System)",
           "Subject: Undelivered Mail Returned to Sender", "To: buyer@customer.example.com", "Auto-Submitted: auto-replied",
           "MIME-Version: 1.0", f'Content-Type: multipart/report; report-type=delivery-status;{CRLF}\tboundary="{b}"',
           "Content-Transfer-Encoding: 8bit", f"Message-Id: <20261127012513.{qid}{sid}@mail.example.co.jp>"]
    body = bm.multipart([], b, [
        bm.leaf(["Content-Description: Notification", "Content-Type: text/plain; charset=us-ascii"], notice),
        bm.leaf(["Content-Description: Delivery report", "Content-Type: message/delivery-status"], status_text),
        bm.leaf(["Content-Description: Undelivered Message", "Content-Type: message/rfc822", "Content-Transfer-Encoding: 8bit"], returned),
    ], preamble="This is a MIME-encapsulated message.")
    return bm.message(top, body)


def exchange_ndr(sid: str) -> bytes:
    """Exchange's NDR with the original's header only: multipart/alternative, message/delivery-status, text/rfc822-headers."""
    b = f"_000_{bm.boundary_id(sid)}TYCPR01MB_"
    text = "配信不能: 御見積書送付の件\n\n次の受信者またはグループへの配信に失敗しました:\n\nnosuchuser@example.co.jp\n"
    alt = bm.outlook_alternative(sid + "a", text, bm.html_paras(text))
    status_text = ("Reporting-MTA: dns;TYCPR01MB1234.jpnprd01.prod.outlook.com\nReceived-From-MTA: dns;TYCPR01MB5678.jpnprd01.prod.outlook.com\n"
                   "Arrival-Date: Fri, 27 Nov 2026 01:25:12 +0000\n\nFinal-Recipient: rfc822;nosuchuser@example.co.jp\nAction: failed\n"
                   "Status: 5.1.10\nDiagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
                   ).replace("\n", CRLF)
    headers = ("Received: from TYCPR01MB5678.jpnprd01.prod.outlook.com ([::1]) by TYCPR01MB1234.jpnprd01.prod.outlook.com;\n"
               " Fri, 27 Nov 2026 01:25:12 +0000\nFrom: buyer@customer.example.com\nTo: nosuchuser@example.co.jp\n"
               "Subject: " + bm.ew_2022_lower("御見積書送付の件", 20)[0] + "\nDate: Fri, 27 Nov 2026 10:25:11 +0900\n"
               "Message-ID: <CAGm0123456789abcdef@mail.gmail.com>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"000000000000a1b2c3\"\n"
               ).replace("\n", CRLF)
    top = ["From: Microsoft Outlook <postmaster@example.co.jp>", "To: <buyer@customer.example.com>",
           "Date: Fri, 27 Nov 2026 01:25:13 +0000", f"Message-ID: <{bm.boundary_id(sid)}@TYCPR01MB1234.jpnprd01.prod.outlook.com>",
           "Subject: " + (CRLF + "\t").join(bm.ew_2022_lower("配信不能: 御見積書送付の件")), "Auto-Submitted: auto-replied",
           "Content-Language: ja-JP", f'Content-Type: multipart/report; report-type=delivery-status;{CRLF}\tboundary="{b}"', "MIME-Version: 1.0"]
    body = bm.multipart([], b, [alt,
                                bm.leaf(["Content-Type: message/delivery-status"], status_text),
                                bm.leaf(["Content-Type: text/rfc822-headers"], headers)])
    return bm.message(top, body)


def thunderbird_mdn(sid: str) -> bytes:
    """Thunderbird's read receipt: text/plain, message/disposition-notification, text/rfc822-headers."""
    b = "------------" + bm.boundary_id(sid)[:24]
    mdn = ("Reporting-UA: tanaka-pc.example.co.jp; Mozilla Thunderbird\nFinal-Recipient: rfc822;tanaka@example.co.jp\n"
           "Original-Message-ID: <CAGm0123456789abcdef@mail.gmail.com>\nDisposition: manual-action/MDN-sent-manually; displayed\n").replace("\n", CRLF)
    headers = ("Message-ID: <CAGm0123456789abcdef@mail.gmail.com>\nDate: Fri, 27 Nov 2026 09:10:00 +0900\n"
               "From: buyer@customer.example.com\nTo: tanaka@example.co.jp\nSubject: " + bm.ew_utf8("ご相談")[0] + "\n"
               "Disposition-Notification-To: buyer@customer.example.com\n").replace("\n", CRLF)
    body = bm.multipart([], b, [
        text_part("これは 2026/11/27 9:10 に tanaka@example.co.jp へ送信したメッセージの開封確認です。\n"
                  "受信者がメッセージを表示したことを示しています。受信者がメッセージを読んで内容を理解したことを示すものではありません。"),
        bm.leaf(["Content-Type: message/disposition-notification; name=\"MDNPart2.txt\"", "Content-Disposition: inline",
                 "Content-Transfer-Encoding: 7bit"], mdn),
        bm.leaf(["Content-Type: text/rfc822-headers; name=\"MDNPart3.txt\"", "Content-Transfer-Encoding: 7bit",
                 "Content-Disposition: inline"], headers),
    ], preamble="This is a multi-part message in MIME format.")
    top = tb_top(sid, "開封確認: ご相談", [f'Content-Type: multipart/report; report-type=disposition-notification;{CRLF} boundary="{b}"'])
    return bm.message(top, body)


def arf_report(sid: str, spam: str) -> bytes:
    """An ARF abuse report (RFC 5965) a feedback loop sends: text/plain, message/feedback-report, the message/rfc822."""
    b = "----=_Part_" + bm.boundary_id(sid)[:16]
    fb = ("Feedback-Type: abuse\nUser-Agent: ExampleFBL/1.0\nVersion: 1\nOriginal-Mail-From: <tanaka@example.co.jp>\n"
          "Original-Rcpt-To: <buyer@customer.example.com>\nArrival-Date: Fri, 27 Nov 2026 01:25:12 +0000\n"
          "Reported-Domain: example.co.jp\nSource-IP: 192.0.2.25\n").replace("\n", CRLF)
    top = ["From: abuse@example.co.jp", "To: fbl@customer.example.com", "Subject: FW: abuse report",
           "Date: Fri, 27 Nov 2026 10:30:00 +0900", f"Message-ID: <{bm.boundary_id(sid)}@example.co.jp>", "MIME-Version: 1.0",
           f'Content-Type: multipart/report; report-type=feedback-report;{CRLF}\tboundary="{b}"']
    body = bm.multipart([], b, [
        bm.leaf(["Content-Type: text/plain; charset=\"US-ASCII\"", "Content-Transfer-Encoding: 7bit"],
                "This is an email abuse report for an email message received from IP 192.0.2.25 on Fri, 27 Nov 2026 01:25:12 +0000."),
        bm.leaf(["Content-Type: message/feedback-report"], fb),
        bm.leaf(["Content-Type: message/rfc822", "Content-Disposition: inline"], spam),
    ])
    return bm.message(top, body)


def global_dsn(sid: str) -> bytes:
    """RFC 6533: message/global-delivery-status and message/global-headers (UTF-8 addresses and header fields)."""
    b = f"{bm.boundary_id(sid)[:10]}.1795775113/{POSTFIX_HOST}"
    status_text = ("Reporting-MTA: dns; mail.example.co.jp\n\nFinal-Recipient: utf-8; 存在しない@例え.jp\nAction: failed\nStatus: 5.1.1\n"
                   "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n").replace("\n", CRLF)
    headers = "From: 取引先 <buyer@customer.example.com>\nTo: 存在しない@例え.jp\nSubject: 御見積書送付の件\nDate: Fri, 27 Nov 2026 10:25:11 +0900\n".replace("\n", CRLF)
    top = ["Date: Fri, 27 Nov 2026 10:25:13 +0900 (JST)", "From: MAILER-DAEMON@mail.example.co.jp (Mail Delivery System)",
           "Subject: Undelivered Mail Returned to Sender", "To: buyer@customer.example.com", "Auto-Submitted: auto-replied",
           "MIME-Version: 1.0", f'Content-Type: multipart/report; report-type=global-delivery-status;{CRLF}\tboundary="{b}"',
           "Content-Transfer-Encoding: 8bit", f"Message-Id: <20261127012513.{bm.boundary_id(sid)[:10]}@mail.example.co.jp>"]
    body = bm.multipart([], b, [
        bm.leaf(["Content-Description: Notification", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"],
                "This is the mail system at host mail.example.co.jp.\r\n\r\nYour message could not be delivered."),
        bm.leaf(["Content-Description: Delivery report", "Content-Type: message/global-delivery-status", "Content-Transfer-Encoding: 8bit"], status_text),
        bm.leaf(["Content-Description: Undelivered Message Headers", "Content-Type: message/global-headers", "Content-Transfer-Encoding: 8bit"], headers),
    ], preamble="This is a MIME-encapsulated message.")
    return bm.message(top, body)


# ------------------------------------------------------------------------------------------ verifying

def leaves(msg):
    """Every leaf in MIME order; a message/* part (an attached message, delivery-status blocks) is one leaf."""
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for p in msg.get_payload():
            yield from leaves(p)
    else:
        yield msg


def verify(name: str, raw: bytes, expected: dict, defects_ok: bool = False) -> None:
    def fail(why):
        raise SystemExit(f"mail_security: {name}: {why}")
    if b"\n" in raw.replace(b"\r\n", b""):
        fail("bare LF")
    if any(len(line) > 998 for line in raw.split(b"\r\n")):
        fail("line over 998 octets")
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    defects = [type(d).__name__ for p in msg.walk() for d in p.defects]
    if defects and not defects_ok:
        fail(f"MIME defects {defects}")
    parts = list(leaves(msg))
    names = [bm._name(p) for p in parts]
    opaque = msg.get_content_type() == "application/pkcs7-mime" and msg.get_param("smime-type") == "signed-data"
    for a in expected["attachments"]:
        if a["name"].startswith("(名前なし") or opaque:   # inside an opaque signature: openssl cms -verify checks it
            continue
        if a["kind"] == "message":
            if not any(p.get_content_type() in ("message/rfc822", "message/global") for p in parts):
                fail(f"no attached message for {a['name']}")
        elif a["name"] not in names:
            fail(f"attachment {a['name']} is not a part: {names}")
    wanted_types = {"signature": {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
                                  "application/pkcs7-mime"},
                    "encryption-control": {"application/pgp-encrypted"},
                    "report": {"message/delivery-status", "message/global-delivery-status", "message/disposition-notification",
                               "message/feedback-report", "text/rfc822-headers", "message/global-headers"}}
    for x in expected["excluded"]:
        if x["why"] not in wanted_types or x.get("within"):
            continue
        matching = [p for p in parts if p.get_content_type() in wanted_types[x["why"]] and bm._name(p) == x["name"]]
        if not matching:
            fail(f"no {x['why']} part named {x['name']!r}")


class Out:
    def __init__(self, out: str):
        self.out = out
        self.count = 0

    def write(self, name: str, raw: bytes, expected: dict, defects_ok: bool = False) -> None:
        verify(name, raw, expected, defects_ok)
        write(os.path.join(self.out, name), raw)
        with open(os.path.join(self.out, name + ".expected.json"), "w", encoding="utf-8") as fh:
            json.dump(expected, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        self.count += 1


def env(frm: str = "tanaka@example.co.jp", *to: str) -> dict:
    return {"from": frm, "to": list(to) or ["buyer@customer.example.com"]}


def build_messages(files: str, work: str, out: str) -> None:
    o = Out(out)
    w = lambda n: read(os.path.join(work, n))  # noqa: E731
    inner = lambda n: w(n).decode("ascii")  # noqa: E731
    aes, xlsx, pdf, png = (read(f"{files}/zip/utf8-flag-names-aes256.zip"), read(f"{files}/office/customers.xlsx"),
                           read(f"{files}/pdf/plain.pdf"), read(f"{files}/image/image001.png"))
    pass_ = {"verdict": "pass", "rule": "default-pass"}
    unprotected = {"verdict": "quarantine", "rule": "external-unprotected"}
    unknown = {"verdict": "quarantine", "rule": "external-unknown"}
    p7s = [{"name": "smime.p7s", "why": "signature"}]
    p7m = [{"name": "smime.p7m", "why": "signature"}]

    # S/MIME, detached signatures ---------------------------------------------------------------------
    ct, body = smime_signed("m1", inner("inner-aes-zip.mime"), w("sig-aes.p7s"), outlook=False)
    o.write("ext-smime-signed-aes-zip.eml", bm.message(tb_top("m1", "御見積書送付の件", ct), body), {
        "envelope": env(), **pass_, "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}], "excluded": p7s,
        "note": "Thunderbird S/MIME signed mail (openssl cms -sign, detached): multipart/signed with smime.p7s (application/pkcs7-signature). The signature parses as CMS SignedData without content: body, not an attachment (PRODUCT.md). Quarantined for its smime.p7s before issue 12"})
    ct, body = smime_signed("m2", inner("inner-text.mime"), w("sig-text.p7s"), outlook=True)
    o.write("ext-smime-signed-outlook-no-attachment.eml", bm.message(ol_top("m2", "お礼", ct), body), {
        "envelope": env(), **pass_, "attachments": [], "excluded": p7s,
        "note": "Outlook's signed mail: multipart/signed; protocol=application/x-pkcs7-signature, the text and HTML body and smime.p7s as application/x-pkcs7-signature"})
    ct, body = smime_signed("m3", inner("inner-plain-xlsx.mime"), w("sig-xlsx.p7s"), outlook=False)
    o.write("ext-smime-signed-plain-xlsx.eml", bm.message(tb_top("m3", "顧客一覧", ct), body), {
        "envelope": env(), **unprotected, "attachments": [{"name": "顧客一覧.xlsx", "kind": "ooxml", "protection": "not-protected"}],
        "excluded": p7s, "reasons": [{"path": "顧客一覧.xlsx", "why": "not-protected"}],
        "note": "signing is not encryption: the signed mail's unencrypted xlsx is still an attachment anyone can read"})
    fake = bm.leaf(['Content-Type: application/pkcs7-signature; name="smime.p7s"', "Content-Transfer-Encoding: base64",
                    'Content-Disposition: attachment; filename="smime.p7s"'], bm.b64(w("plain.zip")))
    b = "------------ms" + bm.boundary_id("m4")[:22]
    o.write("ext-smime-signature-is-zip.eml", bm.message(tb_top("m4", "顧客一覧", [
        f'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;{CRLF} boundary="{b}"']),
        bm.multipart([], b, [inner("inner-note.mime"), fake])), {
        "envelope": env(), "verdict": "quarantine", "rule": "disguised",
        "attachments": [{"name": "smime.p7s", "kind": "zip", "protection": "not-protected", "disguised": True}], "excluded": [],
        "reasons": [{"path": "smime.p7s", "why": "disguised"}, {"path": "smime.p7s › 顧客一覧.xlsx", "why": "not-protected"}],
        "note": "a 'signature' that is a plain ZIP holding an xlsx: it does not parse as CMS SignedData, so it is an attachment like any other; named .p7s it is also disguised"})

    # S/MIME, opaque signatures (signed-data): unwrapped, the content inspected like the message's own -------
    o.write("ext-smime-opaque-signed-aes-zip.eml", single(ol_top("m5", "御見積書送付の件", []), p7m_entity(w("opaque-aes.p7m"), "signed-data")), {
        "envelope": env(), **pass_, "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}], "excluded": p7m,
        "note": "opaque-signed (openssl cms -sign -nodetach): application/pkcs7-mime; smime-type=signed-data. Anyone can read the content, so it is unwrapped (SignedCms) and walked like the body: the AES zip inside is the attachment"})
    o.write("ext-smime-opaque-signed-plain-pdf.eml", single(ol_top("m6", "御見積書送付の件", []), p7m_entity(w("opaque-pdf.p7m"), "signed-data")), {
        "envelope": env(), **unprotected, "attachments": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}], "excluded": p7m,
        "reasons": [{"path": "見積書.pdf", "why": "not-protected"}],
        "note": "opaque-signed mail carrying a plain PDF: the signature does not hide it"})
    att = bm.leaf(['Content-Type: application/pkcs7-mime; name="申請書.pdf.p7m"', 'Content-Disposition: attachment; filename*=UTF-8\'\'' + bm.pct("申請書.pdf.p7m"),
                   "Content-Transfer-Encoding: base64"], bm.b64(w("signed-pdf.p7m")))
    o.write("ext-smime-attached-signed-pdf.eml", bm.thunderbird_mail("m7", TANAKA, [BUYER], "申請書", "署名付きの申請書を添付します。", [att]), {
        "envelope": env(), **unprotected,
        "attachments": [{"name": "申請書.pdf.p7m", "kind": "smime", "protection": "not-protected"}], "excluded": [],
        "reasons": [{"path": "申請書.pdf.p7m › 申請書.pdf", "why": "not-protected"}],
        "note": "an attached .p7m (a PDF signed with openssl cms -sign -nodetach -binary, as electronic-application systems make them): its content is not a MIME entity, so it is a file inside the signature"})

    # S/MIME, enveloped (encrypted) --------------------------------------------------------------------------
    for name, der, stype, what in (("ext-smime-encrypted.eml", "env-xlsx.p7m", "enveloped-data", "AES-256-CBC (openssl cms -encrypt -aes256)"),
                                   ("ext-smime-auth-encrypted.eml", "authenv-xlsx.p7m", "authEnveloped-data", "AES-256-GCM (openssl cms -encrypt -aes-256-gcm, RFC 5083 AuthEnvelopedData)"),
                                   ("ext-smime-signed-then-encrypted.eml", "signenv.p7m", "enveloped-data", "sign then encrypt, as Outlook does with both buttons on")):
        o.write(name, single(ol_top(name, "顧客一覧", []), p7m_entity(w(der), stype)), {
            "envelope": env(), **pass_, "attachments": [{"name": "smime.p7m", "kind": "smime", "protection": "protected"}], "excluded": [],
            "note": f"S/MIME encrypted mail, {what}, holding an unencrypted xlsx: only the recipient's key opens it - protected, confirmed by parsing the CMS structure"})
    o.write("ext-smime-encrypted-random-bytes.eml", single(ol_top("m8", "顧客一覧", []), p7m_entity(w("random.bin"), "enveloped-data")), {
        "envelope": env(), **unknown, "attachments": [{"name": "smime.p7m", "kind": "unknown", "protection": "unknown"}], "excluded": [],
        "reasons": [{"path": "smime.p7m", "why": "unknown"}],
        "note": "claims to be S/MIME enveloped-data but holds 4 KiB of random bytes: claimed, unparseable encryption is unknown, never protected"})

    # OpenPGP ----------------------------------------------------------------------------------------------
    ct, body = pgp_encrypted("m9", pgp_payload(armor_lines(w("pgp-xlsx.asc"))))
    ctrl = [{"name": None, "why": "encryption-control"}]
    o.write("ext-pgpmime-encrypted.eml", bm.message(tb_top("m9", "顧客一覧", ct), body), {
        "envelope": env(), **pass_, "attachments": [{"name": "encrypted.asc", "kind": "openpgp", "protection": "protected"}], "excluded": ctrl,
        "note": "Thunderbird PGP/MIME encrypted mail (gpg -a -e to two keys, RSA and Curve25519): the control part 'Version: 1' is body; encrypted.asc holds public-key encrypted session keys and a SEIPD packet - protected"})
    ct, body = pgp_encrypted("m10", pgp_payload(bm.b64(w("random.bin")), base64=True))
    o.write("ext-pgpmime-encrypted-not-openpgp.eml", bm.message(tb_top("m10", "顧客一覧", ct), body), {
        "envelope": env(), **unknown, "attachments": [{"name": "encrypted.asc", "kind": "unknown", "protection": "unknown"}], "excluded": ctrl,
        "reasons": [{"path": "encrypted.asc", "why": "unknown"}],
        "note": "multipart/encrypted whose payload is random bytes, not OpenPGP packets: unknown, never protected"})
    ct, body = pgp_signed("m11", inner("inner-aes-zip.mime"), pgp_signature_part(w("pgp-sig-aes.asc")))
    o.write("ext-pgpmime-signed-aes-zip.eml", bm.message(tb_top("m11", "御見積書送付の件", ct), body), {
        "envelope": env(), **pass_, "attachments": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}],
        "excluded": [{"name": "OpenPGP_signature", "why": "signature"}],
        "note": "Thunderbird PGP/MIME signed mail (gpg -a --detach-sign): the OpenPGP_signature part holds a signature packet - body"})
    ct, body = pgp_signed("m12", inner("inner-note.mime"), pgp_signature_part(read(f"{files}/text/customers-utf8-bom.csv"), armored=False))
    o.write("ext-pgp-signature-is-text.eml", bm.message(tb_top("m12", "顧客一覧", ct), body), {
        "envelope": env(), **unprotected, "attachments": [{"name": "OpenPGP_signature", "kind": "text", "protection": "not-protected"}],
        "excluded": [], "reasons": [{"path": "OpenPGP_signature", "why": "not-protected"}],
        "note": "an application/pgp-signature part that holds a customer CSV, not a signature packet: an attachment"})
    gpg_att = bm.leaf([f'Content-Type: application/pgp-encrypted; name="{" ".join(bm.ew_utf8("顧客一覧.xlsx.gpg"))}"',
                       "Content-Disposition: attachment; filename*=UTF-8''" + bm.pct("顧客一覧.xlsx.gpg"), "Content-Transfer-Encoding: base64"],
                      bm.b64(w("xlsx.gpg")))
    o.write("ext-pgp-attached-gpg.eml", bm.thunderbird_mail("m13", TANAKA, [BUYER], "顧客一覧", "gpg で暗号化して添付します。", [gpg_att]), {
        "envelope": env(), **pass_, "attachments": [{"name": "顧客一覧.xlsx.gpg", "kind": "openpgp", "protection": "protected"}], "excluded": [],
        "note": "a file encrypted with gpg -e (binary: PKESK + SEIPD) attached to ordinary mail: protected by its packets, whatever the declared type"})
    o.write("ext-pgp-attached-symmetric-asc.eml", bm.outlook_mail("m14", TANAKA, [BUYER], "御見積書送付の件", bm.BODY_PW,
                                                                  [bm.att_outlook("application/octet-stream", "見積書.pdf.asc", w("pdf-sym.asc"))]), {
        "envelope": env(), **pass_, "attachments": [{"name": "見積書.pdf.asc", "kind": "openpgp", "protection": "protected"}], "excluded": [],
        "note": "a PDF encrypted with a password (gpg -c -a: armored SKESK + SEIPD), attached from Outlook"})
    inline = bm.leaf(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 7bit"],
                     armor_lines(w("inline.asc")))
    o.write("ext-pgp-inline-body.eml", single(tb_top("m15", "ご連絡", []), inline), {
        "envelope": env(), **pass_, "attachments": [], "excluded": [],
        "note": "inline PGP (an armored message in the text body): body text, not an attachment - nothing to inspect (ADR-003)"})

    # Reports ------------------------------------------------------------------------------------------------
    rep = {"name": None, "why": "report"}
    ret_aes = returned_message("r1", "Re: 御見積書送付の件", bm.att_gmail(ZIPCT, "見積書.zip", aes, "f_r1"))
    o.write("ext-dsn-postfix-returned-aes-zip.eml", postfix_dsn("1", ret_aes), {
        "envelope": env("", "buyer@customer.example.com"), **pass_,
        "attachments": [{"name": "Re: 御見積書送付の件.eml", "kind": "message", "protection": "protected"}], "excluded": [rep],
        "note": "Postfix bounce to a customer (null sender): the notification is body, message/delivery-status is body (it parses as the header fields RFC 3464 requires), the returned message is inspected like any attached message (its AES zip is protected)"})
    ret_pdf = returned_message("r2", "Re: 御見積書送付の件", bm.att_gmail("application/pdf", "見積書.pdf", pdf, "f_r2"))
    o.write("ext-dsn-postfix-returned-plain-pdf.eml", postfix_dsn("2", ret_pdf), {
        "envelope": env("", "buyer@customer.example.com"), **unprotected,
        "attachments": [{"name": "Re: 御見積書送付の件.eml", "kind": "message", "protection": "not-protected"}], "excluded": [rep],
        "reasons": [{"path": "Re: 御見積書送付の件.eml › 見積書.pdf", "why": "not-protected"}],
        "note": "the same bounce returning a message with a plain PDF: a returned message is inspected like any attached message (PRODUCT.md)"})
    o.write("ext-ndr-exchange-headers-only.eml", exchange_ndr("r3"), {
        "envelope": env("", "buyer@customer.example.com"), **pass_, "attachments": [], "excluded": [rep, rep],
        "note": "Exchange NDR: multipart/alternative notice, message/delivery-status, text/rfc822-headers - all body"})
    o.write("ext-mdn-read-receipt.eml", thunderbird_mdn("r4"), {
        "envelope": env("", "buyer@customer.example.com"), **pass_, "attachments": [],
        "excluded": [{"name": "MDNPart2.txt", "why": "report"}, {"name": "MDNPart3.txt", "why": "report"}],
        "note": "Thunderbird read receipt (RFC 8098): message/disposition-notification and text/rfc822-headers are body, names and all"})
    spam = bm.gmail_mail("r5s", TANAKA, [BUYER], "セール情報", "本日限りのセールのお知らせです。", []).decode("ascii")
    o.write("ext-arf-feedback-report.eml", arf_report("r5", spam), {
        "envelope": env("abuse@example.co.jp", "fbl@customer.example.com"), **pass_,
        "attachments": [{"name": "セール情報.eml", "kind": "message", "protection": "protected"}], "excluded": [rep],
        "note": "ARF abuse report (RFC 5965): message/feedback-report is body; the reported message is inspected (it has no attachment)"})
    o.write("ext-dsn-global-utf8.eml", global_dsn("r6"), {
        "envelope": env("", "buyer@customer.example.com"), **pass_, "attachments": [], "excluded": [rep, rep],
        "note": "RFC 6533 bounce: message/global-delivery-status and message/global-headers in UTF-8"})
    # negative: a report part that does not prove it
    zip_ds = bm.leaf(["Content-Type: message/delivery-status", "Content-Transfer-Encoding: base64"], bm.b64(w("plain.zip")))
    b = "----=_Part_" + bm.boundary_id("r7")[:16]
    o.write("ext-dsn-delivery-status-is-zip.eml", bm.message(tb_top("r7", "Delivery Status Notification", [
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{b}"']),
        bm.multipart([], b, [text_part("配信できませんでした。"), zip_ds])), {
        "envelope": env(), **unprotected,
        "attachments": [{"name": UNNAMED.format(2), "kind": "zip", "protection": "not-protected"}], "excluded": [],
        "reasons": [{"path": UNNAMED.format(2) + " › 顧客一覧.xlsx", "why": "not-protected"}],
        "note": "a 'message/delivery-status' part carrying a ZIP with an xlsx: it does not parse as delivery-status fields, so it is an attachment (fail closed)"},
        defects_ok=True)  # Python's parser, too, finds no header fields in it
    ds = bm.leaf(["Content-Type: message/delivery-status"], "Reporting-MTA: dns; mail.example.co.jp\r\n\r\nFinal-Recipient: rfc822; x@example.co.jp\r\nAction: failed\r\nStatus: 5.1.1")
    b = "------------" + bm.boundary_id("r8")[:24]
    o.write("ext-delivery-status-outside-report.eml", bm.message(tb_top("r8", "状況", [f'Content-Type: multipart/mixed; boundary="{b}"']),
                                                                 bm.multipart([], b, [text_part("状況です。"), ds])), {
        "envelope": env(), **unprotected,
        "attachments": [{"name": UNNAMED.format(2), "kind": "text", "protection": "not-protected"}], "excluded": [],
        "note": "delivery-status fields outside a multipart/report are not a report: an unnamed text attachment"})

    # Body items inside containers: a winmail.dat's and an attached message's inline images -----------------------
    o.write("ext-tnef-inline-image-and-aes-zip.eml", bm.outlook_mail("t1", TANAKA, [BUYER], "会場のご案内", bm.BODY_PW,
                                                                      [bm.att_tnef(w("inline-image.dat"))], tnef=True), {
        "envelope": env(), **pass_, "attachments": [{"name": "winmail.dat", "kind": "tnef", "protection": "protected"}],
        "excluded": [{"name": "image001.png", "why": "inline-image", "within": "winmail.dat"}],
        "note": "winmail.dat of an HTML mail: PR_BODY_HTML refers to cid:image001.png@..., the picture is an attachment with that Content-ID (ATT_MHTML_REF) - body, and listed as such (it was dropped from the report silently before issue 12); the AES zip is the attachment"})
    o.write("ext-tnef-rtf-inline-image-and-aes-zip.eml", bm.outlook_mail("t3", TANAKA, [BUYER], "会場のご案内", bm.BODY_PW,
                                                                          [bm.att_tnef(w("inline-image-rtf.dat"))], tnef=True), {
        "envelope": env(), **pass_, "attachments": [{"name": "winmail.dat", "kind": "tnef", "protection": "protected"}],
        "excluded": [{"name": "image001.png", "why": "inline-image", "within": "winmail.dat"}],
        "note": "the same winmail.dat with the HTML encapsulated in compressed RTF (\\fromhtml1, the cid: reference inside an \\htmltag group), as Outlook writes it: the picture is body, not a plain image attachment"})
    cid = "image001.png@01DB6F2A.C3D4E5F0"
    rb = "_005_" + bm.boundary_id("t2i")
    html = bm.html_paras("地図です。") + f'\n<p class="MsoNormal"><img width="64" height="48" src="cid:{cid}" alt="地図"></p>'
    rel = bm.multipart([f'Content-Type: multipart/related;{CRLF}\tboundary="{rb}";{CRLF}\ttype="multipart/alternative"'], rb,
                       [bm.outlook_alternative("t2i", "地図です。", html), bm.att_outlook("image/png", "image001.png", png, inline_cid=cid)])
    fwd_inner = single(bm.outlook_headers("t2i", ("山本 次郎", "yamamoto@example.co.jp"), [bm.COLLEAGUE], "会場の地図") + ["MIME-Version: 1.0"], rel).decode("ascii")
    fwd = bm.leaf([f'Content-Type: message/rfc822; name="{" ".join(bm.ew_utf8("会場の地図.eml"))}"',
                   "Content-Disposition: attachment; filename*=UTF-8''" + bm.pct("会場の地図.eml")], fwd_inner)
    o.write("ext-forwarded-message-inline-image.eml", bm.thunderbird_mail("t2", TANAKA, [BUYER], "Fw: 会場の地図", "転送します。", [fwd]), {
        "envelope": env(), **pass_, "attachments": [{"name": "会場の地図.eml", "kind": "message", "protection": "protected"}],
        "excluded": [{"name": "image001.png", "why": "inline-image", "within": "会場の地図.eml"}],
        "note": "a forwarded Outlook HTML mail whose only picture is referenced by cid: from its HTML: body of the attached message, listed with where it sits"})
    print(f"mail_security: {o.count} messages")


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("entities"); e.add_argument("--files", required=True); e.add_argument("--work", required=True)  # noqa: E702
    p = sub.add_parser("p7m-entity"); p.add_argument("der"); p.add_argument("out"); p.add_argument("smime_type")  # noqa: E702
    t = sub.add_parser("tnef"); t.add_argument("--files", required=True); t.add_argument("--out", required=True)  # noqa: E702
    t.add_argument("--rtf", action="store_true")
    m = sub.add_parser("messages")
    m.add_argument("--files", required=True); m.add_argument("--work", required=True); m.add_argument("--out", required=True)  # noqa: E702
    a = ap.parse_args()
    if a.cmd == "entities":
        build_entities(a.files, a.work)
    elif a.cmd == "p7m-entity":
        write(a.out, p7m_entity(read(a.der), a.smime_type).encode("ascii"))
    elif a.cmd == "tnef":
        write(a.out, tnef_inline_image(read(f"{a.files}/image/image001.png"), read(f"{a.files}/zip/utf8-flag-names-aes256.zip"), a.rtf))
    else:
        build_messages(a.files, a.work, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
