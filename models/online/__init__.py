"""The Online Desktop database: company accounts, Online IDs, synced company data."""

from models.online.accounts import ROLES, Invitation, Membership, OnlineId, Tenant, TokenUse
from models.online.base import OnlineBase
from models.online.company_data import (
    SYNCED_ONLINE_MODELS,
    OnlineActivity,
    OnlineContact,
    OnlineContactPerson,
    OnlineEmployee,
    OnlineProduct,
    OnlineSalesOrder,
    OnlineSalesOrderLine,
)
from models.online.identity import LoginThrottle, OnlineSession
from models.online.operations import AuditEntry, Connection, OutgoingMail
from models.online.sync import OnlineSyncConflict, SyncDailyRows, SyncFieldChange, SyncRound, SyncSnapshot

__all__ = [
    "ROLES",
    "SYNCED_ONLINE_MODELS",
    "AuditEntry",
    "Connection",
    "Invitation",
    "LoginThrottle",
    "Membership",
    "OnlineActivity",
    "OnlineBase",
    "OnlineContact",
    "OnlineContactPerson",
    "OnlineEmployee",
    "OnlineId",
    "OnlineProduct",
    "OnlineSalesOrder",
    "OnlineSalesOrderLine",
    "OnlineSession",
    "OnlineSyncConflict",
    "OutgoingMail",
    "SyncDailyRows",
    "SyncFieldChange",
    "SyncRound",
    "SyncSnapshot",
    "Tenant",
    "TokenUse",
]
