#!/usr/bin/python3
"""Password-encrypt an OOXML file (.docx/.xlsx/.pptx) the way Office 2010+ does: ECMA-376 Agile Encryption.

Why this exists: Debian 12's msoffcrypto-tool is 5.0.0, which can only DEcrypt (`-e` arrived in 5.1), and no
other Debian package encrypts OOXML (LibreOffice ignores the password for its OOXML export filters when driven
through UNO). So the corpus writes the encrypted file itself, following [MS-OFFCRYPTO], and checks the result
with an independent reader: msoffcrypto-tool must call it encrypted and decrypt it back to the exact input.

Output: a Compound File Binary (CFB, [MS-CFB], version 3, 512-byte sectors) holding
    EncryptionInfo       version 4.4, flags 0x40, then the XML encryption descriptor (AES-256-CBC, SHA-512,
                         100,000 spins, password key encryptor, dataIntegrity HMAC)  - [MS-OFFCRYPTO] 2.3.4.10
    EncryptedPackage     uint64 size of the package, then the zip encrypted in 4096-byte segments, each with
                         IV = SHA-512(keyData salt + segment index)[:16]             - [MS-OFFCRYPTO] 2.3.4.15
    \\x06DataSpaces/      Version, DataSpaceMap, DataSpaceInfo/StrongEncryptionDataSpace,
                         TransformInfo/StrongEncryptionTransform/\\x06Primary           - [MS-OFFCRYPTO] 2.1
Streams under 4096 bytes live in the mini stream (64-byte mini sectors), as the CFB rules require.

Salts and keys come from a seeded generator so the output is reproducible. That is fine for test data and
wrong for anything else.

Usage: ooxml_encrypt.py IN OUT PASSWORD
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SPIN = 100_000
BLK_VERIFIER_INPUT = bytes.fromhex("fea7d2763b4b9e79")
BLK_VERIFIER_VALUE = bytes.fromhex("d7aa0f6d3061344e")
BLK_KEY_VALUE = bytes.fromhex("146e0be7abacd0d6")
BLK_HMAC_KEY = bytes.fromhex("5fb2ad010cb9e1f6")
BLK_HMAC_VALUE = bytes.fromhex("a0677f02b22c8433")


def _sha512(*parts: bytes) -> bytes:
    h = hashlib.sha512()
    for p in parts:
        h.update(p)
    return h.digest()


def _aes_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    if len(data) % 16:
        data += b"\0" * (16 - len(data) % 16)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def _password_key(password: str, salt: bytes, block: bytes) -> bytes:
    h = _sha512(salt, password.encode("utf-16-le"))
    for i in range(SPIN):
        h = _sha512(struct.pack("<I", i), h)
    return _sha512(h, block)[:32]


def encrypt(package: bytes, password: str, seed: int) -> tuple[bytes, bytes]:
    """Return (EncryptionInfo, EncryptedPackage) stream contents."""
    rnd = random.Random(seed)
    key_salt, pw_salt = rnd.randbytes(16), rnd.randbytes(16)
    secret_key, verifier, hmac_key = rnd.randbytes(32), rnd.randbytes(16), rnd.randbytes(64)

    # EncryptedPackage: size, then 4096-byte segments
    out = bytearray(struct.pack("<Q", len(package)))
    for i in range(0, len(package), 4096):
        iv = _sha512(key_salt, struct.pack("<I", i // 4096))[:16]
        out += _aes_cbc(secret_key, iv, package[i:i + 4096])
    enc_package = bytes(out)

    # data integrity: HMAC-SHA512 over the whole EncryptedPackage stream
    hmac_value = hmac.new(hmac_key, enc_package, hashlib.sha512).digest()
    enc_hmac_key = _aes_cbc(secret_key, _sha512(key_salt, BLK_HMAC_KEY)[:16], hmac_key)
    enc_hmac_value = _aes_cbc(secret_key, _sha512(key_salt, BLK_HMAC_VALUE)[:16], hmac_value)

    # password key encryptor
    enc_verifier_input = _aes_cbc(_password_key(password, pw_salt, BLK_VERIFIER_INPUT), pw_salt, verifier)
    enc_verifier_value = _aes_cbc(_password_key(password, pw_salt, BLK_VERIFIER_VALUE), pw_salt, _sha512(verifier))
    enc_key_value = _aes_cbc(_password_key(password, pw_salt, BLK_KEY_VALUE), pw_salt, secret_key)

    b = lambda x: base64.b64encode(x).decode()
    params = ('saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
              'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
           '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
           'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password" '
           'xmlns:c="http://schemas.microsoft.com/office/2006/keyEncryptor/certificate">'
           f'<keyData {params} saltValue="{b(key_salt)}"/>'
           f'<dataIntegrity encryptedHmacKey="{b(enc_hmac_key)}" encryptedHmacValue="{b(enc_hmac_value)}"/>'
           '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
           f'<p:encryptedKey spinCount="{SPIN}" {params} saltValue="{b(pw_salt)}" '
           f'encryptedVerifierHashInput="{b(enc_verifier_input)}" encryptedVerifierHashValue="{b(enc_verifier_value)}" '
           f'encryptedKeyValue="{b(enc_key_value)}"/></keyEncryptor></keyEncryptors></encryption>')
    info = struct.pack("<HHI", 4, 4, 0x40) + xml.encode("utf-8")
    return info, enc_package


# ------------------------------------------------------------------------------------- data spaces

def _lp(s: str) -> bytes:
    """UNICODE-LP-P4: byte length, UTF-16LE, padded to 4 bytes."""
    raw = s.encode("utf-16-le")
    return struct.pack("<I", len(raw)) + raw + b"\0" * (-len(raw) % 4)


def data_spaces() -> dict[str, bytes]:
    version = _lp("Microsoft.Container.DataSpaces") + struct.pack("<6H", 1, 0, 1, 0, 1, 0)
    entry = struct.pack("<II", 1, 0) + _lp("EncryptedPackage") + _lp("StrongEncryptionDataSpace")
    dsmap = struct.pack("<II", 8, 1) + struct.pack("<I", 4 + len(entry)) + entry
    dsinfo = struct.pack("<II", 8, 1) + _lp("StrongEncryptionTransform")
    tid = _lp("{FF9A3F03-56EF-4613-BDD5-5A41C1D07246}")
    primary = (struct.pack("<II", 8 + len(tid), 1) + tid + _lp("Microsoft.Container.EncryptionTransform")
               + struct.pack("<6H", 1, 0, 1, 0, 1, 0) + struct.pack("<IIII", 0, 0, 0, 4))
    return {"Version": version, "DataSpaceMap": dsmap, "StrongEncryptionDataSpace": dsinfo, "\x06Primary": primary}


# ---------------------------------------------------------------------------------------------- CFB

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR, MINI, CUTOFF = 512, 64, 4096


class Node:
    def __init__(self, name: str, data: bytes | None = None, children: list["Node"] | None = None, clsid: bytes = b"\0" * 16):
        self.name, self.data, self.children, self.clsid = name, data, children or [], clsid
        self.sid = 0
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = ENDOFCHAIN, 0


def _cfb_key(n: Node):
    return (len(n.name), n.name.upper())


def _tree(nodes: list[Node]) -> int:
    """Link siblings as a balanced binary search tree in CFB order; return the root's id."""
    if not nodes:
        return NOSTREAM
    nodes = sorted(nodes, key=_cfb_key)
    mid = len(nodes) // 2
    nodes[mid].left = _tree(nodes[:mid])
    nodes[mid].right = _tree(nodes[mid + 1:])
    return nodes[mid].sid


def write_cfb(root_children: list[Node], root_clsid: bytes = b"\0" * 16) -> bytes:
    """A version 3 CFB of the given tree (also used by ole_package.py and msg_writer.py)."""
    root = Node("Root Entry", children=root_children, clsid=root_clsid)
    order: list[Node] = []

    def number(n: Node):
        n.sid = len(order)
        order.append(n)
        for c in n.children:
            number(c)
    number(root)
    for n in order:
        if n.data is None:
            n.child = _tree(n.children)

    sectors: list[bytes] = []
    fat: list[int] = []

    def put(data: bytes) -> int:
        """Append data as a chain of regular sectors; return the first sector."""
        first = len(sectors)
        count = max(1, -(-len(data) // SECTOR))
        for i in range(count):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else ENDOFCHAIN)
        return first

    mini_stream, minifat = bytearray(), []
    for n in order:
        if n.data is None:
            continue
        n.size = len(n.data)
        if n.size >= CUTOFF:
            n.start = put(n.data)
        elif n.size > 0:
            n.start = len(mini_stream) // MINI
            count = -(-n.size // MINI)
            for i in range(count):
                minifat.append(n.start + i + 1 if i < count - 1 else ENDOFCHAIN)
            mini_stream += n.data.ljust(count * MINI, b"\0")
    if mini_stream:
        root.start, root.size = put(bytes(mini_stream)), len(mini_stream)
    minifat_start, minifat_count = ENDOFCHAIN, 0
    if minifat:
        raw = b"".join(struct.pack("<I", x) for x in minifat)
        minifat_start = put(raw.ljust(-(-len(raw) // SECTOR) * SECTOR, b"\xff"))
        minifat_count = -(-len(raw) // SECTOR)

    def entry(n: Node) -> bytes:
        name = n.name.encode("utf-16-le") + b"\0\0"
        kind = 5 if n is root else (2 if n.data is not None else 1)
        return (name.ljust(64, b"\0") + struct.pack("<HBB", len(name), kind, 1)
                + struct.pack("<III", n.left, n.right, n.child) + n.clsid + struct.pack("<I", 0)
                + b"\0" * 16 + struct.pack("<IQ", n.start if (n.data is not None or n is root) else 0, n.size))
    dir_raw = b"".join(entry(n) for n in order)
    dir_raw += (b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
                + b"\0" * 36 + struct.pack("<IQ", 0, 0)) * (-len(order) % 4)
    dir_start = put(dir_raw)

    # FAT sectors go last; they must also describe themselves
    n_fat = 1
    while n_fat * (SECTOR // 4) < len(sectors) + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise SystemExit("ooxml_encrypt: file too large for a header-only DIFAT")
    fat_start = len(sectors)
    fat += [FATSECT] * n_fat
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    fat_raw = b"".join(struct.pack("<I", x) for x in fat)
    for i in range(n_fat):
        sectors.append(fat_raw[i * SECTOR:(i + 1) * SECTOR])

    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF, minifat_start, minifat_count,
                                       ENDOFCHAIN, 0)
              + b"".join(struct.pack("<I", x) for x in difat))
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        raise SystemExit(__doc__)
    src, dst, password = argv
    package = open(src, "rb").read()
    seed = int.from_bytes(hashlib.sha256(package).digest()[:8], "little")
    info, enc = encrypt(package, password, seed)
    ds = data_spaces()
    cfb = write_cfb([
        Node("\x06DataSpaces", children=[
            Node("Version", ds["Version"]),
            Node("DataSpaceMap", ds["DataSpaceMap"]),
            Node("DataSpaceInfo", children=[Node("StrongEncryptionDataSpace", ds["StrongEncryptionDataSpace"])]),
            Node("TransformInfo", children=[Node("StrongEncryptionTransform", children=[Node("\x06Primary", ds["\x06Primary"])])]),
        ]),
        Node("EncryptionInfo", info),
        Node("EncryptedPackage", enc),
    ])
    open(dst, "wb").write(cfb)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
