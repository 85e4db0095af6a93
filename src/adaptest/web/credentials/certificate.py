"""The printable certificate: a PNG with the holder's name, the achievement (for a skills report, the levels
it records), the dates, and a QR code to the public verification page. A picture only: the signed credential
is what proves anything."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from PIL import Image, ImageDraw, ImageFont

from adaptest.web.credentials.models import Credential
from adaptest.web.credentials.services import BORDERLINE_NOTE

WIDTH, HEIGHT = 1600, 1131  # A4 landscape at about 136 dpi
INK, MUTED, BORDER = (17, 24, 39), (75, 85, 99), (30, 64, 175)
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Line:
    text: str
    size: int
    colour: Colour
    top: int


def certificate_lines(
    *,
    kind: str,
    achievement_name: str,
    holder_name: str,
    issued_at: datetime,
    valid_until: datetime,
    levels: list[str] | None = None,
) -> list[Line]:
    """The text of the picture, line by line. A certificate says the holder passed; a skills report never
    does: it says they took the assessment with these levels (``levels``, e.g. "Overall: Developing")."""
    dates = f"Issued {issued_at:%d %B %Y} · valid until {valid_until:%d %B %Y}"
    if kind != Credential.Kind.SKILLS_REPORT:
        return [
            Line("Certificate of achievement", 64, INK, 140),
            Line("This certifies that", 36, MUTED, 260),
            Line(holder_name, 72, INK, 330),
            Line("passed", 36, MUTED, 440),
            Line(achievement_name, 56, INK, 500),
            Line(dates, 30, MUTED, 610),
        ]
    lines = [
        Line("Skills report", 56, INK, 90),
        Line("This records that", 30, MUTED, 180),
        Line(holder_name, 60, INK, 225),
        Line(f"took the {achievement_name} with these levels:", 32, MUTED, 315),
    ]
    top = 375
    for level in levels or []:
        lines.append(Line(level, 30, INK, top))
        top += 42
    lines.append(Line(dates, 26, MUTED, top + 14))
    return lines


def skills_report_levels(token: str) -> list[str]:
    """The levels a signed skills report records, as "<what>: <Level>[ (borderline)]", read back from its
    own payload (the issuer's stored token: the picture shows what was signed)."""
    part = token.split(".")[1]
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    subject = payload["credentialSubject"]
    descriptions = {d["id"]: d for d in subject["achievement"].get("resultDescription", [])}
    levels = []
    for result in subject.get("result", []):
        description = descriptions[result["resultDescription"]]
        level = next(r for r in description["rubricCriterionLevel"] if r["id"] == result["achievedLevel"])
        borderline = " (borderline)" if BORDERLINE_NOTE in level.get("description", "") else ""
        levels.append(f"{description['name']}: {level['name']}{borderline}")
    return levels


def certificate_png(*, credential: Credential, holder_name: str, verification_url: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=BORDER, width=8)
    skills = credential.kind == Credential.Kind.SKILLS_REPORT
    lines = certificate_lines(
        kind=credential.kind,
        achievement_name=credential.achievement_name,
        holder_name=holder_name,
        issued_at=credential.issued_at,
        valid_until=credential.valid_until,
        levels=skills_report_levels(credential.token) if skills else None,
    )
    for line in lines:
        font = ImageFont.load_default(size=line.size)
        draw.text((WIDTH // 2, line.top), line.text, fill=line.colour, font=font, anchor="ma")
    _paste_qr(image, verification_url, top=lines[-1].top + lines[-1].size + 40)
    small = ImageFont.load_default(size=22)
    draw.text((WIDTH // 2, HEIGHT - 80), f"Verify: {verification_url}", fill=MUTED, font=small, anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _paste_qr(image: Image.Image, url: str, *, top: int) -> None:
    """The QR code below the text, as large as fits above the printed URL (at most 8 px a module)."""
    code = segno.make(url, error="m")
    modules = code.symbol_size(scale=1, border=4)[0]
    scale = max(3, min(8, (HEIGHT - 100 - top) // modules))
    qr = io.BytesIO()
    code.save(qr, kind="png", scale=scale, border=4)
    picture = Image.open(io.BytesIO(qr.getvalue())).convert("RGB")
    image.paste(picture, ((WIDTH - picture.width) // 2, top))
