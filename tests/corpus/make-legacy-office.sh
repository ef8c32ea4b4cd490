#!/usr/bin/env bash
# make-legacy-office.sh OUTDIR - legacy binary Office files (.doc/.xls/.ppt), plain and password-encrypted,
# written by LibreOffice (python3-uno, see lo_legacy.py), each with OUTDIR/<file>.expected.json.
#
# Called by make-corpus.sh. Kept separate because it needs LibreOffice (about 100 MB download, 315 MB
# installed: libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno, installed
# with --no-install-recommends). Fails loudly - never skips - when LibreOffice is missing.
# LibreOffice cannot write an encrypted .ppt (its PowerPoint 97 export ignores the password), so there is none.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
D=${1:?usage: make-legacy-office.sh OUTDIR}
PY=/usr/bin/python3
PW=pass
die() { printf 'make-legacy-office: %b\n' "$*" >&2; exit 1; }
command -v soffice >/dev/null 2>&1 || die "missing LibreOffice 'soffice' (apt-get install --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno)"
"$PY" -c 'import uno' 2>/dev/null || die "python3 cannot import uno (apt-get install python3-uno)"
command -v msoffcrypto-tool >/dev/null 2>&1 || die "missing msoffcrypto-tool (apt-get install python3-msoffcrypto-tool)"

mkdir -p "$D"
timeout 180 "$PY" "$HERE/lo_legacy.py" "$D" "$PW" || die "LibreOffice failed to write the legacy files"

LOG=$(mktemp); trap 'rm -f "$LOG" "$LOG.out"' EXIT
is_cfb() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == d0cf11e0a1b11ae1 ] || die "$1 is not a CFB (OLE2) file"; }
has_stream() { "$PY" -c 'import sys, olefile; o = olefile.OleFileIO(sys.argv[1]); sys.exit(0 if o.exists(sys.argv[2]) else 1)' "$1" "$2" \
  || die "$1 has no '$2' stream"; }
encrypted() { msoffcrypto-tool -t "$1" >"$LOG" 2>&1 || die "$1: msoffcrypto-tool says not encrypted"
  msoffcrypto-tool -p $PW "$1" "$LOG.out" >"$LOG" 2>&1 || { cat "$LOG"; die "$1 does not decrypt with the password"; }
  if msoffcrypto-tool -p wrong "$1" "$LOG.out" >"$LOG" 2>&1; then die "$1 decrypts with a wrong password"; fi; }
plain() { if msoffcrypto-tool -t "$1" >"$LOG" 2>&1; then die "$1: msoffcrypto-tool says encrypted"; fi; }

for f in quote.doc quote-encrypted.doc customers.xls customers-encrypted.xls plan.ppt; do is_cfb "$D/$f"; done
has_stream "$D/quote.doc" WordDocument; has_stream "$D/quote-encrypted.doc" WordDocument
has_stream "$D/customers.xls" Workbook; has_stream "$D/customers-encrypted.xls" Workbook
has_stream "$D/plan.ppt" "PowerPoint Document"
plain "$D/quote.doc"; plain "$D/customers.xls"; plain "$D/plan.ppt"
encrypted "$D/quote-encrypted.doc"; encrypted "$D/customers-encrypted.xls"

cat > "$D/quote.doc.expected.json" <<'EOF'
{"kind": "cfb", "protection": "not-protected", "disguised": false, "note": "Word 97-2003 .doc written by LibreOffice, no password"}
EOF
cat > "$D/quote-encrypted.doc.expected.json" <<'EOF'
{"kind": "cfb", "protection": "protected", "disguised": false, "note": "Word 97-2003 .doc with an open password: RC4 (Office 97/2000 compatible), fEncrypted set in the FIB"}
EOF
cat > "$D/customers.xls.expected.json" <<'EOF'
{"kind": "cfb", "protection": "not-protected", "disguised": false, "note": "Excel 97-2003 .xls written by LibreOffice, no password"}
EOF
cat > "$D/customers-encrypted.xls.expected.json" <<'EOF'
{"kind": "cfb", "protection": "protected", "disguised": false, "note": "Excel 97-2003 .xls with an open password: FILEPASS record, RC4"}
EOF
cat > "$D/plan.ppt.expected.json" <<'EOF'
{"kind": "cfb", "protection": "not-protected", "disguised": false, "note": "PowerPoint 97-2003 .ppt written by LibreOffice, no password (LibreOffice cannot write an encrypted .ppt)"}
EOF
echo "make-legacy-office: 5 files in $D"
