"""The printable certificate: a PNG with the holder's name, the achievement, the dates, and a QR code to the
public verification page. A picture only: the signed credential is what proves anything."""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageDraw, ImageFont

from adaptest.web.credentials.models import Credential

WIDTH, HEIGHT = 1600, 1131  # A4 landscape at about 136 dpi
INK, MUTED, BORDER = (17, 24, 39), (75, 85, 99), (30, 64, 175)


def certificate_png(*, credential: Credential, holder_name: str, verification_url: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=BORDER, width=8)
    lines = [
        ("Certificate of achievement", 64, INK, 140),
        ("This certifies that", 36, MUTED, 260),
        (holder_name, 72, INK, 330),
        ("passed", 36, MUTED, 440),
        (credential.achievement_name, 56, INK, 500),
        (
            f"Issued {credential.issued_at:%d %B %Y} · valid until {credential.valid_until:%d %B %Y}",
            30,
            MUTED,
            610,
        ),
    ]
    for text, size, colour, top in lines:
        draw.text((WIDTH // 2, top), text, fill=colour, font=ImageFont.load_default(size=size), anchor="ma")
    _paste_qr(image, verification_url)
    small = ImageFont.load_default(size=22)
    draw.text((WIDTH // 2, HEIGHT - 80), f"Verify: {verification_url}", fill=MUTED, font=small, anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _paste_qr(image: Image.Image, url: str) -> None:
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(qr.getvalue())).convert("RGB")
    image.paste(code, ((WIDTH - code.width) // 2, 680))
