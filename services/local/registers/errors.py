"""Refusals particular to the registers."""

from __future__ import annotations

from services.errors import ServiceError


class ReadOnlyRecord(ServiceError):
    """The record may no longer change (an invoiced sales order and its lines)."""

    key = "registers.read_only"
    status_code = 409


class RecordInUse(ServiceError):
    """Other records still point to this one, so deleting it would leave them dangling."""

    key = "registers.in_use"
    status_code = 409
