"""Demo data: realistic German or English company data of size S, M or L, written in bulk."""

from services.local.demo_data.command import run_demo_data_command
from services.local.demo_data.service import (
    DEFAULT_SEED,
    LOCALES,
    REGISTERS,
    SIZES,
    DemoDataPlan,
    DemoDataReport,
    DemoDataService,
)

__all__ = [
    "DEFAULT_SEED",
    "LOCALES",
    "REGISTERS",
    "SIZES",
    "DemoDataPlan",
    "DemoDataReport",
    "DemoDataService",
    "run_demo_data_command",
]
