#!/usr/bin/python3
"""Write OpenDocument files (plain and saved with a password) and Office Open XML files with embedded objects, with
LibreOffice through UNO (python3-uno), for make-documents.sh.

- ODF with a password: storeToURL with the "writer8" / "calc8" / "impress8" filter and a "Password" property is
  what "File > Save As > Save with password" does: every part of the package but `mimetype` and
  `META-INF/manifest.xml` is encrypted (AES-256-CBC, PBKDF2-SHA1 100,000 rounds in LibreOffice 7.4) and declared in
  the manifest with <manifest:encryption-data>. No thumbnail is written for an encrypted document.
- Embedded objects: a Calc spreadsheet embedded in a Writer text (TextEmbeddedObject) and in an Impress slide
  (OLE2Shape). LibreOffice exports them to .docx / .pptx as word/embeddings/oleObject1.xlsx and
  ppt/embeddings/oleObject1.xlsx (real OOXML packages inside the package). LibreOffice 7.4's .xlsx export drops
  an embedded Writer object, so there is no xl/embeddings case made by LibreOffice.
- convert: LibreOffice loads a file once and stores it with other filters (round trip of ole_package.py's .docx, and
  the .odt it becomes: LibreOffice keeps the OLE Package as an "Obj…" part of media type
  application/vnd.sun.star.oleobject).

Usage:
    lo_documents.py make OUTDIR PASSWORD PICTURE.png
    lo_documents.py convert IN OUT FILTER [OUT FILTER]...
"""

import os
import sys

import uno  # python3-uno: only importable with Debian's /usr/bin/python3
from com.sun.star.awt import Size

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lo_legacy import desktop, new_document, office, prop, store  # noqa: E402

CALC_CLSID = "47BBB4CB-CE4C-4E80-A591-42D9AE74950F"
ROWS = [("顧客名", "電話番号", "金額"), ("山田 花子", "03-0000-0000", "1234000"), ("佐藤 一郎", "06-0000-0000", "567000")]


def fill(sheet):
    for r, row in enumerate(ROWS):
        for c, v in enumerate(row):
            sheet.getCellByPosition(c, r).setString(v)


def size(w, h):
    s = Size()
    s.Width, s.Height = w, h
    return s


def picture(ctx, doc, path):
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", ctx)
    graphic = provider.queryGraphic((prop("URL", uno.systemPathToFileUrl(path)),))
    shape = doc.createInstance("com.sun.star.text.TextGraphicObject")
    shape.Graphic = graphic
    shape.setSize(size(3000, 2250))
    return shape


def make(outdir: str, password: str, png: str) -> None:
    os.makedirs(outdir, exist_ok=True)
    out = lambda name: os.path.join(os.path.abspath(outdir), name)  # noqa: E731
    with office() as ctx:
        doc = new_document(ctx, "swriter")
        doc.Text.setString("御見積書\n株式会社取引先 御中\n見積金額 1,234,000円（税込）")
        store(doc, out("quote.odt"), "writer8")
        store(doc, out("quote-encrypted.odt"), "writer8", password)
        # a picture and an embedded Calc object: Pictures/… and Object 1/… parts, encrypted like the rest
        doc.Text.insertTextContent(doc.Text.getEnd(), picture(ctx, doc, png), False)
        obj = doc.createInstance("com.sun.star.text.TextEmbeddedObject")
        obj.CLSID = CALC_CLSID
        doc.Text.insertTextContent(doc.Text.getEnd(), obj, False)
        fill(obj.getEmbeddedObject().Sheets.getByIndex(0))
        store(doc, out("quote-with-sheet.odt"), "writer8")
        store(doc, out("quote-with-sheet-encrypted.odt"), "writer8", password)
        store(doc, out("quote-with-sheet.docx"), "MS Word 2007 XML")
        doc.close(True)

        doc = new_document(ctx, "scalc")
        fill(doc.Sheets.getByIndex(0))
        store(doc, out("customers.ods"), "calc8")
        store(doc, out("customers-encrypted.ods"), "calc8", password)
        doc.close(True)

        doc = new_document(ctx, "simpress")
        page = doc.DrawPages.getByIndex(0)
        title = doc.createInstance("com.sun.star.drawing.TextShape")
        page.add(title)
        title.setSize(size(20000, 3000))
        title.setString("2027年度 営業計画")
        store(doc, out("plan.odp"), "impress8")
        store(doc, out("plan-encrypted.odp"), "impress8", password)
        shape = doc.createInstance("com.sun.star.drawing.OLE2Shape")
        page.add(shape)
        shape.CLSID = CALC_CLSID
        shape.setSize(size(12000, 4000))
        fill(shape.Model.Sheets.getByIndex(0))
        store(doc, out("plan-with-sheet.pptx"), "Impress MS PowerPoint 2007 XML")
        doc.close(True)


def convert(src: str, pairs: list[str]) -> None:
    """Loads src once (so the names LibreOffice gives embedded objects, Obj100 …, are the same in every output) and
    stores it with each filter."""
    with office() as ctx:
        doc = desktop(ctx).loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"lo_documents: LibreOffice could not open {src}")
        for i in range(0, len(pairs), 2):
            store(doc, os.path.abspath(pairs[i]), pairs[i + 1])
        doc.close(True)


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "make":
        make(argv[1], argv[2], argv[3])
    elif len(argv) >= 4 and argv[0] == "convert" and len(argv) % 2 == 0:
        convert(argv[1], argv[2:])
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
