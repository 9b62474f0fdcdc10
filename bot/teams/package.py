"""`lovende teams-package`: the Teams app package (a zip) from deploy/teams.

The manifest carries placeholders in Teams Toolkit's `${{NAME}}` form; they are filled from
the command line or the environment:

    MICROSOFT_APP_ID      the bot's Entra app id (required; a GUID)          --app-id
    TEAMS_PUBLIC_URL      https://… where the bot runs (required)             --public-url
    TEAMS_APP_ID          the Teams app's own id (default: derived from the bot's app id,
                          so rebuilding gives the same app and an upload updates it)
    TEAMS_DEVELOPER_NAME  shown in the app's details (default "Lovende praksis")
"""

from __future__ import annotations

import json
import os
import re
import struct
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

SOURCE = Path(__file__).resolve().parents[2] / "deploy" / "teams"
FILES = ("manifest.json", "color.png", "outline.png", "en-us.json")
ICON_SIZES = {"color.png": 192, "outline.png": 32}
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")


class PackageError(ValueError):
    """One line naming what is missing or wrong."""


def values_for(
    app_id: str | None, public_url: str | None, env: Mapping[str, str] = os.environ
) -> dict[str, str]:
    app_id = (app_id or env.get("MICROSOFT_APP_ID") or env.get("MicrosoftAppId") or "").strip()
    if not GUID.match(app_id):
        raise PackageError(
            "MICROSOFT_APP_ID: mangler eller er ikke et GUID (botten skal have et Entra-app-id)"
        )
    url = (public_url or env.get("TEAMS_PUBLIC_URL") or "").strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise PackageError("TEAMS_PUBLIC_URL: mangler eller er ikke en https://-adresse")
    derived = str(uuid.uuid5(uuid.NAMESPACE_URL, f"lovende:{app_id}"))
    teams_app_id = env.get("TEAMS_APP_ID") or derived
    if not GUID.match(teams_app_id):
        raise PackageError("TEAMS_APP_ID: skal være et GUID")
    return {
        "MICROSOFT_APP_ID": app_id,
        "TEAMS_APP_ID": teams_app_id,
        "PUBLIC_URL": url,
        "PUBLIC_HOST": parsed.hostname,
        "DEVELOPER_NAME": env.get("TEAMS_DEVELOPER_NAME") or "Lovende praksis",
    }


def fill(text: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise PackageError(f"{name}: ukendt pladsholder i manifest.json")
        return json.dumps(values[name])[1:-1]  # JSON-escaped, without the quotes

    return PLACEHOLDER.sub(replace, text)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise PackageError("ikon er ikke en PNG-fil")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def build(out: Path, values: Mapping[str, str], source: Path = SOURCE) -> Path:
    manifest = json.loads(fill((source / "manifest.json").read_text(encoding="utf-8"), values))
    bot = manifest["bots"][0]
    if bot["botId"] != values["MICROSOFT_APP_ID"] or not GUID.match(manifest["id"]):
        raise PackageError("manifest.json: id eller botId blev ikke udfyldt")
    for name, size in ICON_SIZES.items():
        if png_size((source / name).read_bytes()) != (size, size):
            raise PackageError(f"{name}: skal være {size}×{size} pixel")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name in FILES[1:]:
            package.write(source / name, arcname=name)
    return out


def main(out: Path, app_id: str | None, public_url: str | None) -> int:
    import sys

    try:
        path = build(out, values_for(app_id, public_url))
    except PackageError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    print(path.resolve())
    return 0
