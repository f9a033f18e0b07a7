"""Help › About › Manage licence information › Add-on products › Add › company › OK › Restart."""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.services.local.licensing_factories import key_for
from tests.ui.test_login_and_companies import log_in


async def seen(user: User, marker: str) -> UserInteraction[Any]:
    """Find an element by marker once it is there (pages build while the response is on its way)."""
    await user.should_see(marker=marker)
    return user.find(marker=marker)


async def arrive_at(user: User, path: str) -> None:
    """Wait until a navigation started by a click has opened ``path``."""
    for _ in range(100):
        if user.back_history and user.back_history[-1] == path:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"did not arrive at {path}, history: {user.back_history}")


async def create_and_open_company(user: User, name: str = "Müller GmbH") -> None:
    await log_in(user)
    await user.should_see("Company databases")
    await user.should_see("Create company database")
    user.find("Create company database").click()
    await user.should_see("Company name")
    user.find("Company name").type(name)
    (await seen(user, "create-company")).click()
    await arrive_at(user, "/")


async def walk_menu(user: User, *path: tuple[str, str]) -> None:
    """Click a menu path entry by entry, checking each entry's visible text (marker = label key)."""
    for key, text in path:
        await user.should_see(text)
        (await seen(user, key)).click()


async def open_add_on_products(user: User) -> None:
    """The menu path of the original, step by step."""
    await walk_menu(
        user,
        ("menu.help", "Help"),
        ("menu.about", "About"),
        ("licensing.menu.manage", "Manage licence information"),
    )
    await user.should_see("Licence holder")
    (await seen(user, "tab-addons")).click()
    await user.should_see("Online Desktop")


async def add_online_desktop_to(user: User, company_name: str) -> None:
    (await seen(user, "addon-online-desktop")).click()
    (await seen(user, "addon-add")).click()
    await user.should_see("Mark the company database")
    with user.scope(marker="bind-dialog"):
        await user.should_see(company_name)
        user.find(company_name).click()
        (await seen(user, "bind-ok")).click()


async def test_adding_online_desktop_and_restarting_shows_the_tile_and_the_settings_page(user: User) -> None:
    await create_and_open_company(user)
    await user.should_not_see("Connect to Online Desktop")
    await open_add_on_products(user)
    await add_online_desktop_to(user, "Müller GmbH")
    await user.should_see("Restart Business Software to activate the add-on product.")
    await user.should_see("Assigned to “Müller GmbH” – active after the restart")
    await user.open("/")
    await user.should_not_see("Connect to Online Desktop")
    await open_add_on_products(user)
    (await seen(user, "restart")).click()
    await user.should_see("Connect to Online Desktop")
    await user.should_see(marker="tile-focus-online-desktop")
    await walk_menu(
        user,
        ("menu.functions", "Functions"),
        ("menu.settings", "Settings"),
        ("menu.settings.company", "Company"),
        ("menu.settings.per_module", "Settings per module"),
        ("licensing.menu.online_desktop", "Online Desktop"),
    )
    await user.should_see("Prerequisites")
    await user.should_see("Connection")
    await user.should_see(marker="prereq-1")


async def test_the_sample_database_is_refused_with_its_reason(user: User) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    await user.should_see("Open")
    user.find("Open").click()
    await arrive_at(user, "/")
    await open_add_on_products(user)
    await add_online_desktop_to(user, "Beispielfirma / Sample company – Sample database")
    await user.should_see("The sample database cannot be used. Choose a company database of your own.")
    await user.should_not_see("Restart Business Software to activate the add-on product.")


async def test_an_expired_licence_is_refused_with_its_reason(user: User) -> None:
    await create_and_open_company(user)
    await open_licence_tab(user)
    (await seen(user, "licence-key")).type(key_for("Müller GmbH", days=-2))
    (await seen(user, "licence-install")).click()
    await arrive_at(user, "/settings/licence?tab=licence")
    await user.should_see("The service contract has expired.")
    (await seen(user, "tab-addons")).click()
    await add_online_desktop_to(user, "Müller GmbH")
    await user.should_see("The service contract expired on")


async def open_licence_tab(user: User) -> None:
    await walk_menu(
        user,
        ("menu.help", "Help"),
        ("menu.about", "About"),
        ("licensing.menu.manage", "Manage licence information"),
    )
    await user.should_see(marker="tab-licence")
    (await seen(user, "tab-licence")).click()
    await user.should_see("Install a licence key")


async def test_a_tampered_key_pasted_into_the_dialog_is_refused(user: User) -> None:
    await create_and_open_company(user)
    await open_licence_tab(user)
    key = key_for("Müller GmbH")
    (await seen(user, "licence-key")).type(key[:-3] + ("xyz" if not key.endswith("xyz") else "abc"))
    (await seen(user, "licence-install")).click()
    await user.should_see("This licence key is not valid")
    await user.should_see("Demo licence")


async def test_a_key_for_another_holder_is_refused_in_the_dialog(user: User) -> None:
    await create_and_open_company(user)
    await open_licence_tab(user)
    (await seen(user, "licence-key")).type(key_for("Müller GmbH"))
    (await seen(user, "licence-install")).click()
    await arrive_at(user, "/settings/licence?tab=licence")
    await user.should_not_see("Demo licence")
    (await seen(user, "licence-key")).type(key_for("Schmidt AG"))
    (await seen(user, "licence-install")).click()
    await user.should_see("This licence key is issued to “Schmidt AG”")


async def test_licence_holder_info_is_edited_and_the_name_stays_the_licensed_one(user: User) -> None:
    await create_and_open_company(user)
    await open_licence_tab(user)
    (await seen(user, "licence-key")).type(key_for("Müller GmbH"))
    (await seen(user, "licence-install")).click()
    await arrive_at(user, "/settings/licence?tab=licence")
    await user.open("/settings/licence")
    contact = await seen(user, "holder-contact_person")
    contact.clear().type("Max Müller")
    (await seen(user, "holder-save")).click()
    await user.should_see("The licence holder information was saved.")
    (await seen(user, "holder-name")).clear().type("Schmidt AG")
    (await seen(user, "holder-save")).click()
    await user.should_see("Must match the holder named in the licence key")
    await user.open("/settings/licence")
    await user.should_see("Max Müller")
    await user.should_not_see("Schmidt AG")
