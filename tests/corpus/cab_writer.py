#!/usr/bin/env python3
"""cab_writer.py OUT.cab SRC=NAME... - a Microsoft Cabinet with one MSZIP folder, compressed the way makecab.exe and
cabarc do: each 32 KiB block is its own deflate stream ("CK" + data) that may refer back into the previous 32 KiB of
output (zlib's preset dictionary). gcab, the only CAB writer in Debian, resets the compressor at every block, so its
files never exercise that; this writer exists to make a file that does. Every CFDATA block carries its checksum.
Checked by make-containers.sh with cabextract (libmspack), which must test and extract it byte for byte.
"""

import struct
import sys
import zlib

BLOCK = 32768
TIME = (10 << 11) | (30 << 5)                    # 10:30:00
DATE = ((2026 - 1980) << 9) | (11 << 5) | 27     # 2026-11-27


def checksum(data: bytes, seed: int) -> int:
    """[MS-CAB] CSUMCompute: little-endian 32-bit words XORed, the 1-3 tail bytes taken high to low."""
    csum = seed
    n = len(data) // 4 * 4
    for i in range(0, n, 4):
        csum ^= struct.unpack_from("<I", data, i)[0]
    tail = 0
    for b in data[n:]:
        tail = (tail << 8) | b
    return csum ^ tail


def main() -> int:
    out, pairs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    files, stream = [], b""
    for src, name in pairs:
        data = open(src, "rb").read()
        files.append((name.encode("utf-8"), len(data), len(stream)))
        stream += data

    blocks, history = [], b""
    for i in range(0, len(stream), BLOCK):
        chunk = stream[i:i + BLOCK]
        c = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=history) if history else zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = b"CK" + c.compress(chunk) + c.flush(zlib.Z_FINISH)
        sizes = struct.pack("<HH", len(packed), len(chunk))
        blocks.append(struct.pack("<I", checksum(sizes, checksum(packed, 0))) + sizes + packed)
        history = (history + chunk)[-BLOCK:]

    cffiles = b"".join(struct.pack("<IIHHHH", size, offset, 0, DATE, TIME, 0x20 | 0x80) + name + b"\0"
                       for name, size, offset in files)
    header_size, folder_size = 36, 8
    files_offset = header_size + folder_size
    data_offset = files_offset + len(cffiles)
    total = data_offset + sum(len(b) for b in blocks)
    header = b"MSCF" + struct.pack("<IIIIIBBHHHHH", 0, total, 0, files_offset, 0, 3, 1, 1, len(files), 0, 0x1127, 0)
    folder = struct.pack("<IHH", data_offset, len(blocks), 1)  # typeCompress 1 = MSZIP
    with open(out, "wb") as f:
        f.write(header + folder + cffiles + b"".join(blocks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
