"""The registers of Business Software: company data (contacts, products, sales orders, activities,
employees) and the users of the installation."""

from services.registers.errors import ReadOnlyRecord, RecordInUse
from services.registers.fields import Field
from services.registers.service import RegisterService
from services.registers.specs import CHILDREN, REGISTERS, TOP_LEVEL, RegisterSpec
from services.registers.views import ListPage, Option, RegisterRow

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
