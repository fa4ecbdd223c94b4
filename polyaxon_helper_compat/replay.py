"""``plx-replay``: send spooled requests (see :mod:`polyaxon_helper_compat._spool`) to the Polyaxon API.

    plx-replay [--host URL] [--token TOKEN] [--dry-run] SPOOL_FILE...

Each entry is sent once: as soon as the server acknowledges it (2xx) its id is appended to
``<file>.done``, so running the command again (after an interruption or a partial failure) sends only what
was not delivered. The token comes from ``--token`` or the environment (``POLYAXON_SECRET_USER_TOKEN``,
else ``POLYAXON_SECRET_INTERNAL_TOKEN``, else ``POLYAXON_INTERNAL_SECRET_TOKEN``): spool files never hold
one. ``--host`` replaces the scheme, host and port of the stored URLs (an in-cluster host name is often not
reachable from where you replay). Exit codes: 0 everything delivered, 1 some entries refused or
unreachable (they stay in the file), 2 usage error or an unreadable spool file.
"""
from __future__ import annotations

import json
import os
import sys
import urllib.parse
from typing import Any

import click

from polyaxon_helper_compat._spool import read_spool

__all__ = ["main", "replay_file"]


def _token() -> str | None:
    for name in ("POLYAXON_SECRET_USER_TOKEN", "POLYAXON_SECRET_INTERNAL_TOKEN", "POLYAXON_INTERNAL_SECRET_TOKEN"):
        if os.environ.get(name):
            return os.environ[name]
    return None


def _rehost(url: str, host: str | None) -> str:
    if not host:
        return url
    new, old = urllib.parse.urlsplit(host), urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((new.scheme or old.scheme, new.netloc or old.netloc, old.path, old.query, ""))


def replay_file(path: str, *, token: str | None, host: str | None = None, session: Any = None,
                timeout: float = 30.0) -> tuple[int, int, int]:
    """Send the undelivered entries of spool file ``path``; return ``(delivered, failed, rows delivered)``.

    Raises ``OSError``/``ValueError`` when the spool file cannot be read (see ``read_spool``). Failures of
    single entries are reported on stderr (with the server's status, never the token) and counted.
    """
    import requests

    session = session or requests.Session()
    delivered = failed = rows = 0
    with open(path + ".done", "a", encoding="utf-8") as done:
        for entry in read_spool(path):
            headers = dict(entry.get("headers") or {})
            if entry.get("auth") and token:
                headers["Authorization"] = "%s %s" % (entry["auth"], token)
            url = _rehost(entry["url"], host)
            body = entry.get("body")
            kwargs: dict[str, Any] = {}
            if entry.get("format") == "form":
                kwargs["data"] = body
            elif body is not None:
                kwargs["data"] = json.dumps(body)
                headers.setdefault("Content-Type", "application/json")
            try:
                response = session.request(entry["method"], url, headers=headers, timeout=timeout, **kwargs)
                status = response.status_code
                reason = (response.text or "").strip()[:200]
            except requests.RequestException as exc:
                status, reason = None, type(exc).__name__
            if status is not None and status < 400:
                done.write(entry["id"] + "\n")
                done.flush()
                os.fsync(done.fileno())
                delivered += 1
                rows += int(entry.get("rows") or 0)
            else:
                failed += 1
                click.echo("%s: %s %s: %s %s" % (path, entry["method"], url,
                                                 "HTTP %d" % status if status else "not sent", reason), err=True)
    return delivered, failed, rows


class SpoolReadError(click.ClickException):
    """A spool file that cannot be read: exit code 2."""

    exit_code = 2


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("spool_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--host", help="Send to this scheme://host:port instead of the one recorded in the spool file.")
@click.option("--token", help="API token (default: POLYAXON_SECRET_USER_TOKEN / POLYAXON_SECRET_INTERNAL_TOKEN).")
@click.option("--dry-run", is_flag=True, help="Only count what would be sent.")
def main(spool_files: tuple[str, ...], host: str | None, token: str | None, dry_run: bool) -> None:
    """Replay spool files written by polyaxon-helper-compat when the Polyaxon API was unreachable."""
    token = token or _token()
    if token is None and not dry_run:
        click.echo("warning: no token (--token or POLYAXON_SECRET_USER_TOKEN): requests are sent without an "
                   "Authorization header", err=True)
    total_sent = total_failed = total_rows = 0
    for path in spool_files:
        try:
            if dry_run:
                entries = read_spool(path)
                click.echo("%s: %d requests (%d metric rows) to send" % (
                    path, len(entries), sum(int(e.get("rows") or 0) for e in entries)))
                continue
            sent, failed, rows = replay_file(path, token=token, host=host)
        except (OSError, ValueError) as exc:
            raise SpoolReadError("%s: cannot read spool file: %s" % (path, exc)) from exc
        total_sent, total_failed, total_rows = total_sent + sent, total_failed + failed, total_rows + rows
        click.echo("%s: %d requests (%d metric rows) delivered, %d failed" % (path, sent, rows, failed), err=True)
    if total_failed:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
