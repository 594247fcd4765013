"""Reference images and videos as providers take them: URL as is, local file as base64."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from reelgate.bounded import BoundedReadError, read_bounded
from reelgate.providers.errors import Outcome, RenderFailure
from reelgate.request import is_url

MB = 1024 * 1024


def _read(path: str, limit_bytes: int, provider: str) -> bytes:
    """The reference's bytes through the bounded reader: a regular file within the limit."""
    try:
        return read_bounded(Path(path), limit_bytes)
    except BoundedReadError as exc:
        if exc.size is not None:
            raise RenderFailure(Outcome.INVALID_PARAMETERS, f"reference {path} is "
                                f"{exc.size / MB:.1f} MB; {provider} takes at most "
                                f"{limit_bytes / MB:.0f} MB inline; shrink it or upload it and "
                                "use its https URL", provider=provider) from None
        raise RenderFailure(Outcome.INVALID_PARAMETERS, f"reference {path} cannot be read "
                            f"({exc}); fix the path in the preset", provider=provider) from None


def url_or_raw_base64(reference: str, *, limit_bytes: int, provider: str) -> str:
    """Kling style: a URL, or the file's bytes as base64 with no ``data:`` prefix."""
    if is_url(reference):
        return reference
    return base64.b64encode(_read(reference, limit_bytes, provider)).decode("ascii")


def url_or_data_uri(reference: str, *, limit_bytes: int, provider: str) -> str:
    """Runway/fal/Replicate style: a URL, or a ``data:<mime>;base64,`` URI."""
    if is_url(reference):
        return reference
    mime = mimetypes.guess_type(reference)[0] or "application/octet-stream"
    encoded = base64.b64encode(_read(reference, limit_bytes, provider)).decode("ascii")
    return f"data:{mime};base64,{encoded}"


def url_only(reference: str, *, provider: str) -> str:
    if is_url(reference):
        return reference
    raise RenderFailure(Outcome.INVALID_PARAMETERS, f"{provider} fetches references by URL only; "
                        f"upload {reference} and use its https URL", provider=provider)
