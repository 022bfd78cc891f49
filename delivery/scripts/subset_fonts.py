"""Rebuild delivery/fonts/ from Debian's fonts-dejavu-core (run by hand, result committed).

    apt-get install fonts-dejavu-core && .venv/bin/python delivery/scripts/subset_fonts.py

DejaVu Sans covers Latin, Greek, Cyrillic and many symbols. The full files are
about 750 KB each; keeping only the blocks a signer's name or place can use
(and dropping hinting, which print does not need) halves the packet's fixed
overhead. The licence (Bitstream Vera, DejaVu changes public domain) allows
modified copies under a name without "Bitstream" or "Vera": DejaVu's own name
qualifies. fonts/LICENSE-DejaVu.txt travels with them.
"""

from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/dejavu")
TARGET = Path(__file__).resolve().parent.parent / "fonts"
FACES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]

# Unicode blocks kept: Latin (with IPA and extended), combining marks, Greek,
# Cyrillic, punctuation, currency, letterlike, number forms, arrows, maths,
# enclosed numbers, box drawing, shapes, miscellaneous symbols and dingbats,
# and U+FFFD, printed in place of any character the font lacks.
UNICODES = [
    (0x0020, 0x007E), (0x00A0, 0x02FF), (0x0300, 0x036F), (0x0370, 0x03FF), (0x0400, 0x052F),
    (0x1E00, 0x1EFF), (0x1F00, 0x1FFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F),
    (0x2190, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x27BF), (0xFFFD, 0xFFFD),
]  # fmt: skip


def main():
    options = subset.Options()
    options.layout_features = []  # no shaping: names are set glyph by glyph
    options.hinting = False
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    for face in FACES:
        font = subset.load_font(str(SOURCE / face), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[u for low, high in UNICODES for u in range(low, high + 1)])
        subsetter.subset(font)
        subset.save_font(font, str(TARGET / face), options)
        print(face, (TARGET / face).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
