#!/usr/bin/env bash
# make-documents.sh FILES SRC - documents that carry encryption or other files (issue 12), each with its
# <file>.expected.json, into
#   FILES/odf/             OpenDocument plain and saved with a password (LibreOffice), and packages that lie
#   FILES/pdf-attached/    PDFs carrying files: EmbeddedFiles (qpdf --add-attachment) and a file-attachment annotation
#   FILES/ooxml-embedded/  .docx/.pptx with embedded objects (LibreOffice) and OLE Packages (ole_package.py)
#   FILES/msg/             Outlook .msg items (msg_writer.py, read back by msgconvert)
# SRC is make-corpus.sh's source folder (quote.pdf, customers.xlsx, aes256.zip, hello.exe, image001.png, ...).
#
# Called by make-corpus.sh (one line). Same conventions: set -euo pipefail, real tools, literal expectations,
# fails (never skips) naming the Debian package when a tool is missing. Password for everything: "pass".
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
F=${1:?usage: make-documents.sh FILES SRC}
S=${2:?usage: make-documents.sh FILES SRC}
PY=/usr/bin/python3
PW=pass
die() { printf 'make-documents: %b\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "missing tool '$1' (apt-get install $2)"; }
need soffice "--no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno"
need qpdf qpdf; need zip zip; need unzip unzip
need msgconvert "--no-install-recommends libemail-outlook-message-perl libemail-address-perl"
perl -MEmail::Address -e 1 2>/dev/null || die "msgconvert needs Email::Address (apt-get install libemail-address-perl)"
"$PY" -c 'import uno, olefile' 2>/dev/null || die "python3 cannot import uno/olefile (apt-get install python3-uno python3-olefile)"
for f in quote.pdf customers.xlsx aes256.zip hello.exe image001.png; do [ -f "$S/$f" ] || die "missing source $S/$f"; done

WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/last.log
q() { "$@" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "command failed: $*"; }; }
expect() { cat > "$1.expected.json"; }
D() { mkdir -p "$F/$1"; echo "$F/$1"; }
DH="$PY $HERE/doc_helpers.py"
OP="$PY $HERE/ole_package.py"
MW="$PY $HERE/msg_writer.py"
sha() { sha256sum "$1" | cut -d' ' -f1; }

# ------------------------------------------------------------------------------------------ LibreOffice
LO=$WORK/lo
timeout 300 "$PY" "$HERE/lo_documents.py" make "$LO" $PW "$S/image001.png" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "LibreOffice failed to write the documents"; }

# ======================================================================================================== ODF
O=$(D odf)
for f in quote.odt customers.ods plan.odp quote-with-sheet.odt; do q $DH odf-check "$LO/$f" plain; cp "$LO/$f" "$O/"; done
for f in quote-encrypted.odt customers-encrypted.ods plan-encrypted.odp quote-with-sheet-encrypted.odt; do q $DH odf-check "$LO/$f" encrypted; cp "$LO/$f" "$O/"; done
expect "$O/quote.odt" <<'EOF'
{"kind": "odf", "protection": "not-protected", "disguised": false, "note": "Writer text saved by LibreOffice 7.4 without a password: ODF (first entry a stored mimetype), nothing declared encrypted"}
EOF
expect "$O/customers.ods" <<'EOF'
{"kind": "odf", "protection": "not-protected", "disguised": false, "note": "Calc spreadsheet, no password"}
EOF
expect "$O/plan.odp" <<'EOF'
{"kind": "odf", "protection": "not-protected", "disguised": false, "note": "Impress presentation, no password"}
EOF
expect "$O/quote-with-sheet.odt" <<'EOF'
{"kind": "odf", "protection": "not-protected", "disguised": false, "note": "Writer text with a picture and an embedded Calc object (Object 1/ sub-document, part of the document itself), no password"}
EOF
expect "$O/quote-encrypted.odt" <<'EOF'
{"kind": "odf", "protection": "protected", "disguised": false, "note": "Writer text saved with a password (writer8 filter + Password, as Save with password): content.xml, styles.xml, meta.xml, settings.xml, manifest.rdf declared with encryption-data (AES-256-CBC, PBKDF2); no thumbnail"}
EOF
expect "$O/customers-encrypted.ods" <<'EOF'
{"kind": "odf", "protection": "protected", "disguised": false, "note": "Calc spreadsheet saved with a password (calc8)"}
EOF
expect "$O/plan-encrypted.odp" <<'EOF'
{"kind": "odf", "protection": "protected", "disguised": false, "note": "Impress presentation saved with a password (impress8)"}
EOF
expect "$O/quote-with-sheet-encrypted.odt" <<'EOF'
{"kind": "odf", "protection": "protected", "disguised": false, "note": "saved with a password: the picture (Pictures/...png), the embedded Calc object (Object 1/...) and its replacement image are encrypted too"}
EOF

# Packages that lie, made from the encrypted one with Info-ZIP (zip updates entries in place; mimetype stays first)
P=$WORK/odfparts; mkdir -p "$P/META-INF"
printf 'README\r\nnot encrypted\r\n' > "$P/readme.txt"
cp "$O/quote-encrypted.odt" "$O/encrypted-plus-plain-file.odt"
(cd "$P" && q zip -X -q "$O/encrypted-plus-plain-file.odt" readme.txt)
[ "$(unzip -Z1 "$O/encrypted-plus-plain-file.odt" | head -1)" == mimetype ] || die "zip moved mimetype"
expect "$O/encrypted-plus-plain-file.odt" <<'EOF'
{"kind": "odf", "protection": "not-protected", "disguised": false, "note": "quote-encrypted.odt with a plain readme.txt added by zip: a part the manifest does not declare encrypted can be read by anyone who unzips it"}
EOF
unzip -p "$O/quote-encrypted.odt" META-INF/manifest.xml | head -c 700 > "$P/META-INF/manifest.xml"
cp "$O/quote-encrypted.odt" "$O/broken-manifest.odt"
(cd "$P" && q zip -X -q "$O/broken-manifest.odt" META-INF/manifest.xml)
if "$PY" -c 'import sys, zipfile; from xml.dom import minidom; minidom.parseString(zipfile.ZipFile(sys.argv[1]).read("META-INF/manifest.xml"))' "$O/broken-manifest.odt" 2>/dev/null; then die "broken-manifest.odt: the manifest still parses"; fi
expect "$O/broken-manifest.odt" <<'EOF'
{"kind": "odf", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "quote-encrypted.odt whose META-INF/manifest.xml is cut after 700 bytes (not well-formed): what is encrypted cannot be told"}
EOF
unzip -p "$O/quote.odt" content.xml > "$P/content.xml"
cp "$O/quote-encrypted.odt" "$O/manifest-claims-plain-content.odt"
(cd "$P" && q zip -X -q "$O/manifest-claims-plain-content.odt" content.xml)
unzip -p "$O/manifest-claims-plain-content.odt" content.xml | head -c 5 | grep -q '<?xml' || die "content.xml was not replaced"
expect "$O/manifest-claims-plain-content.odt" <<'EOF'
{"kind": "odf", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "the manifest declares content.xml encrypted but the part is plain XML (replaced by zip): claimed but not real encryption is never protected; LibreOffice cannot open it either"}
EOF

# ================================================================================================= PDF + files
A=$(D pdf-attached)
attach() {   # attach IN OUT FILE NAME [more qpdf options]
  local in=$1 out=$2 file=$3 name=$4; shift 4
  q qpdf --static-id "$in" --add-attachment "$file" --key="$name" --filename="$name" \
    --creationdate=D:20261127103000Z --moddate=D:20261127103000Z -- "$@" "$out"
}
shows() {    # shows PDF NAME FILE [password]: qpdf lists NAME and extracts FILE's exact bytes
  local pw=${4:-}
  qpdf --password="$pw" --list-attachments "$1" | grep -q "^$2 -> " || die "$1: qpdf does not list $2"
  qpdf --password="$pw" --show-attachment="$2" "$1" | cmp -s - "$3" || die "$1: $2 does not extract to $3"
}
attach "$S/quote.pdf" "$A/with-xlsx.pdf" "$S/customers.xlsx" 顧客一覧.xlsx; shows "$A/with-xlsx.pdf" 顧客一覧.xlsx "$S/customers.xlsx"
expect "$A/with-xlsx.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": false, "note": "qpdf --add-attachment: an EmbeddedFiles name tree entry whose file specification (/UF in UTF-16) carries a plain xlsx",
 "entries": [{"name": "顧客一覧.xlsx", "kind": "ooxml", "protection": "not-protected"}]}
EOF
attach "$S/quote.pdf" "$A/with-exe.pdf" "$S/hello.exe" setup.exe; shows "$A/with-exe.pdf" setup.exe "$S/hello.exe"
expect "$A/with-exe.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": false, "note": "a Windows PE attached to a PDF (EmbeddedFiles): the executable is an item like a file in a zip (shipping rule 1 holds it, internal mail too)",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
attach "$S/quote.pdf" "$A/with-exe-named-pdf.pdf" "$S/hello.exe" 請求書.pdf; shows "$A/with-exe-named-pdf.pdf" 請求書.pdf "$S/hello.exe"
expect "$A/with-exe-named-pdf.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": true, "note": "a Windows PE attached to a PDF under the name 請求書.pdf",
 "entries": [{"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": true}]}
EOF
attach "$S/quote.pdf" "$A/with-aes-zip.pdf" "$S/aes256.zip" 見積書.zip; shows "$A/with-aes-zip.pdf" 見積書.zip "$S/aes256.zip"
expect "$A/with-aes-zip.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": false, "note": "an AES-256 zip attached to a plain PDF: the zip is protected, the PDF's own pages are not",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
q qpdf --static-id --static-aes-iv "$A/with-exe.pdf" --encrypt "" owner-pw 256 -- "$A/owner-only-with-exe.pdf"
shows "$A/owner-only-with-exe.pdf" setup.exe "$S/hello.exe"
expect "$A/owner-only-with-exe.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": false, "note": "with-exe.pdf with only an owner password (AES-256 R6): opens without a password, so its attachment is read (decrypted with the empty user password) and inspected",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
q qpdf --static-id --static-aes-iv "$A/with-exe.pdf" --encrypt $PW owner-pw 256 -- "$A/user-password-with-exe.pdf"
shows "$A/user-password-with-exe.pdf" setup.exe "$S/hello.exe" $PW
if qpdf --list-attachments "$A/user-password-with-exe.pdf" >/dev/null 2>&1; then die "user-password-with-exe.pdf opens without a password"; fi
expect "$A/user-password-with-exe.pdf" <<'EOF'
{"kind": "pdf", "protection": "protected", "disguised": false, "note": "with-exe.pdf with a user password: nothing, the attachment included, can be read without it", "entries": []}
EOF
attach "$S/quote.pdf" "$A/pdf-in-pdf.pdf" "$A/with-exe.pdf" with-exe.pdf; shows "$A/pdf-in-pdf.pdf" with-exe.pdf "$A/with-exe.pdf"
expect "$A/pdf-in-pdf.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": false, "note": "a PDF attached to a PDF, itself carrying setup.exe: nested like archives (depth counts)",
 "entries": [{"name": "with-exe.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
head -c $((32 * 1024 * 1024)) /dev/zero > "$WORK/zeros.bin"
attach "$S/quote.pdf" "$A/attachment-bomb.pdf" "$WORK/zeros.bin" zeros.bin
qpdf --list-attachments "$A/attachment-bomb.pdf" | grep -q '^zeros.bin -> ' || die "attachment-bomb.pdf: qpdf does not list zeros.bin"
[ "$(stat -c %s "$A/attachment-bomb.pdf")" -lt 200000 ] || die "attachment-bomb.pdf: qpdf did not compress the attachment"
expect "$A/attachment-bomb.pdf" <<'EOF'
{"kind": "pdf", "protection": "unknown", "unknownReason": "limit-ratio", "alsoAcceptable": ["limit-size"], "disguised": false, "note": "32 MiB of zeros attached (qpdf compresses it with FlateDecode to ~33 KB): the expansion ratio stops it like a zip bomb"}
EOF
q $DH pdf-annotation "$S/quote.pdf" "$S/hello.exe" セットアップ.exe "$A/annotation-exe.pdf"
q qpdf --check "$A/annotation-exe.pdf"
qpdf --show-object=3 "$A/annotation-exe.pdf" | grep -q '/Annots \[ 9 0 R \]' || die "annotation-exe.pdf: page 1 has no annotation for qpdf"
qpdf --show-object=9 "$A/annotation-exe.pdf" | grep -q '/Subtype /FileAttachment' || die "annotation-exe.pdf: object 9 is not a file attachment annotation"
qpdf --show-object=7 --filtered-stream-data "$A/annotation-exe.pdf" | cmp -s - "$S/hello.exe" || die "annotation-exe.pdf: the embedded file does not decode to hello.exe"
if qpdf --list-attachments "$A/annotation-exe.pdf" | grep -q ' -> '; then die "annotation-exe.pdf: meant to have no EmbeddedFiles entry"; fi
expect "$A/annotation-exe.pdf" <<'EOF'
{"kind": "pdf", "protection": "not-protected", "disguised": false, "note": "a Windows PE in a FileAttachment annotation (paperclip comment) on page 1, added as an incremental update; not in the EmbeddedFiles tree (qpdf --list-attachments does not show it); name from /UF (UTF-16BE)",
 "entries": [{"name": "セットアップ.exe", "kind": "executable", "protection": "not-protected"}]}
EOF

# ================================================================================================ OOXML + files
E=$(D ooxml-embedded)
cp "$LO/quote-with-sheet.docx" "$LO/plan-with-sheet.pptx" "$E/"
for f in quote-with-sheet.docx plan-with-sheet.pptx; do q unzip -tq "$E/$f"; done
[ "$(unzip -Z1 "$E/quote-with-sheet.docx" | grep '^word/embeddings/')" == word/embeddings/oleObject1.xlsx ] || die "quote-with-sheet.docx: not one embedded xlsx"
[ "$(unzip -Z1 "$E/plan-with-sheet.pptx" | grep '^ppt/embeddings/')" == ppt/embeddings/oleObject1.xlsx ] || die "plan-with-sheet.pptx: not one embedded xlsx"
expect "$E/quote-with-sheet.docx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": false, "note": "LibreOffice: a Writer text with an embedded Calc object, saved as .docx: word/embeddings/oleObject1.xlsx is a whole xlsx package inside",
 "entries": [{"name": "word/embeddings/oleObject1.xlsx", "kind": "ooxml", "protection": "not-protected"}]}
EOF
expect "$E/plan-with-sheet.pptx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": false, "note": "LibreOffice: an Impress slide with an embedded Calc object, saved as .pptx (ppt/embeddings/oleObject1.xlsx)",
 "entries": [{"name": "ppt/embeddings/oleObject1.xlsx", "kind": "ooxml", "protection": "not-protected"}]}
EOF
package() {  # package FILE NAME OUT.docx [package-ansi]: an OLE Package holding FILE as NAME, in LibreOffice's docx instead of its xlsx
  q $OP "${4:-package}" "$1" "$2" "$WORK/package.bin"; q $OP check "$WORK/package.bin" "$2" "$1"
  q $OP docx "$E/quote-with-sheet.docx" "$WORK/package.bin" "$3"; q $OP check-docx "$3" "$2" "$1"; q unzip -tq "$3"
}
package "$S/hello.exe" setup.exe "$E/package-exe.docx"
package "$S/aes256.zip" 見積書.zip "$E/package-aes-zip.docx"
package "$S/hello.exe" 請求書.pdf "$E/package-exe-named-pdf.docx"
cp "$WORK/package.bin" "$E/oleObject1.bin"; q $OP check "$E/oleObject1.bin" 請求書.pdf "$S/hello.exe"
package "$S/quote.pdf" 見積書.pdf "$E/package-ansi-name.docx" package-ansi
"$PY" -c 'import sys, zipfile; sys.exit(0 if "見積書.pdf".encode("utf-16-le") not in zipfile.ZipFile(sys.argv[1]).read("word/embeddings/oleObject1.bin") else 1)' "$E/package-ansi-name.docx" \
  || die "package-ansi-name.docx: the package still carries a Unicode name"
# LibreOffice opens the package .docx and writes it out again, and as .odt (an Obj… part); it keeps the OLE object
# byte for byte in both (it does not re-encode the compound file), so this proves it accepts the object, not its bytes
q timeout 300 "$PY" "$HERE/lo_documents.py" convert "$E/package-exe.docx" "$E/package-exe-libreoffice.docx" "MS Word 2007 XML" \
  "$WORK/package-exe.odt" writer8
q $OP check-docx "$E/package-exe-libreoffice.docx" setup.exe "$S/hello.exe"
q $DH odf-check "$WORK/package-exe.odt" plain
[ "$(unzip -Z1 "$WORK/package-exe.odt" | grep -c '^Obj[0-9]*$')" == 1 ] || die "package-exe.odt: no Obj part"
OBJ=$(unzip -Z1 "$WORK/package-exe.odt" | grep '^Obj[0-9]*$')
[ "$OBJ" == Obj100 ] || die "package-exe.odt: LibreOffice named the object $OBJ (the expectation says Obj100)"
unzip -p "$WORK/package-exe.odt" Obj100 > "$WORK/Obj100"; q $OP check "$WORK/Obj100" setup.exe "$S/hello.exe"
cp "$WORK/package-exe.odt" "$O/package-exe.odt"
expect "$O/package-exe.odt" <<'EOF'
{"kind": "odf", "protection": "not-protected", "disguised": false, "note": "LibreOffice's .odt of package-exe.docx: the OLE Package is kept as part Obj100 (media type application/vnd.sun.star.oleobject) holding setup.exe",
 "entries": [{"name": "Obj100", "kind": "cfb", "protection": "not-protected"}]}
EOF
expect "$E/package-exe.docx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": false, "note": "a Windows PE embedded as an OLE Package (word/embeddings/oleObject1.bin: CFB, \\x01Ole10Native naming setup.exe), the way Word embeds a file: package.bin › setup.exe is an executable item",
 "entries": [{"name": "word/embeddings/oleObject1.bin", "kind": "cfb", "protection": "not-protected"}]}
EOF
expect "$E/package-exe-libreoffice.docx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": false, "note": "package-exe.docx opened and saved again by LibreOffice: its own document.xml, relationships and content types around the OLE Package it kept",
 "entries": [{"name": "word/embeddings/oleObject1.bin", "kind": "cfb", "protection": "not-protected"}]}
EOF
expect "$E/package-aes-zip.docx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": false, "note": "an AES-256 zip embedded as an OLE Package: the package is protected (everything in it is), the document's own text is not",
 "entries": [{"name": "word/embeddings/oleObject1.bin", "kind": "cfb", "protection": "protected"}]}
EOF
expect "$E/package-exe-named-pdf.docx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": true, "note": "a Windows PE embedded as an OLE Package under the name 請求書.pdf (the package's item is disguised, not the package)",
 "entries": [{"name": "word/embeddings/oleObject1.bin", "kind": "cfb", "protection": "not-protected"}]}
EOF
expect "$E/package-ansi-name.docx" <<'EOF'
{"kind": "ooxml", "protection": "not-protected", "disguised": false, "note": "a PDF embedded as an OLE Package by an older Packager: the name 見積書.pdf only in the ANSI label (CP932), no Unicode strings after the data",
 "entries": [{"name": "word/embeddings/oleObject1.bin", "kind": "cfb", "protection": "not-protected"}]}
EOF
expect "$E/oleObject1.bin" <<'EOF'
{"kind": "cfb", "protection": "not-protected", "disguised": true, "note": "an OLE Package on its own (what Word keeps in word/embeddings/): a transparent wrapper around the file it names, here a PE called 請求書.pdf",
 "entries": [{"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": true}]}
EOF
q "$PY" "$HERE/ooxml_encrypt.py" "$E/package-exe.docx" "$E/package-exe-encrypted.docx" $PW
q msoffcrypto-tool -p $PW "$E/package-exe-encrypted.docx" "$WORK/decrypted.docx"; cmp -s "$WORK/decrypted.docx" "$E/package-exe.docx" || die "package-exe-encrypted.docx does not decrypt to package-exe.docx"
expect "$E/package-exe-encrypted.docx" <<'EOF'
{"kind": "cfb", "protection": "protected", "disguised": false, "note": "package-exe.docx encrypted with a password (ECMA-376 Agile): nothing inside, the embedded PE included, can be read without it"}
EOF

# ======================================================================================================== .msg
M=$(D msg)
X=$WORK/msgexpect; mkdir -p "$X"
msg() {      # msg OUT.msg CHECK-JSON writer-options...
  local out=$1 check=$2; shift 2
  q $MW "$out" "$@"; printf '%s' "$check" > "$X/check.json"; q $MW check "$out" "$X/check.json"
  q "$PY" -c 'import sys, olefile; o = olefile.OleFileIO(sys.argv[1]); assert str(o.root.clsid) == "00020D0B-0000-0000-C000-000000000046"' "$out"
}
PDF=$(sha "$S/quote.pdf"); AES=$(sha "$S/aes256.zip"); EXE=$(sha "$S/hello.exe"); XLSX=$(sha "$S/customers.xlsx"); PNG=$(sha "$S/image001.png")
CID=image001.png@01DD0A1B.2C3D4E50
msg "$M/plain-pdf.msg" '{"subject": "御見積書の送付", "attachments": [{"name": "見積書.pdf", "sha256": "'$PDF'"}]}' \
  --subject 御見積書の送付 --body "お世話になっております。見積書を添付いたします。" --attach "$S/quote.pdf=見積書.pdf"
expect "$M/plain-pdf.msg" <<'EOF'
{"kind": "message", "protection": "not-protected", "disguised": false, "note": "an Outlook item (.msg, Unicode) carrying a plain PDF by value (PR_ATTACH_DATA_BIN, name from PR_ATTACH_LONG_FILENAME)",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
msg "$M/aes-zip.msg" '{"subject": "御見積書の送付", "attachments": [{"name": "見積書.zip", "sha256": "'$AES'"}]}' \
  --subject 御見積書の送付 --body "パスワードは別途お送りします。" --attach "$S/aes256.zip=見積書.zip"
expect "$M/aes-zip.msg" <<'EOF'
{"kind": "message", "protection": "protected", "disguised": false, "note": ".msg carrying only an AES-256 zip: transparent like an attached .eml, so protected",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
msg "$M/body-only.msg" '{"subject": "打ち合わせの件", "attachments": []}' --subject 打ち合わせの件 --body "来週の打ち合わせについてご連絡します。"
expect "$M/body-only.msg" <<'EOF'
{"kind": "message", "protection": "protected", "disguised": false, "note": ".msg with a body and no attachment: holds nothing but a body (ADR-003, like an attached .eml)", "entries": []}
EOF
msg "$M/exe-named-pdf.msg" '{"subject": "請求書", "attachments": [{"name": "請求書.pdf", "sha256": "'$EXE'"}]}' \
  --subject 請求書 --body "ご確認ください。" --attach "$S/hello.exe=請求書.pdf"
expect "$M/exe-named-pdf.msg" <<'EOF'
{"kind": "message", "protection": "not-protected", "disguised": true, "note": ".msg carrying a Windows PE named 請求書.pdf",
 "entries": [{"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": true}]}
EOF
HTML='<html><body><p>お世話になっております。</p><img src="cid:'$CID'" alt="logo"></body></html>'
msg "$M/inline-image-and-aes-zip.msg" '{"subject": "御見積書の送付", "attachments": [{"name": "image001.png", "sha256": "'$PNG'"}, {"name": "見積書.zip", "sha256": "'$AES'"}]}' \
  --subject 御見積書の送付 --body "お世話になっております。" --html "$HTML" --inline "$S/image001.png=image001.png=$CID" --attach "$S/aes256.zip=見積書.zip"
expect "$M/inline-image-and-aes-zip.msg" <<'EOF'
{"kind": "message", "protection": "protected", "disguised": false, "note": "HTML mail saved as .msg: a signature picture (hidden, PR_ATTACH_CONTENT_ID referenced as cid: by PR_HTML) is body, like an inline image in MIME; the AES zip is the only attachment",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
msg "$M/rtf-body-inline-image-and-aes-zip.msg" '{"subject": "御見積書の送付", "attachments": [{"name": "image001.png", "sha256": "'$PNG'"}, {"name": "見積書.zip", "sha256": "'$AES'"}]}' \
  --subject 御見積書の送付 --body "お世話になっております。" --rtf-html "$HTML" --inline "$S/image001.png=image001.png=$CID" --attach "$S/aes256.zip=見積書.zip"
expect "$M/rtf-body-inline-image-and-aes-zip.msg" <<'EOF'
{"kind": "message", "protection": "protected", "disguised": false, "note": "the same with no PR_HTML: the HTML is only inside the RTF body (PR_RTF_COMPRESSED, \\fromhtml1), where the cid: reference is found (MimeKit decompresses it)",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
msg "$M/unreferenced-image-and-aes-zip.msg" '{"subject": "写真", "attachments": [{"name": "image001.png", "sha256": "'$PNG'"}, {"name": "見積書.zip", "sha256": "'$AES'"}]}' \
  --subject 写真 --body "写真を送ります。" --html "<html><body><p>写真を送ります。</p></body></html>" --inline "$S/image001.png=image001.png=$CID" --attach "$S/aes256.zip=見積書.zip"
expect "$M/unreferenced-image-and-aes-zip.msg" <<'EOF'
{"kind": "message", "protection": "not-protected", "disguised": false, "note": "the picture has a content id, but the HTML body does not show it: it is an attachment anyone can see",
 "entries": [{"name": "image001.png", "kind": "image", "protection": "not-protected"}, {"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
msg "$WORK/inner-xlsx.msg" '{"subject": "顧客一覧の件", "attachments": [{"name": "顧客一覧.xlsx", "sha256": "'$XLSX'"}]}' \
  --subject 顧客一覧の件 --body "一覧です。" --attach "$S/customers.xlsx=顧客一覧.xlsx"
msg "$M/forwarded-item-xlsx.msg" '{"subject": "FW: 顧客一覧の件", "attachments": [{"message": {"subject": "顧客一覧の件", "attachments": [{"name": "顧客一覧.xlsx", "sha256": "'$XLSX'"}]}}]}' \
  --subject "FW: 顧客一覧の件" --body "転送します。" --attach-msg "$WORK/inner-xlsx.msg=顧客一覧の件"
expect "$M/forwarded-item-xlsx.msg" <<'EOF'
{"kind": "message", "protection": "not-protected", "disguised": false, "note": "an Outlook item attached to an Outlook item (PR_ATTACH_METHOD 5, __substg1.0_3701000D storage) holding a plain xlsx: inspected with its own attachments",
 "entries": [{"name": "顧客一覧の件.msg", "kind": "message", "protection": "not-protected"}]}
EOF
msg "$WORK/inner-aes.msg" '{"subject": "見積の件", "attachments": [{"name": "見積書.zip", "sha256": "'$AES'"}]}' \
  --subject 見積の件 --body "添付します。" --attach "$S/aes256.zip=見積書.zip"
msg "$M/forwarded-item-aes-zip.msg" '{"subject": "FW: 見積の件", "attachments": [{"message": {"subject": "見積の件", "attachments": [{"name": "見積書.zip", "sha256": "'$AES'"}]}}]}' \
  --subject "FW: 見積の件" --body "転送します。" --attach-msg "$WORK/inner-aes.msg=見積の件"
expect "$M/forwarded-item-aes-zip.msg" <<'EOF'
{"kind": "message", "protection": "protected", "disguised": false, "note": "an attached Outlook item whose only attachment is an AES zip: protected through both levels",
 "entries": [{"name": "見積の件.msg", "kind": "message", "protection": "protected"}]}
EOF
q $OP package "$S/hello.exe" setup.exe "$WORK/setup-package.bin"
msg "$M/rtf-ole-package-exe.msg" '{"subject": "ツール", "attachments": [{"name": "Package", "package": "setup.exe", "sha256": "'$EXE'"}]}' \
  --subject ツール --body "ツールを添付します。" --attach-ole "$WORK/setup-package.bin=Package"
expect "$M/rtf-ole-package-exe.msg" <<'EOF'
{"kind": "message", "protection": "not-protected", "disguised": false, "note": "a rich-text Outlook item with a file inserted into its body: an OLE object attachment (PR_ATTACH_METHOD 6) whose storage is an OLE Package holding a Windows PE",
 "entries": [{"name": "Package", "kind": "cfb", "protection": "not-protected"}]}
EOF
msg "$M/ansi-cp932.msg" '{"subject": "御見積書の送付", "attachments": [{"name": "見積書.pdf", "sha256": "'$PDF'"}], "ansi": true}' \
  --ansi --subject 御見積書の送付 --body "Please find the quotation attached." --attach "$S/quote.pdf=見積書.pdf"
expect "$M/ansi-cp932.msg" <<'EOF'
{"kind": "message", "protection": "not-protected", "disguised": false, "note": "an ANSI .msg (\"Outlook Message Format\", not Unicode): PtypString8 subject and names in the message code page, CP932 (the body is ASCII: msgconvert cannot convert a CP932 body)",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
head -c $(( $(stat -c %s "$M/plain-pdf.msg") / 2 )) "$M/plain-pdf.msg" > "$M/truncated.msg"
if "$PY" -c 'import sys, olefile; olefile.OleFileIO(sys.argv[1])' "$M/truncated.msg" >/dev/null 2>&1; then die "truncated.msg: olefile still reads it"; fi
expect "$M/truncated.msg" <<'EOF'
{"kind": "cfb", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "first half of plain-pdf.msg: sectors of the directory or the attachment are missing; not even its kind can be confirmed"}
EOF

echo "make-documents: $(find "$F/odf" "$F/pdf-attached" "$F/ooxml-embedded" "$F/msg" -type f ! -name '*.expected.json' | wc -l) files"
