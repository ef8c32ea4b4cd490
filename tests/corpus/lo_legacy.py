#!/usr/bin/python3
"""Write legacy binary Office files (.doc, .xls, .ppt) with LibreOffice through UNO (python3-uno).

Nothing else on Debian writes password-encrypted .doc/.xls: msoffcrypto-tool only encrypts OOXML.
LibreOffice's "MS Word 97" and "MS Excel 97" export filters honour a "Password" property in the
store arguments and write RC4-encrypted files (the Office 97/2000 compatible scheme); the
"MS PowerPoint 97" filter ignores it, so no encrypted .ppt can be made here.

Usage: lo_legacy.py OUTDIR PASSWORD
Writes OUTDIR/quote.doc, quote-encrypted.doc, customers.xls, customers-encrypted.xls, plan.ppt.

It starts its own headless soffice with a private profile and a private pipe, and stops it.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import uno  # python3-uno: only importable with Debian's /usr/bin/python3
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextlib.contextmanager
def office():
    """A headless soffice of our own (private profile, private pipe), stopped afterwards; yields its component
    context (ctx.ServiceManager creates services, new_document opens documents). Also used by lo_documents.py."""
    profile = tempfile.mkdtemp(prefix="miraie-lo-")
    pipe = f"miraie_corpus_{os.getpid()}"
    soffice = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        deadline = time.monotonic() + 60
        while ctx is None:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            except Exception:
                if soffice.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("lo: soffice did not start")
                time.sleep(0.2)
        yield ctx
        try:
            desktop(ctx).terminate()
        except Exception:
            pass  # the bridge drops while soffice exits
        soffice.wait(timeout=60)
    finally:
        # soffice is a launcher: soffice.bin runs as its child, in the session started for it above. Stop that session's
        # processes (only what this script started), or a failed run leaves soffice.bin behind.
        try:
            os.killpg(soffice.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # already gone: the normal case after terminate()
        soffice.wait()
        shutil.rmtree(profile, ignore_errors=True)


def desktop(ctx):
    return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def new_document(ctx, factory):
    return desktop(ctx).loadComponentFromURL(f"private:factory/{factory}", "_blank", 0, (prop("Hidden", True),))


def store(doc, path, filt, pw=None):
    args = [prop("FilterName", filt), prop("Overwrite", True)]
    if pw:
        args.append(prop("Password", pw))
    doc.storeToURL(uno.systemPathToFileUrl(path), tuple(args))


def main(outdir: str, password: str) -> int:
    os.makedirs(outdir, exist_ok=True)
    with office() as ctx:
        doc = new_document(ctx, "swriter")
        doc.Text.setString("御見積書\n株式会社取引先 御中\n見積金額 1,234,000円（税込）")
        store(doc, os.path.join(outdir, "quote.doc"), "MS Word 97")
        store(doc, os.path.join(outdir, "quote-encrypted.doc"), "MS Word 97", password)
        doc.close(True)

        doc = new_document(ctx, "scalc")
        sheet = doc.Sheets.getByIndex(0)
        for r, row in enumerate([("顧客名", "電話番号"), ("山田 花子", "03-0000-0000"), ("佐藤 一郎", "06-0000-0000")]):
            for c, v in enumerate(row):
                sheet.getCellByPosition(c, r).setString(v)
        store(doc, os.path.join(outdir, "customers.xls"), "MS Excel 97")
        store(doc, os.path.join(outdir, "customers-encrypted.xls"), "MS Excel 97", password)
        doc.close(True)

        doc = new_document(ctx, "simpress")
        store(doc, os.path.join(outdir, "plan.ppt"), "MS PowerPoint 97")
        doc.close(True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
