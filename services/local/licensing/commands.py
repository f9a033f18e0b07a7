"""``python main.py licence ...``: the vendor's key command and installing a key from a shell.

``issue`` needs no database: it only signs (see ``services.licence_keys`` for the vendor key).
``install`` and ``show`` work on the installation given by the usual settings (``--data-dir`` ...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.config import Settings
from services.licence_keys import ADDONS, ONLINE_DESKTOP, ONLINE_MODULES, IssueRequest, issue_key

if TYPE_CHECKING:
    from services.local.licensing.service import LicensingService


@dataclass(frozen=True, slots=True)
class LicensingHandle:
    """The licensing service of an opened installation and how to close it again."""

    service: LicensingService
    close: Callable[[], None]


def add_licence_commands(sub: Any) -> None:
    """Register ``licence issue|install|show`` on the main parser's sub-commands."""
    licence = sub.add_parser("licence", help="issue (as the vendor), install or show licence keys")
    actions = licence.add_subparsers(dest="licence_command", required=True)
    issue = actions.add_parser("issue", help="print a new signed licence key")
    issue.add_argument("--holder", required=True, help="licence holder name (must match the installation)")
    issue.add_argument("--seats", type=int, required=True, help="Online Desktop user seats")
    issue.add_argument("--valid-until", required=True, type=_date, help="service contract end, YYYY-MM-DD")
    issue.add_argument(
        "--addon",
        action="append",
        choices=ADDONS,
        help="add-on product to grant (repeatable; default online-desktop)",
    )
    issue.add_argument(
        "--module", action="append", choices=ONLINE_MODULES, help="online module (repeatable; default all)"
    )
    issue.add_argument("--number", help="licence number (default: generated)")
    install = actions.add_parser("install", help="install a licence key into this installation")
    install.add_argument("--key", required=True)
    actions.add_parser("show", help="show the installed licence")


def run_licence_command(
    settings: Settings, *, args: argparse.Namespace, licensing: Callable[[], LicensingHandle]
) -> int:
    """Run ``licence issue|install|show``; ``licensing`` opens the installation's licensing service
    (only ``install`` and ``show`` need it, so ``issue`` never touches a database)."""
    if args.licence_command == "issue":
        if args.seats < 1:
            print("--seats must be at least 1", file=sys.stderr)
            return 2
        request = IssueRequest(
            holder=args.holder,
            seats=args.seats,
            valid_until=args.valid_until,
            addons=tuple(dict.fromkeys(args.addon or (ONLINE_DESKTOP,))),
            modules=tuple(dict.fromkeys(args.module or ONLINE_MODULES)),
            number=args.number,
        )
        print(issue_key(request, configured_vendor_key=settings.licence_vendor_key))
        return 0
    from services.errors import ServiceError
    from services.i18n import translate

    handle = licensing()
    try:
        if args.licence_command == "install":
            try:
                handle.service.install_key(args.key)
            except ServiceError as exc:
                print(translate(exc.key, "en", **exc.params), file=sys.stderr)
                return 1
        licence = handle.service.licence()
        if licence is None:
            print("No licence installed.")
            return 0
        print(f"Licence {licence.number} for {licence.holder}{' (demo)' if licence.demo else ''}")
        for addon in licence.addons:
            contract = (
                f", valid until {addon.contract.valid_until}, {addon.contract.seats} seats"
                if addon.contract
                else ""
            )
            print(f"  {addon.code}{contract}")
        return 0
    finally:
        handle.close()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from exc
