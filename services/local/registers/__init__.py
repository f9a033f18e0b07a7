"""The registers of Business Software: company data (contacts, products, sales orders, activities,
employees) and the users of the installation."""

from services.local.registers.errors import ReadOnlyRecord, RecordInUse
from services.local.registers.service import RegisterService
from services.local.registers.specs import CHILDREN, REGISTERS, TOP_LEVEL, RegisterSpec
from services.records.fields import Field
from services.records.views import ListPage, Option, RegisterRow

__all__ = [
    "CHILDREN",
    "REGISTERS",
    "TOP_LEVEL",
    "Field",
    "ListPage",
    "Option",
    "ReadOnlyRecord",
    "RecordInUse",
    "RegisterRow",
    "RegisterService",
    "RegisterSpec",
]
