"""Which signature ids a delivery holds, as a bitmap: one bit per id up to the largest.

A million signatures fit in about 125 KB before compression (runs of signers
compress to almost nothing), and the check page answers "is signature N in
it?" from one decompression, without a row per signer per delivery.
"""

import zlib


class Bitmap:
    def __init__(self):
        self.bits = bytearray()

    def add(self, signature_id: int) -> None:
        byte = signature_id >> 3
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1, 2 * len(self.bits)) - len(self.bits)))
        self.bits[byte] |= 1 << (signature_id & 7)

    def pack(self) -> bytes:
        return zlib.compress(bytes(self.bits).rstrip(b"\0"), 6)


def contains(packed: bytes, signature_id: int) -> bool:
    if not packed:
        return False
    bits = zlib.decompress(bytes(packed))
    byte = signature_id >> 3
    return byte < len(bits) and bool(bits[byte] >> (signature_id & 7) & 1)
