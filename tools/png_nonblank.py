#!/usr/bin/python3
"""Exit 0 when a PNG (8-bit RGB/RGBA, as Chromium writes) has visible content: more than one
colour and at least 0.5 % of pixels differing from the most common one.  Standard library only."""
import struct
import sys
import zlib
from collections import Counter


def pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise SystemExit('%s: not a PNG' % path)
    pos, idat, width = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, colour = struct.unpack('>IIBB', body[:10])
            if depth != 8 or colour not in (2, 6):
                raise SystemExit('%s: unsupported PNG type' % path)
            bpp = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return [row[x:x + 3] for row in rows for x in range(0, stride, bpp)]


def main():
    px = pixels(sys.argv[1])
    counts = Counter(px)
    common = counts.most_common(1)[0][1]
    share = 1 - common / len(px)
    print('%s: %d pixels, %d colours, %.2f %% not background' % (sys.argv[1], len(px), len(counts), 100 * share))
    sys.exit(0 if len(counts) > 1 and share >= 0.005 else 1)


main()
