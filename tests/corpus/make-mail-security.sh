#!/usr/bin/env bash
# make-mail-security.sh OUT - signed and encrypted mail (S/MIME, OpenPGP), bounces / read receipts / feedback
# reports, and body items inside containers, for issue 12:
#
#   OUT/files/smime/*      CMS objects made by `openssl cms` (enveloped, authEnveloped, signed, detached)
#   OUT/files/openpgp/*    OpenPGP messages and signatures made by `gpg` (binary and armored)
#   OUT/messages/*.eml     whole messages around them (mail_security.py), each with <name>.eml.expected.json
#
# Called by make-corpus.sh once its own files exist (it reads OUT/files/{pdf,office,zip,image,executable,text}).
# Keys and certificates are throw-away ones made here, in a temporary GnuPG home and work folder removed at the end.
# Every expectation is a literal below or in mail_security.py; what is checked here, with the tool that made
# each file, is that it is what was meant (openssl cms -verify / -decrypt, gpg --decrypt / --verify / --list-packets).
# Output is not byte-identical run to run: signatures carry a signing time and encryption draws random keys.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: make-mail-security.sh OUT}
F=$OUT/files
PY=/usr/bin/python3
H="$PY $HERE/helpers.py"
MS="$PY $HERE/mail_security.py"
PW=pass
die() { printf 'make-mail-security: %b\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "missing tool '$1' (apt-get install $2)"; }
need openssl openssl; need gpg gnupg; need gpgconf gnupg; need gpg-agent gpg-agent; need zip zip
for f in pdf/plain.pdf office/customers.xlsx zip/utf8-flag-names-aes256.zip image/image001.png executable/setup.exe text/customers-utf8-bom.csv; do
  [ -f "$F/$f" ] || die "$F/$f is missing: run make-corpus.sh, which calls this script"
done

W=$(mktemp -d "${TMPDIR:-/tmp}/miraie-mail-security.XXXXXX")
GH=$W/gnupg
cleanup() { gpgconf --homedir "$GH" --kill all >/dev/null 2>&1 || true; rm -rf "$W"; }
trap cleanup EXIT
LOG=$W/last.log
q() { "$@" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "command failed: $*"; }; }
fails() { if "$@" >"$LOG" 2>&1; then die "expected this to fail but it succeeded: $*"; fi; }
expect() { cat > "$1.expected.json"; }
half() { head -c $(( $(stat -c %s "$1") / 2 )) "$1" > "$2"; }
same() { cmp -s "$1" "$2" || die "$3"; }

# ------------------------------------------------------------------------------- keys and certificates
# Sender (signs) and recipient (decrypts): self-signed RSA certificates with S/MIME key usage, valid 10 years.
for who in tanaka:tanaka@example.co.jp buyer:buyer@customer.example.com; do
  n=${who%%:*}; mail=${who#*:}
  q openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout "$W/$n.key" -out "$W/$n.crt" \
    -subj "/CN=$n/emailAddress=$mail" -addext "keyUsage=digitalSignature,keyEncipherment" -addext "extendedKeyUsage=emailProtection"
done
mkdir -m 700 "$GH"
G=(gpg --batch --yes --homedir "$GH" --trust-model always --no-auto-key-locate --no-tty)
q "${G[@]}" --passphrase '' --quick-gen-key "Tanaka Taro <tanaka@example.co.jp>" rsa2048 sign,cert never
FPR=$("${G[@]}" --with-colons --list-keys tanaka@example.co.jp | awk -F: '/^fpr/{print $10; exit}')
q "${G[@]}" --passphrase '' --quick-add-key "$FPR" rsa2048 encr never
q "${G[@]}" --passphrase '' --quick-gen-key "Buyer <buyer@customer.example.com>" future-default default never  # ed25519 + cv25519
GPGPW=("${G[@]}" --pinentry-mode loopback --passphrase "$PW")
packets() { "${GPGPW[@]}" --list-only --list-packets "$1" 2>/dev/null | awk '/^# off=/{for(i=1;i<=NF;i++) if($i ~ /^tag=/) printf "%s ", substr($i,5)} END{print ""}'; }
packets_are() { local got; got=$(packets "$1"); [ "$got" == "$2 " ] || die "$1: packets are [$got], meant [$2]"; }

# ---------------------------------------------------------------------------------- inner MIME entities
$MS entities --files "$F" --work "$W"
cp "$F/office/customers.xlsx" "$W/顧客一覧.xlsx"
(cd "$W" && q zip -X -q plain.zip 顧客一覧.xlsx)
$H random "$W/random.bin" 4096 1212

# ====================================================================================== S/MIME (files)
D=$F/smime; rm -rf "$D"; mkdir -p "$D"
cms() { openssl cms "$@" 2>"$LOG" || { cat "$LOG" >&2; die "openssl cms $*"; }; }
cms -encrypt -binary -aes256 -in "$W/inner-plain-xlsx.mime" -outform DER -out "$D/enveloped-aes256.p7m" "$W/buyer.crt"
cms -encrypt -binary -aes-256-gcm -in "$W/inner-plain-xlsx.mime" -outform DER -out "$D/auth-enveloped-aes256-gcm.p7m" "$W/buyer.crt"
cms -encrypt -binary -aes128 -in "$F/office/customers.xlsx" -outform DER -out "$D/two-recipients-aes128.p7m" "$W/buyer.crt" "$W/tanaka.crt"
cms -sign -binary -in "$W/inner-plain-xlsx.mime" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$D/signed-detached.p7s"
cms -sign -binary -nodetach -in "$F/pdf/plain.pdf" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$D/申請書.pdf.p7m"
cms -sign -binary -nodetach -in "$F/zip/utf8-flag-names-aes256.zip" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$D/見積書.zip.p7m"
cms -sign -binary -nodetach -in "$F/executable/setup.exe" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$D/請求書.pdf.p7m"
cms -sign -binary -nodetach -in "$W/inner-plain-xlsx.mime" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$D/signed-mime-entity.p7m"
# -stream: BER with indefinite lengths and constructed OCTET STRINGs, as Thunderbird (NSS) writes
cms -encrypt -binary -stream -aes256 -in "$W/inner-plain-xlsx.mime" -outform DER -out "$D/enveloped-ber-streamed.p7m" "$W/buyer.crt"
cms -sign -binary -stream -nodetach -in "$F/office/customers.xlsx" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$D/customers-ber-streamed.xlsx.p7m"
for f in enveloped-ber-streamed.p7m customers-ber-streamed.xlsx.p7m; do
  [ "$(head -c 2 "$D/$f" | od -An -tx1 | tr -d ' ')" == 3080 ] || die "$f is not BER with an indefinite length"
done
half "$D/enveloped-aes256.p7m" "$D/truncated-enveloped.p7m"
cp "$W/random.bin" "$D/random.p7m"
# what was meant: each decrypts with the recipient's key to its input, each signature verifies over its content
dec() { cms -decrypt -binary -inform DER -in "$1" -recip "$W/$2.crt" -inkey "$W/$2.key" -out "$W/dec"; same "$W/dec" "$3" "$1 does not decrypt to $3"; }
dec "$D/enveloped-aes256.p7m" buyer "$W/inner-plain-xlsx.mime"
dec "$D/auth-enveloped-aes256-gcm.p7m" buyer "$W/inner-plain-xlsx.mime"
dec "$D/two-recipients-aes128.p7m" buyer "$F/office/customers.xlsx"; dec "$D/two-recipients-aes128.p7m" tanaka "$F/office/customers.xlsx"
cms -cmsout -print -inform DER -in "$D/auth-enveloped-aes256-gcm.p7m" > "$W/print"; grep -q 'id-smime-ct-authEnvelopedData' "$W/print" || die "not AuthEnvelopedData"
grep -q 'aes-256-gcm' "$W/print" || die "auth-enveloped is not AES-256-GCM"
cms -verify -binary -inform DER -in "$D/signed-detached.p7s" -content "$W/inner-plain-xlsx.mime" -CAfile "$W/tanaka.crt" -out /dev/null
vfy() { cms -verify -binary -inform DER -in "$1" -CAfile "$W/tanaka.crt" -out "$W/dec"; same "$W/dec" "$2" "$1 does not verify to $2"; }
vfy "$D/申請書.pdf.p7m" "$F/pdf/plain.pdf"; vfy "$D/見積書.zip.p7m" "$F/zip/utf8-flag-names-aes256.zip"
vfy "$D/請求書.pdf.p7m" "$F/executable/setup.exe"; vfy "$D/signed-mime-entity.p7m" "$W/inner-plain-xlsx.mime"
dec "$D/enveloped-ber-streamed.p7m" buyer "$W/inner-plain-xlsx.mime"; vfy "$D/customers-ber-streamed.xlsx.p7m" "$F/office/customers.xlsx"
fails openssl cms -cmsout -inform DER -in "$D/truncated-enveloped.p7m"
fails openssl cms -cmsout -inform DER -in "$D/random.p7m"
expect "$D/enveloped-aes256.p7m" <<'EOF'
{"kind": "smime", "protection": "protected", "disguised": false, "note": "CMS EnvelopedData (openssl cms -encrypt -aes256) of a MIME entity with a plain xlsx: only the recipient's private key opens it"}
EOF
expect "$D/auth-enveloped-aes256-gcm.p7m" <<'EOF'
{"kind": "smime", "protection": "protected", "disguised": false, "note": "CMS AuthEnvelopedData (RFC 5083, openssl cms -encrypt -aes-256-gcm): read with System.Formats.Asn1, since EnvelopedCms does not decode it"}
EOF
expect "$D/two-recipients-aes128.p7m" <<'EOF'
{"kind": "smime", "protection": "protected", "disguised": false, "note": "EnvelopedData, AES-128-CBC, two key-transport recipients, content a bare xlsx"}
EOF
expect "$D/enveloped-ber-streamed.p7m" <<'EOF'
{"kind": "smime", "protection": "protected", "disguised": false, "note": "EnvelopedData in BER with indefinite lengths (openssl cms -encrypt -stream), the encoding NSS/Thunderbird uses"}
EOF
expect "$D/customers-ber-streamed.xlsx.p7m" <<'EOF'
{"kind": "smime", "protection": "not-protected", "disguised": false, "note": "opaque-signed xlsx in BER (openssl cms -sign -stream -nodetach): the content is read through the indefinite-length, constructed OCTET STRING",
 "entries": [{"name": "customers-ber-streamed.xlsx", "kind": "ooxml", "protection": "not-protected"}]}
EOF
expect "$D/signed-detached.p7s" <<'EOF'
{"kind": "smime", "protection": "protected", "disguised": false, "note": "a detached CMS signature on its own: it carries no content, nothing to read (like an empty file, ADR-003)"}
EOF
expect "$D/申請書.pdf.p7m" <<'EOF'
{"kind": "smime", "protection": "not-protected", "disguised": false, "note": "opaque-signed PDF (openssl cms -sign -nodetach -binary), the way electronic-application systems deliver signed files: anyone can read the content, which is inspected",
 "entries": [{"name": "申請書.pdf", "kind": "pdf", "protection": "not-protected"}]}
EOF
expect "$D/見積書.zip.p7m" <<'EOF'
{"kind": "smime", "protection": "protected", "disguised": false, "note": "opaque-signed AES-256 zip: the signature is transparent, the zip inside decides",
 "entries": [{"name": "見積書.zip", "kind": "zip", "protection": "protected"}]}
EOF
expect "$D/請求書.pdf.p7m" <<'EOF'
{"kind": "smime", "protection": "not-protected", "disguised": true, "note": "a Windows PE signed opaquely and named 請求書.pdf.p7m: inside, 請求書.pdf is an executable - disguised",
 "entries": [{"name": "請求書.pdf", "kind": "executable", "protection": "not-protected", "disguised": true}]}
EOF
expect "$D/signed-mime-entity.p7m" <<'EOF'
{"kind": "smime", "protection": "not-protected", "disguised": false, "note": "opaque-signed MIME entity (what smime-type=signed-data carries) holding a plain xlsx: walked like a message, the xlsx is the entry",
 "entries": [{"name": "顧客一覧.xlsx", "kind": "ooxml", "protection": "not-protected"}]}
EOF
expect "$D/truncated-enveloped.p7m" <<'EOF'
{"kind": "smime", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "first half of enveloped-aes256.p7m: starts like CMS, does not parse - claimed but unparseable encryption is unknown"}
EOF
expect "$D/random.p7m" <<'EOF'
{"kind": "unknown", "protection": "unknown", "unknownReason": "unrecognised", "disguised": false, "note": "4 KiB of random bytes named .p7m: a name is not encryption"}
EOF

# ===================================================================================== OpenPGP (files)
D=$F/openpgp; rm -rf "$D"; mkdir -p "$D"
"${G[@]}" -r tanaka@example.co.jp -o "$D/顧客一覧.xlsx.gpg" -e "$F/office/customers.xlsx"
"${G[@]}" -a -r tanaka@example.co.jp -r buyer@customer.example.com -o "$D/two-recipients.asc" -e "$F/office/customers.xlsx"
q "${GPGPW[@]}" -c -o "$D/symmetric.gpg" "$F/pdf/plain.pdf"
q "${GPGPW[@]}" -c -a -o "$D/symmetric.asc" "$F/pdf/plain.pdf"
"${G[@]}" -r tanaka@example.co.jp -e < "$F/executable/setup.exe" > "$D/stream-partial-lengths.gpg"     # from a pipe: partial body lengths
q "${GPGPW[@]}" --rfc2440 --cipher-algo CAST5 -c -o "$D/legacy-sed-cast5.gpg" "$F/pdf/plain.pdf"     # no MDC: tag 9
q "${G[@]}" -u tanaka@example.co.jp -o "$D/detached-signature.sig" --detach-sign "$F/pdf/plain.pdf"
q "${G[@]}" -u tanaka@example.co.jp -a -o "$D/detached-signature.asc" --detach-sign "$F/pdf/plain.pdf"
q "${G[@]}" -u tanaka@example.co.jp -a -o "$D/signed-not-encrypted.asc" --sign "$F/text/customers-utf8-bom.csv"
half "$D/顧客一覧.xlsx.gpg" "$D/truncated.gpg"
{ echo '-----BEGIN PGP MESSAGE-----'; echo; base64 -w 64 "$W/random.bin"; echo '-----END PGP MESSAGE-----'; } > "$D/not-openpgp.asc"
packets_are "$D/顧客一覧.xlsx.gpg" "1 18"
packets_are "$D/two-recipients.asc" "1 1 18"
packets_are "$D/symmetric.gpg" "3 18"
packets_are "$D/symmetric.asc" "3 18"
packets_are "$D/legacy-sed-cast5.gpg" "3 9"
packets_are "$D/detached-signature.sig" "2"
packets_are "$D/detached-signature.asc" "2"
"${GPGPW[@]}" --list-packets "$D/stream-partial-lengths.gpg" 2>/dev/null | grep -q 'tag=18 .*partial' || die "stream-partial-lengths.gpg has no partial body lengths"
gdec() { "${GPGPW[@]}" -o "$W/dec" -d "$1" 2>"$LOG" || { cat "$LOG" >&2; die "gpg cannot decrypt $1"; }; same "$W/dec" "$2" "$1 does not decrypt to $2"; }
gdec "$D/顧客一覧.xlsx.gpg" "$F/office/customers.xlsx"; gdec "$D/two-recipients.asc" "$F/office/customers.xlsx"
gdec "$D/symmetric.gpg" "$F/pdf/plain.pdf"; gdec "$D/symmetric.asc" "$F/pdf/plain.pdf"; gdec "$D/stream-partial-lengths.gpg" "$F/executable/setup.exe"
q "${GPGPW[@]}" --ignore-mdc-error -o "$W/dec" -d "$D/legacy-sed-cast5.gpg"     # "message was not integrity protected"
same "$W/dec" "$F/pdf/plain.pdf" "legacy-sed-cast5.gpg does not decrypt"
q "${G[@]}" --verify "$D/detached-signature.sig" "$F/pdf/plain.pdf"; q "${G[@]}" --verify "$D/detached-signature.asc" "$F/pdf/plain.pdf"
q "${G[@]}" --verify "$D/signed-not-encrypted.asc"
fails "${GPGPW[@]}" -o "$W/dec" -d "$D/truncated.gpg"
fails "${G[@]}" --list-packets "$D/not-openpgp.asc"
expect "$D/顧客一覧.xlsx.gpg" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg -e (binary): a public-key encrypted session key (RSA, tag 1) and a SEIPD packet (tag 18)"}
EOF
expect "$D/two-recipients.asc" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg -a -e to two keys (RSA and Curve25519 ECDH): ASCII armor around two PKESK packets and SEIPD"}
EOF
expect "$D/symmetric.gpg" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg -c (password): a symmetric-key encrypted session key (tag 3) and SEIPD"}
EOF
expect "$D/symmetric.asc" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg -c -a: the same, armored"}
EOF
expect "$D/stream-partial-lengths.gpg" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg -e reading a pipe: the SEIPD packet comes in partial body lengths (RFC 9580 4.2.1.4)"}
EOF
expect "$D/legacy-sed-cast5.gpg" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg --rfc2440 -c with CAST5: SKESK and a Symmetrically Encrypted Data packet (tag 9) without integrity protection - weak, but it needs the password"}
EOF
expect "$D/detached-signature.sig" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg --detach-sign (binary): one signature packet, no content - nothing to read (ADR-003)"}
EOF
expect "$D/detached-signature.asc" <<'EOF'
{"kind": "openpgp", "protection": "protected", "disguised": false, "note": "gpg -a --detach-sign: an armored PGP SIGNATURE"}
EOF
expect "$D/signed-not-encrypted.asc" <<'EOF'
{"kind": "openpgp", "protection": "not-protected", "disguised": false, "note": "gpg -a --sign: a signed (compressed) message anyone can read - OpenPGP, but not encrypted"}
EOF
expect "$D/truncated.gpg" <<'EOF'
{"kind": "openpgp", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "first half of 顧客一覧.xlsx.gpg: the encrypted packet runs past the end"}
EOF
expect "$D/not-openpgp.asc" <<'EOF'
{"kind": "openpgp", "protection": "unknown", "unknownReason": "corrupt", "disguised": false, "note": "an armor header around random bytes: claimed, unparseable encryption is unknown"}
EOF

# ================================================================================ payloads for messages
sign_d() { cms -sign -binary -in "$W/$1" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$W/$2"
           cms -verify -binary -inform DER -in "$W/$2" -content "$W/$1" -CAfile "$W/tanaka.crt" -out /dev/null; }
sign_o() { cms -sign -binary -nodetach -in "$W/$1" -signer "$W/tanaka.crt" -inkey "$W/tanaka.key" -outform DER -out "$W/$2"; vfy "$W/$2" "$W/$1"; }
enc() { cms -encrypt -binary "$3" -in "$W/$1" -outform DER -out "$W/$2" "$W/buyer.crt"; dec "$W/$2" buyer "$W/$1"; }
sign_d inner-aes-zip.mime sig-aes.p7s; sign_d inner-text.mime sig-text.p7s; sign_d inner-plain-xlsx.mime sig-xlsx.p7s
sign_o inner-aes-zip.mime opaque-aes.p7m; sign_o inner-plain-pdf.mime opaque-pdf.p7m
cp "$F/smime/申請書.pdf.p7m" "$W/signed-pdf.p7m"
enc inner-plain-xlsx.mime env-xlsx.p7m -aes256; enc inner-plain-xlsx.mime authenv-xlsx.p7m -aes-256-gcm
sign_o inner-plain-xlsx.mime opaque-xlsx.p7m
$MS p7m-entity "$W/opaque-xlsx.p7m" "$W/inner-signed.mime" signed-data
enc inner-signed.mime signenv.p7m -aes256
"${G[@]}" -a -r tanaka@example.co.jp -r buyer@customer.example.com -o "$W/pgp-xlsx.asc" -e "$W/inner-plain-xlsx.mime"
gdec "$W/pgp-xlsx.asc" "$W/inner-plain-xlsx.mime"
q "${G[@]}" -u tanaka@example.co.jp -a -o "$W/pgp-sig-aes.asc" --detach-sign "$W/inner-aes-zip.mime"
q "${G[@]}" --verify "$W/pgp-sig-aes.asc" "$W/inner-aes-zip.mime"
"${G[@]}" -r tanaka@example.co.jp -o "$W/xlsx.gpg" -e "$F/office/customers.xlsx"
q "${GPGPW[@]}" -c -a -o "$W/pdf-sym.asc" "$F/pdf/plain.pdf"
printf 'お世話になっております。暗号化した本文をお送りします。\n' | "${G[@]}" -a -r buyer@customer.example.com -e > "$W/inline.asc"
$MS tnef --files "$F" --out "$W/inline-image.dat"
$MS tnef --files "$F" --out "$W/inline-image-rtf.dat" --rtf
for t in inline-image.dat inline-image-rtf.dat; do
  q tnef -t "$W/$t"; grep -q 'image001.png' "$LOG" || die "$t: tnef does not list image001.png"
done
q tnef --save-body --body-pref=R -C "$W" "$W/inline-image-rtf.dat"   # tnef decompresses the RTF body: the cid: reference is in it
grep -rqs 'cid:image001.png@' "$W"/*.rtf || die "inline-image-rtf.dat: no cid: reference in the RTF body tnef extracts"

# ============================================================================================ messages
$MS messages --files "$F" --work "$W" --out "$OUT/messages"
# openssl reads the S/MIME messages back as mail: signatures verify over the parts as assembled, envelopes decrypt
M=$OUT/messages
for m in ext-smime-signed-aes-zip ext-smime-signed-outlook-no-attachment ext-smime-signed-plain-xlsx ext-smime-opaque-signed-aes-zip ext-smime-opaque-signed-plain-pdf; do
  cms -verify -in "$M/$m.eml" -CAfile "$W/tanaka.crt" -out /dev/null
done
fails openssl cms -verify -in "$M/ext-smime-signature-is-zip.eml" -CAfile "$W/tanaka.crt" -out /dev/null
for m in ext-smime-encrypted ext-smime-auth-encrypted ext-smime-signed-then-encrypted; do
  cms -decrypt -in "$M/$m.eml" -recip "$W/buyer.crt" -inkey "$W/buyer.key" -out /dev/null
done
fails openssl cms -decrypt -in "$M/ext-smime-encrypted-random-bytes.eml" -recip "$W/buyer.crt" -inkey "$W/buyer.key" -out /dev/null
echo "make-mail-security: $(find "$F/smime" "$F/openpgp" -type f ! -name '*.expected.json' | wc -l) files"
