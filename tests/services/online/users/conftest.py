"""The company account most user administration tests start from."""

from __future__ import annotations

import pytest

from services.container import Services
from tests.services.online.users.factories import Company, company


@pytest.fixture
def co(online: Services) -> Company:
    return company(online, "Müller GmbH", "anna@example.com")
