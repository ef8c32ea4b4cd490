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
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
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

# ============================================================================================== LZH
L=$F/containers/lzh; mkdir -p "$L"
LZ=$W/lzh; mkdir -p "$LZ/書類"
cp "$S/quote.pdf" "$LZ/見積書.pdf"; cp "$S/hello.exe" "$LZ/setup.exe"; cp "$S/hello.exe" "$LZ/請求書.pdf"; cp "$S/aes256.zip" "$LZ/見積書.zip"
cp "$S/customers.csv" "$LZ/書類/顧客一覧.csv"; cp "$S/readme.txt" "$LZ/書類/ソフト一覧表.txt"   # ソ and 表 end in byte 0x5C in Shift_JIS
find "$LZ" -exec touch -h -d "$STAMP" {} +
# jlha: a (add), 0/1/2 header level, o5/o6/o7 method (z: stored -lh0-), y: names in Shift_JIS (as Japanese LHA tools write)
JLHA() { (cd "$LZ" && jlha "$@") >"$LOG" 2>&1 || { cat "$LOG" >&2; die "jlha $*"; }; }
JW() { (cd "$LZ" && java -cp /usr/share/java/jlha.jar "$HERE/LhaWriter.java" "$@") >"$LOG" 2>&1 || { cat "$LOG" >&2; die "LhaWriter.java $*"; }; }
lzh_is() {  # lzh_is FILE METHOD LEVEL: the first header's method and level, and jlha's own test passes
  [ "$(dd if="$1" bs=1 skip=2 count=5 2>/dev/null)" == "$2" ] || die "$1: first member is not $2"
  [ "$(byte_at "$1" 20)" == "0$3" ] || die "$1: header level is not $3"
  (cd "$W" && jlha t "$1") >"$LOG" 2>&1 || { cat "$LOG" >&2; die "$1: jlha t fails"; }
}
sjis_in() { grep -qaF "$(printf %s "$2" | iconv -f UTF-8 -t CP932)" "$1" || die "$1: '$2' is not stored in Shift_JIS"; }

JLHA a2o5yq "$L/見積書.lzh" 見積書.pdf; lzh_is "$L/見積書.lzh" -lh5- 2; q 7z t "$L/見積書.lzh"; sjis_in "$L/見積書.lzh" 見積書.pdf
expect "$L/見積書.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "jlha -lh5-, header level 2, a plain PDF with a Shift_JIS name: LZH is a transparent container",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
JLHA a0o5yq "$L/level0-lh5.lzh" 見積書.pdf setup.exe 書類/ソフト一覧表.txt; lzh_is "$L/level0-lh5.lzh" -lh5- 0; q 7z t "$L/level0-lh5.lzh"
sjis_in "$L/level0-lh5.lzh" 'ソフト一覧表.txt'
expect "$L/level0-lh5.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "level 0 headers (LHarc/LHA for DOS style), -lh5-: a PDF, a Windows PE, and a path with '\\' separators whose Shift_JIS name has 0x5C second bytes (ソ, 表)",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"},
             {"name": "setup.exe", "kind": "executable", "protection": "not-protected"},
             {"name": "書類/ソフト一覧表.txt", "kind": "text", "protection": "not-protected"}]}
EOF
JLHA a1o6yq "$L/level1-lh6.lzh" 書類/顧客一覧.csv setup.exe; lzh_is "$L/level1-lh6.lzh" -lh6- 1; q 7z t "$L/level1-lh6.lzh"
expect "$L/level1-lh6.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "level 1 headers (LHA 2.x style, directory in an extended header), -lh6-",
 "entries": [{"name": "書類/顧客一覧.csv", "kind": "text", "protection": "not-protected"}, {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
JLHA a2o7yq "$L/level2-lh7.lzh" 書類 setup.exe; q 7z t "$L/level2-lh7.lzh"
(cd "$W" && jlha t "$L/level2-lh7.lzh") >"$LOG" 2>&1 || die "level2-lh7.lzh: jlha t"
grep -qa -- '-lh7-' "$L/level2-lh7.lzh" && grep -qa -- '-lhd-' "$L/level2-lh7.lzh" || die "level2-lh7.lzh: no -lh7- member or no directory entry"
expect "$L/level2-lh7.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "level 2 headers, -lh7-, with a directory entry (-lhd-, not an item)",
 "entries": [{"name": "書類/ソフト一覧表.txt", "kind": "text", "protection": "not-protected"},
             {"name": "書類/顧客一覧.csv", "kind": "text", "protection": "not-protected"},
             {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
JLHA a1zyq "$L/stored-lh0.lzh" setup.exe 見積書.pdf; lzh_is "$L/stored-lh0.lzh" -lh0- 1; q 7z t "$L/stored-lh0.lzh"
expect "$L/stored-lh0.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "stored members (-lh0-, jlha z)",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}, {"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
JLHA a2o5yq "$L/aes-zip-inside.lzh" 見積書.zip; lzh_is "$L/aes-zip-inside.lzh" -lh5- 2
expect "$L/aes-zip-inside.lzh" <<'EOF'
{"kind": "lzh", "protection": "protected", "disguised": false, "note": "an LZH whose only file is an AES-256 zip: transparent, everything inside protected",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
JLHA a2o5yq "$L/exe-named-pdf-inside.lzh" 請求書.pdf; lzh_is "$L/exe-named-pdf-inside.lzh" -lh5- 2
expect "$L/exe-named-pdf-inside.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": true, "note": "a Windows PE named 請求書.pdf inside an LZH",
 "entries": [{"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": true}]}
EOF
# Methods and levels the jlha command does not offer, written by the same jlha library (LhaWriter.java)
JW "$L/level3-lh5.lzh" 3 -lh5- Shift_JIS 見積書.pdf=書類/見積書.pdf setup.exe=setup.exe; lzh_is "$L/level3-lh5.lzh" -lh5- 3
expect "$L/level3-lh5.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "level 3 headers (32-bit header fields), written by the jlha library; 7-Zip cannot read level 3",
 "entries": [{"name": "書類/見積書.pdf", "kind": "pdf", "protection": "not-protected"}, {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
JW "$L/lh4.lzh" 1 -lh4- Shift_JIS setup.exe=setup.exe; lzh_is "$L/lh4.lzh" -lh4- 1; q 7z t "$L/lh4.lzh"
expect "$L/lh4.lzh" <<'EOF'
{"kind": "lzh", "protection": "not-protected", "disguised": false, "note": "-lh4- (4 KiB window, LHA 2.x): the same static-Huffman decoder",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
JW "$L/lh1.lzh" 1 -lh1- Shift_JIS setup.exe=setup.exe 見積書.pdf=見積書.pdf; lzh_is "$L/lh1.lzh" -lh1- 1
expect "$L/lh1.lzh" <<'EOF'
{"kind": "lzh", "protection": "unknown", "unknownReason": "unsupported", "disguised": false, "note": "-lh1- (LHarc 1.x dynamic Huffman): not decoded, so its files are unknown, the method named",
 "entries": [{"name": "setup.exe", "protection": "unknown"}, {"name": "見積書.pdf", "protection": "unknown"}]}
EOF
JW "$L/lzs.lzh" 0 -lzs- Shift_JIS 見積書.pdf=見積書.pdf; lzh_is "$L/lzs.lzh" -lzs- 0
expect "$L/lzs.lzh" <<'EOF'
{"kind": "lzh", "protection": "unknown", "unknownReason": "unsupported", "disguised": false, "note": "LArc -lzs-: not decoded",
 "entries": [{"name": "見積書.pdf", "protection": "unknown"}]}
EOF
half "$L/level0-lh5.lzh" "$L/truncated.lzh"; fails 7z t "$L/truncated.lzh"
expect "$L/truncated.lzh" <<'EOF'
{"kind": "lzh", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "first half of level0-lh5.lzh: the PDF is whole, the PE is cut off",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
cp "$L/stored-lh0.lzh" "$L/bad-crc.lzh"; printf '\x55' | dd of="$L/bad-crc.lzh" bs=1 seek=40000 conv=notrunc 2>/dev/null
fails 7z t "$L/bad-crc.lzh"
expect "$L/bad-crc.lzh" <<'EOF'
{"kind": "lzh", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "stored-lh0.lzh with one byte of setup.exe changed: its CRC-16 does not match (7z t: CRC Failed)",
 "entries": [{"name": "setup.exe", "protection": "unknown"}]}
EOF

# ============================================================================================== CAB
C=$F/containers/cab; mkdir -p "$C"
CB=$W/cab; mkdir -p "$CB/書類"
cp "$S/quote.pdf" "$CB/見積書.pdf"; cp "$S/hello.exe" "$CB/setup.exe"; cp "$S/aes256.zip" "$CB/見積書.zip"; cp "$S/customers.csv" "$CB/書類/顧客一覧.csv"
"$PY" -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read() * 3000)' "$S/customers.csv" > "$CB/顧客一覧_全件.csv"
find "$CB" -exec touch -h -d "$STAMP" {} +
GCAB() { (cd "$CB" && gcab "$@") >"$LOG" 2>&1 || { cat "$LOG" >&2; die "gcab $*"; }; }
cab_ok() { q cabextract -t "$1"; }
GCAB -c -z "$C/見積書.cab" 見積書.pdf; cab_ok "$C/見積書.cab"
expect "$C/見積書.cab" <<'EOF'
{"kind": "cab", "protection": "not-protected", "disguised": false, "note": "gcab -z (MSZIP), a plain PDF with a UTF-8 name (_A_NAME_IS_UTF): a cabinet is a transparent container",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
GCAB -c -z "$C/mszip.cab" setup.exe 書類/顧客一覧.csv 顧客一覧_全件.csv; cab_ok "$C/mszip.cab"
expect "$C/mszip.cab" <<'EOF'
{"kind": "cab", "protection": "not-protected", "disguised": false, "note": "gcab -z: a PE, a path, and a 315 KB CSV over ten MSZIP blocks",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"},
             {"name": "書類/顧客一覧.csv", "kind": "text", "protection": "not-protected"},
             {"name": "顧客一覧_全件.csv", "kind": "text", "protection": "not-protected"}]}
EOF
GCAB -c "$C/stored.cab" setup.exe 見積書.pdf; cab_ok "$C/stored.cab"
expect "$C/stored.cab" <<'EOF'
{"kind": "cab", "protection": "not-protected", "disguised": false, "note": "gcab without -z: an uncompressed folder",
 "entries": [{"name": "setup.exe", "kind": "executable", "protection": "not-protected"}, {"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
(cd "$CB" && "$PY" "$HERE/cab_writer.py" "$C/makecab-style-mszip.cab" 顧客一覧_全件.csv=顧客一覧_全件.csv setup.exe=setup.exe)
cab_ok "$C/makecab-style-mszip.cab"
rm -rf "$W/cx"; mkdir -p "$W/cx"; q cabextract -q -d "$W/cx" "$C/makecab-style-mszip.cab"
cmp -s "$W/cx/setup.exe" "$CB/setup.exe" && cmp -s "$W/cx/顧客一覧_全件.csv" "$CB/顧客一覧_全件.csv" || die "makecab-style-mszip.cab: cabextract gives back other bytes"
expect "$C/makecab-style-mszip.cab" <<'EOF'
{"kind": "cab", "protection": "not-protected", "disguised": false, "note": "MSZIP blocks that refer back into the previous block's output, as makecab writes them (cab_writer.py; cabextract extracts it byte for byte)",
 "entries": [{"name": "顧客一覧_全件.csv", "kind": "text", "protection": "not-protected"}, {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
GCAB -c -z "$C/aes-zip-inside.cab" 見積書.zip; cab_ok "$C/aes-zip-inside.cab"
expect "$C/aes-zip-inside.cab" <<'EOF'
{"kind": "cab", "protection": "protected", "disguised": false, "note": "a cabinet whose only file is an AES-256 zip",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
# No Debian tool writes LZX or Quantum: the folder's typeCompress of an MSZIP cabinet is set to LZX (0x1503, 21-bit window)
cp "$C/mszip.cab" "$C/lzx.cab"; printf '\x03\x15' | dd of="$C/lzx.cab" bs=1 seek=42 conv=notrunc 2>/dev/null
fails cabextract -t "$C/lzx.cab"
expect "$C/lzx.cab" <<'EOF'
{"kind": "cab", "protection": "unknown", "unknownReason": "unsupported", "disguised": false, "note": "mszip.cab with its folder marked LZX (typeCompress 0x1503): LZX is not decoded, so the files are unknown, the method named",
 "entries": [{"name": "setup.exe", "protection": "unknown"}]}
EOF
# One cabinet of a set: the header names a next cabinet (flag 0x0002 and its two strings, offsets moved)
"$PY" - "$C/見積書.cab" "$C/multi-cabinet-part1.cab" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
extra = b"part2.cab\0DISK2\0"
size, files = struct.unpack_from('<I', d, 8)[0], struct.unpack_from('<I', d, 16)[0]
struct.pack_into('<I', d, 8, size + len(extra)); struct.pack_into('<I', d, 16, files + len(extra))
struct.pack_into('<H', d, 30, struct.unpack_from('<H', d, 30)[0] | 2)
struct.pack_into('<I', d, 36, struct.unpack_from('<I', d, 36)[0] + len(extra))   # the folder's first CFDATA
open(sys.argv[2], 'wb').write(bytes(d[:36]) + extra + bytes(d[36:]))
PY
cabextract -l "$C/multi-cabinet-part1.cab" >"$LOG" 2>&1 || true; grep -q 'part2.cab' "$LOG" || { cat "$LOG"; die "multi-cabinet-part1.cab: cabextract does not see the next cabinet"; }
expect "$C/multi-cabinet-part1.cab" <<'EOF'
{"kind": "cab", "protection": "unknown", "unknownReason": "unsupported", "disguised": false, "note": "見積書.cab made to name a next cabinet (part2.cab): one cabinet of a set cannot be inspected alone"}
EOF
half "$C/mszip.cab" "$C/truncated.cab"; fails cabextract -t "$C/truncated.cab"
expect "$C/truncated.cab" <<'EOF'
{"kind": "cab", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "first half of mszip.cab"}
EOF
cp "$C/stored.cab" "$C/bad-checksum.cab"; printf '\x55' | dd of="$C/bad-checksum.cab" bs=1 seek=30000 conv=notrunc 2>/dev/null
fails cabextract -t "$C/bad-checksum.cab"; grep -q 'checksum' "$LOG" || { cat "$LOG"; die "bad-checksum.cab: cabextract does not report a checksum error"; }
expect "$C/bad-checksum.cab" <<'EOF'
{"kind": "cab", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "stored.cab with one byte of setup.exe changed: the CFDATA checksum does not match (cabextract: checksum error)",
 "entries": [{"name": "setup.exe", "protection": "unknown"}]}
EOF

# ============================================================================================== ISO
I=$F/containers/iso; mkdir -p "$I"
IS=$W/iso; mkdir -p "$IS/plain/書類" "$IS/exe" "$IS/aes"
cp "$S/quote.pdf" "$IS/plain/見積書.pdf"; cp "$S/customers.csv" "$IS/plain/書類/顧客一覧.csv"
cp "$S/hello.exe" "$IS/exe/setup.exe"; cp "$S/readme.txt" "$IS/exe/readme.txt"; cp "$S/aes256.zip" "$IS/aes/見積書.zip"
find "$IS" -exec touch -h -d "$STAMP" {} +
# -no-pad: without the 300 KB of zeros both tools add by default for old CD drives (the corpus has a size budget)
XORRISO() { xorriso -as mkisofs -quiet -no-pad "$@" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "xorriso $*"; }; }
GENISO() { genisoimage -quiet -input-charset utf-8 -no-pad "$@" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "genisoimage $*"; }; }
iso_lists() {  # iso_lists FILE OPTION WANT: isoinfo's file paths (-J Joliet, -R Rock Ridge, none: ISO names), sorted, | joined
  local got; got=$(isoinfo -f $2 -i "$1" | sort | tr '\n' '|'); [ "$got" == "$3" ] || die "$1: isoinfo $2 lists [$got], meant [$3]"
}
XORRISO -J -R -V QUOTE --modification-date=2026112710300000 -o "$I/見積書.iso" "$IS/plain"
iso_lists "$I/見積書.iso" -R '/書類|/書類/顧客一覧.csv|/見積書.pdf|'
expect "$I/見積書.iso" <<'EOF'
{"kind": "iso", "protection": "not-protected", "disguised": false, "note": "xorriso with Joliet and Rock Ridge: a PDF and a CSV in a folder (Joliet names, UCS-2)",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}, {"name": "書類/顧客一覧.csv", "kind": "text", "protection": "not-protected"}]}
EOF
XORRISO -J -R -V SETUP --modification-date=2026112710300000 -o "$I/setup.iso" "$IS/exe"
iso_lists "$I/setup.iso" -J '/readme.txt|/setup.exe|'
expect "$I/setup.iso" <<'EOF'
{"kind": "iso", "protection": "not-protected", "disguised": false, "note": "xorriso: a Windows PE in a disc image (opens with a double click on Windows 8 and later)",
 "entries": [{"name": "readme.txt", "kind": "text", "protection": "not-protected"}, {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
GENISO -V SETUP -o "$I/iso9660-only.iso" "$IS/exe"
iso_lists "$I/iso9660-only.iso" "" '/README.TXT;1|/SETUP.EXE;1|'
expect "$I/iso9660-only.iso" <<'EOF'
{"kind": "iso", "protection": "not-protected", "disguised": false, "note": "genisoimage without Joliet or Rock Ridge: ISO level 1 names, the ;1 version stripped",
 "entries": [{"name": "README.TXT", "kind": "text", "protection": "not-protected"}, {"name": "SETUP.EXE", "kind": "executable", "protection": "not-protected"}]}
EOF
GENISO -R -V QUOTE -o "$I/rock-ridge-only.iso" "$IS/plain"
iso_lists "$I/rock-ridge-only.iso" -R '/書類|/書類/顧客一覧.csv|/見積書.pdf|'
expect "$I/rock-ridge-only.iso" <<'EOF'
{"kind": "iso", "protection": "not-protected", "disguised": false, "note": "genisoimage -R (no Joliet): names from Rock Ridge NM entries (UTF-8)",
 "entries": [{"name": "見積書.pdf", "kind": "pdf", "protection": "not-protected"}, {"name": "書類/顧客一覧.csv", "kind": "text", "protection": "not-protected"}]}
EOF
GENISO -udf -J -V SETUP -o "$I/udf-bridge.iso" "$IS/exe"
iso_lists "$I/udf-bridge.iso" -J '/readme.txt|/setup.exe|'; grep -qa NSR02 "$I/udf-bridge.iso" || die "udf-bridge.iso has no UDF descriptors"
expect "$I/udf-bridge.iso" <<'EOF'
{"kind": "iso", "protection": "not-protected", "disguised": false, "note": "genisoimage -udf: an ISO 9660 + UDF bridge disc (what Windows and most burning tools write), read through its ISO 9660/Joliet directory",
 "entries": [{"name": "readme.txt", "kind": "text", "protection": "not-protected"}, {"name": "setup.exe", "kind": "executable", "protection": "not-protected"}]}
EOF
truncate -s 128K "$I/udf-only.iso"; q mkudffs --media-type=hd --label=SETUP "$I/udf-only.iso"
[ "$(dd if="$I/udf-only.iso" bs=1 skip=32769 count=5 2>/dev/null)" == BEA01 ] || die "udf-only.iso: no UDF volume recognition sequence"
expect "$I/udf-only.iso" <<'EOF'
{"kind": "iso", "protection": "unknown", "unknownReason": "unsupported", "disguised": false, "note": "a UDF-only image (mkudffs): no ISO 9660 directory to read - unknown, unsupported (UDF)"}
EOF
XORRISO -J -R -V AES --modification-date=2026112710300000 -o "$I/aes-zip-inside.iso" "$IS/aes"
expect "$I/aes-zip-inside.iso" <<'EOF'
{"kind": "iso", "protection": "protected", "disguised": false, "note": "a disc image whose only file is an AES-256 zip",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
head -c 100000 "$I/setup.iso" > "$I/truncated.iso"
expect "$I/truncated.iso" <<'EOF'
{"kind": "iso", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "the first 100,000 bytes of setup.iso: the directories are there, the files' extents are past the end"}
EOF

# ========================================================================================= messages
msg() {  # msg OUT.eml FROM TO SUBJECT ATTACHMENT NAME MIME-TYPE
  "$PY" - "$@" <<'PY'
import sys
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta
out, frm, to, subject, path, name, mime = sys.argv[1:8]
m = EmailMessage(policy=SMTP)
m["From"], m["To"], m["Subject"] = frm, to, subject
m["Date"] = format_datetime(datetime(2026, 11, 27, 10, 30, tzinfo=timezone(timedelta(hours=9))))
m["Message-ID"] = f"<{name.encode('utf-8').hex()[:24]}@example.co.jp>"
m.set_content("お疲れさまです。資料を添付いたします。\nよろしくお願いいたします。\n", charset="utf-8")
main, sub = mime.split("/")
m.add_attachment(open(path, "rb").read(), maintype=main, subtype=sub, filename=name)
open(out, "wb").write(m.as_bytes())
PY
}
msg "$M/int-tar-base256-uid-exe.eml" "tanaka@example.co.jp" "suzuki@example.co.jp" "バックアップ" "$T/gnu-base256-uid.tar" backup.tar application/x-tar
expect "$M/int-tar-base256-uid-exe.eml" <<'EOF'
{"envelope": {"from": "tanaka@example.co.jp", "to": ["suzuki@example.co.jp"]},
 "verdict": "quarantine", "rule": "executable",
 "attachments": [{"name": "backup.tar", "kind": "tar", "protection": "not-protected"}],
 "excluded": [],
 "reasons": [{"path": "backup.tar › setup.exe", "why": "executable"}],
 "note": "internal mail: a GNU tar with a base-256 uid holding a PE - read as corrupt (unknown) before, so it passed internal mail"}
EOF
msg "$M/ext-lzh-plain-pdf.eml" "tanaka@example.co.jp" "buyer@customer.example.com" "御見積書送付の件" "$L/見積書.lzh" 見積書.lzh application/x-lzh-compressed
expect "$M/ext-lzh-plain-pdf.eml" <<'EOF'
{"envelope": {"from": "tanaka@example.co.jp", "to": ["buyer@customer.example.com"]},
 "verdict": "quarantine", "rule": "external-unprotected",
 "attachments": [{"name": "見積書.lzh", "kind": "lzh", "protection": "not-protected"}],
 "excluded": [],
 "reasons": [{"path": "見積書.lzh › 見積書.pdf", "why": "not-protected"}],
 "note": "external mail with an LZH holding a plain PDF: transparent, so the PDF inside is not protected (was unknown before)"}
EOF
msg "$M/int-iso-exe.eml" "tanaka@example.co.jp" "suzuki@example.co.jp" "インストーラー" "$I/setup.iso" setup.iso application/x-iso9660-image
expect "$M/int-iso-exe.eml" <<'EOF'
{"envelope": {"from": "tanaka@example.co.jp", "to": ["suzuki@example.co.jp"]},
 "verdict": "quarantine", "rule": "executable",
 "attachments": [{"name": "setup.iso", "kind": "iso", "protection": "not-protected"}],
 "excluded": [],
 "reasons": [{"path": "setup.iso › setup.exe", "why": "executable"}],
 "note": "internal mail with a disc image holding a PE: found inside the image"}
EOF

echo "make-containers: $(find "$F/containers" -type f ! -name '*.expected.json' | wc -l) files, 3 messages"
