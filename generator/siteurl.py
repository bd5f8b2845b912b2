"""The address the site is published at (SITE_URL): checked before anything uses it.

It comes from the environment ($SITE_URL, `--site-url`, mkdocs.yml's `site_url`) and ends up
in every page (canonical links, the 404 page's links), the feeds, the sitemaps, the JSON API
and the BibTeX entries, some of them printed by templates that do not escape it (Material's
base.html). So only an absolute http(s) address of the characters below is accepted: none of
them means anything to HTML, XML, JSON or JavaScript strings, so the address prints the same
escaped or not, and it cannot be a `javascript:` URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import ArchiveError

# RFC 3986's characters, less those HTML or XML give a meaning to (& ' and, outside it,
# " < > and `), "?" and "#" (a site's address has no query or fragment) and "\", "^", "{",
# "}", "|"; no whitespace, control or non-ASCII character (percent-encode them).
_ALLOWED = re.compile(r"[A-Za-z0-9\-._~:/@!$()*+,;=%\[\]]*")


class SiteUrlError(ArchiveError):
    """A site address that is not a plain absolute http(s) URL ending with "/"."""


def check_site_url(url: str) -> str:
    """`url` if it is a usable site address (see the module's docstring), else SiteUrlError
    saying why. "" (no address: feeds and the API then use relative links) is accepted."""
    if not url:
        return url
    bad = next((char for char in url if not _ALLOWED.fullmatch(char)), None)
    if bad is not None:
        raise SiteUrlError(
            f"SITE_URL {url!r}: the character {bad!r} is not allowed in the site's address "
            "(no whitespace, quotes, angle brackets, control or non-ASCII characters, &, ?, #; "
            "percent-encode them)"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as error:
        raise SiteUrlError(f"SITE_URL {url!r}: not a valid URL ({error})") from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SiteUrlError(f"SITE_URL {url!r}: the site's address must be an absolute http:// or https:// URL")
    if not url.endswith("/"):
        raise SiteUrlError(f"SITE_URL {url!r}: the site's address must end with '/' (write {url + '/'!r})")
    return url
