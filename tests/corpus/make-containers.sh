#!/usr/bin/env bash
# make-containers.sh FILES SOURCES MESSAGES - the corpus of issue 12's containers, made by the real tools:
#
#   FILES/containers/tar/   every tar header form GNU tar reads (base-256 numbers, long names, ustar prefix, v7,
#                           pax, GNU and pax sparse files, multi-volume, concatenated, damaged)
#   FILES/containers/lzh/   LZH made by jlha (-lh0-/-lh5-/-lh6-/-lh7-, header levels 0/1/2, Shift_JIS names)
#   FILES/containers/cab/   Microsoft Cabinets made by gcab (stored, MSZIP), checked with cabextract
#   FILES/containers/iso/   ISO 9660 images made by xorriso and genisoimage (Joliet, Rock Ridge, UDF)
#   MESSAGES/               whole messages carrying some of them
#
# Each file gets a hand-written FILE.expected.json (format: README.md). Called by make-corpus.sh with its
# sources folder (quote.pdf, hello.exe, customers.csv, aes256.zip, readme.txt). Fails, naming the Debian package,
# when a tool is missing; never skips a case.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
F=${1:?usage: make-containers.sh FILES SOURCES MESSAGES}
S=${2:?usage: make-containers.sh FILES SOURCES MESSAGES}
M=${3:?usage: make-containers.sh FILES SOURCES MESSAGES}
mkdir -p "$F" "$M"; F=$(cd "$F" && pwd); S=$(cd "$S" && pwd); M=$(cd "$M" && pwd)
STAMP='2026-11-27 10:30:00 UTC'
EPOCH=1795775400
PY=/usr/bin/python3

die() { printf 'make-containers: %b\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "missing tool '$1' (apt-get install $2)"; }
need tar tar; need jlha jlha-utils; need java default-jre-headless; need gcab gcab; need cabextract cabextract
need xorriso xorriso; need genisoimage genisoimage; need isoinfo genisoimage; need mkudffs udftools; need 7z p7zip-full
need iconv libc-bin; need truncate coreutils
[ -x "$PY" ] || die "missing /usr/bin/python3 (apt-get install python3)"
for f in quote.pdf hello.exe customers.csv aes256.zip readme.txt; do [ -f "$S/$f" ] || die "source $S/$f missing"; done

W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
LOG=$W/last.log
q() { "$@" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "command failed: $*"; }; }
fails() { if "$@" >"$LOG" 2>&1; then die "expected this to fail but it succeeded: $*"; fi; }
expect() { cat > "$1.expected.json"; }
fix_time() { touch -h -d "$STAMP" "$@"; }
half() { head -c $(( $(stat -c %s "$1") / 2 )) "$1" > "$2"; }
# byte_at FILE OFFSET: the byte there, as two hex digits
byte_at() { od -An -tx1 -j "$2" -N 1 "$1" | tr -d ' \n'; }
lists() {  # lists FILE WANT: `tar -tf`'s names joined by |, sorted
  local got; got=$(tar -tf "$1" 2>/dev/null | sort | tr '\n' '|'); [ "$got" == "$2" ] || die "$1: tar lists [$got], meant [$2]"
}

# ============================================================================================== tar
T=$F/containers/tar; mkdir -p "$T"
G=$W/tar; mkdir -p "$G/書類"
cp "$S/hello.exe" "$G/setup.exe"; cp "$S/quote.pdf" "$G/見積書.pdf"; cp "$S/customers.csv" "$G/書類/顧客一覧.csv"
LONG=$G/長いフォルダ名の例/プロジェクト資料_2026年度_第3四半期/お客様向け提出書類一式; mkdir -p "$LONG"
cp "$S/quote.pdf" "$LONG/御見積書_株式会社サンプル様_最終版.pdf"
# A sparse file the way disk images and VM files are: the PE, a 2 MiB hole, the PDF, a hole to 3 MiB.
cp "$S/hello.exe" "$G/tool.exe"; truncate -s 2M "$G/tool.exe"; cat "$S/quote.pdf" >> "$G/tool.exe"; truncate -s 3M "$G/tool.exe"
find "$G" -exec touch -h -d "$STAMP" {} +
TAR() { (cd "$G" && tar --sort=name --mtime="@$EPOCH" --mode=u+rw,go+r "$@"); }

# uid/gid 4294967294 (NFS "nobody" on many systems) does not fit 8 octal digits: GNU tar writes base-256.
TAR --format=gnu --owner=nobody:4294967294 --group=nogroup:4294967294 -cf "$T/gnu-base256-uid.tar" setup.exe 見積書.pdf
[ "$(byte_at "$T/gnu-base256-uid.tar" 108)" == 80 ] || die "gnu-base256-uid.tar: uid is not base-256"
lists "$T/gnu-base256-uid.tar" 'setup.exe|見積書.pdf|'
[ "$(tar -tvf "$T/gnu-base256-uid.tar" | awk '{print $2; exit}')" == nobody/nogroup ] || die "gnu-base256-uid.tar: owner"
expect "$T/gnu-base256-uid.tar" <<'EOF'
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "GNU tar, uid/gid 4294967294 in base-256 (first byte 0x80): valid for GNU tar, read as corrupt by System.Formats.Tar, so the executable inside passed internal mail",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"},
             {"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
# mtime far before 1970 in base-256 (first byte 0xFF, two's complement)
TAR --format=gnu --owner=0 --group=0 --numeric-owner --mtime='@-70000000000' -cf "$T/gnu-base256-negative-mtime.tar" setup.exe
[ "$(byte_at "$T/gnu-base256-negative-mtime.tar" 136)" == ff ] || die "gnu-base256-negative-mtime.tar: mtime is not negative base-256"
lists "$T/gnu-base256-negative-mtime.tar" 'setup.exe|'
expect "$T/gnu-base256-negative-mtime.tar" <<'EOF'
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "GNU tar with a negative base-256 mtime (year -249): GNU tar lists it",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
# GNU long names ('L' headers) with Japanese directories, over 100 bytes
TAR --format=gnu --owner=0 --group=0 --numeric-owner -cf "$T/gnu-long-names.tar" 長いフォルダ名の例
tar -tvf "$T/gnu-long-names.tar" >/dev/null
grep -q '././@LongLink' "$T/gnu-long-names.tar" || die "gnu-long-names.tar has no long-name header"
expect "$T/gnu-long-names.tar" <<'EOF'
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "GNU tar: a path of 166 UTF-8 bytes, carried in a ././@LongLink ('L') header",
 "entries": [{"name": "長いフォルダ名の例/プロジェクト資料_2026年度_第3四半期/お客様向け提出書類一式/御見積書_株式会社サンプル様_最終版.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
# POSIX ustar: a path over 100 bytes, split into the 155-byte prefix (directories) and the 100-byte name
UD=第3四半期の提出資料_お客様向け_最終確認版/お客様向けインストーラー一式; UF=インストーラー_最新版_2026年11月27日_社内検証済み.exe
mkdir -p "$G/ustar/$UD"; cp "$S/hello.exe" "$G/ustar/$UD/$UF"; find "$G/ustar" -exec touch -h -d "$STAMP" {} +
[ "$(printf %s "$UD/$UF" | wc -c)" -gt 100 ] || die "ustar-prefix.tar: the path fits the name field alone"
(cd "$G/ustar" && tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner -cf "$T/ustar-prefix.tar" "$UD/$UF")
lists "$T/ustar-prefix.tar" "$UD/$UF|"
expect "$T/ustar-prefix.tar" <<EOF
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "POSIX ustar: the directories in the 155-byte prefix field, the file name in the name field",
 "entries": [{"name": "$UD/$UF", "kind": "executable", "protection": "not-protected"}]}
EOF
# Old formats
TAR --format=v7 --owner=0 --group=0 --numeric-owner -cf "$T/v7.tar" setup.exe 見積書.pdf
[ "$(byte_at "$T/v7.tar" 257)" == 00 ] || die "v7.tar has a ustar magic"
expect "$T/v7.tar" <<'EOF'
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "v7 tar (no ustar magic; found by its header checksum)",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}, {"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
TAR --format=oldgnu --owner=0 --group=0 --numeric-owner -cf "$T/oldgnu.tar" 見積書.pdf 書類
expect "$T/oldgnu.tar" <<'EOF'
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "old GNU format (tar 1.12 and before)",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}, {"name": "書類/顧客一覧.csv", "kind": "text", "protection": "not-protected"}]}
EOF
# Sparse files, in GNU's four ways: old GNU 'S' headers, and pax 0.0 (offset/numbytes records), 0.1 (map) and 1.0 (map in the data)
TAR --format=gnu --sparse --owner=0 --group=0 --numeric-owner -cf "$T/gnu-sparse.tar" tool.exe
[ "$(byte_at "$T/gnu-sparse.tar" 156)" == 53 ] || die "gnu-sparse.tar: not an 'S' member"
for v in 0.0 0.1 1.0; do
  TAR --format=pax --sparse --sparse-version=$v --pax-option=delete=atime,delete=ctime,exthdr.name=%d/PaxHeaders/%f \
      --owner=0 --group=0 --numeric-owner -cf "$T/pax-sparse-$v.tar" tool.exe
done
grep -qa 'GNU.sparse.numbytes' "$T/pax-sparse-0.0.tar" || die "pax-sparse-0.0.tar: no 0.0 map"
grep -qa 'GNU.sparse.map' "$T/pax-sparse-0.1.tar" || die "pax-sparse-0.1.tar: no 0.1 map"
grep -qa 'GNU.sparse.major=1' "$T/pax-sparse-1.0.tar" || die "pax-sparse-1.0.tar: not 1.0"
for f in gnu-sparse pax-sparse-0.0 pax-sparse-0.1 pax-sparse-1.0; do
  [ "$(stat -c %s "$T/$f.tar")" -lt 200000 ] || die "$f.tar is not sparse"
  (cd "$W" && tar -xOf "$T/$f.tar" | cmp -s - "$G/tool.exe") || die "$f.tar: GNU tar does not give back tool.exe"
  expect "$T/$f.tar" <<EOF
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "$f: a 3 MiB sparse file (PE, hole, PDF, hole) stored in about 100 KB; rebuilt before it is inspected",
 "entries": [{"name": "tool.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
done
# A 9 GiB sparse file: its real size (base-256 in the 'S' header) expands past every limit
cp "$S/hello.exe" "$G/disk.img"; truncate -s 9G "$G/disk.img"; touch -d "$STAMP" "$G/disk.img"
TAR --format=gnu --sparse --owner=0 --group=0 --numeric-owner -cf "$T/gnu-sparse-9gib.tar" disk.img
[ "$(byte_at "$T/gnu-sparse-9gib.tar" 483)" == 80 ] || die "gnu-sparse-9gib.tar: real size is not base-256"
[ "$(tar -tvf "$T/gnu-sparse-9gib.tar" | awk '{print $3}')" == 9663676416 ] || die "gnu-sparse-9gib.tar: size"
rm -f "$G/disk.img"
expect "$T/gnu-sparse-9gib.tar" <<'EOF'
{"kind": "tar", "protection": "unknown", "unknownReason": "limit-ratio", "alsoAcceptable": ["limit-size"], "disguised": false, "note": "a 9 GiB sparse file (real size in base-256) in a 100 KB tar: expands past the ratio and size limits"}
EOF
# Two archives one after the other (cat a.tar b.tar): GNU tar -i and other readers see both; so does the inspector
TAR --format=gnu --owner=0 --group=0 --numeric-owner -cf "$W/a.tar" 見積書.pdf
TAR --format=gnu --owner=0 --group=0 --numeric-owner -cf "$W/b.tar" setup.exe
cat "$W/a.tar" "$W/b.tar" > "$T/concatenated.tar"
[ "$(tar -itf "$T/concatenated.tar" | tr '\n' '|')" == '見積書.pdf|setup.exe|' ] || die "concatenated.tar"
expect "$T/concatenated.tar" <<'EOF'
{"kind": "tar", "protection": "not-protected", "disguised": false, "note": "two tars concatenated: plain tar stops at the first end marker, tar -i reads on; the executable after it is found",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}, {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
# Damaged after the first member: the second header's checksum is wrong. Unknown, but the executable before it is found.
TAR --format=gnu --owner=0 --group=0 --numeric-owner -cf "$T/damaged-second-header.tar" setup.exe 見積書.pdf
OFF=$(( 512 + ( ( $(stat -c %s "$G/setup.exe") + 511 ) / 512 ) * 512 ))
printf 'X' | dd of="$T/damaged-second-header.tar" bs=1 seek=$(( OFF + 5 )) conv=notrunc 2>/dev/null
fails tar -tf "$T/damaged-second-header.tar"
expect "$T/damaged-second-header.tar" <<'EOF'
{"kind": "tar", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "one byte of the second header changed (checksum wrong; tar -t fails): the archive is unknown, the executable read before the damage is still reported",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
# GNU multi-volume: volume 2 begins with the rest of a file ('M'); volume 1 ends inside it
(cd "$G" && tar --format=gnu --owner=0 --group=0 --numeric-owner -M -L 60 -cf "$T/multi-volume-1.tar" -f "$T/multi-volume-2.tar" setup.exe)
[ "$(byte_at "$T/multi-volume-2.tar" 156)" == 4d ] || die "multi-volume-2.tar does not start with an 'M' header"
expect "$T/multi-volume-1.tar" <<'EOF'
{"kind": "tar", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "first volume of a GNU multi-volume archive (tar -M -L 60): setup.exe runs past its end"}
EOF
expect "$T/multi-volume-2.tar" <<'EOF'
{"kind": "tar", "protection": "unknown", "unknownReason": "unsupported", "disguised": false, "note": "second volume: a GNU 'M' header continuing setup.exe from volume 1 - part of a file cannot be inspected",
 "entries": [{"name": "setup.exe", "protection": "unknown"}]}
EOF
echo "make-containers: tar $(ls "$T" | grep -vc expected.json) files"
