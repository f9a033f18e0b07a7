"""The Business Software database: system data and company data."""

from models.local.base import LocalBase
from models.local.company_data import (
    SYNCED_MODELS,
    Activity,
    Contact,
    ContactPerson,
    Employee,
    Product,
    SalesOrder,
    SalesOrderLine,
)
from models.local.online_link import OnlineDesktopSettings, SyncConnection
from models.local.system import (
    AddonBinding,
    ApiSession,
    ApiUser,
    Company,
    Integration,
    Licence,
    LicenceHolder,
    NetworkComputer,
    SystemSetting,
    User,
    UserSession,
)

__all__ = [
    "SYNCED_MODELS",
    "Activity",
    "AddonBinding",
    "ApiSession",
    "ApiUser",
    "Company",
    "Contact",
    "ContactPerson",
    "Employee",
    "Integration",
    "Licence",
    "LicenceHolder",
    "LocalBase",
    "NetworkComputer",
    "OnlineDesktopSettings",
    "Product",
    "SalesOrder",
    "SalesOrderLine",
    "SyncConnection",
    "SystemSetting",
    "User",
    "UserSession",
]
