"""Reporting the licence to the Online Desktop: a licence change reaches the company account.

The connect request carries the licence key; afterwards the agent sends it again (``/contract``)
at the start of every continuous sync and whenever the installed key changes, so the account's
service contract (seats, modules, valid until) follows the licence with the next sync.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import Engine, text

from services.sync.client.http import Refused, Sent, SyncClient, encode
from services.sync.protocol.messages import ContractResponse

CONTRACT_POLL_SECONDS = 5.0


def read_licence(engine: Engine) -> str:
    """The licence key in force in this installation ("" without one)."""
    with engine.connect() as conn:
        key = conn.execute(text("SELECT key FROM licences ORDER BY id DESC LIMIT 1")).scalar()
    return str(key or "")


class ContractReporter:
    def __init__(
        self,
        *,
        engine: Engine,
        client: SyncClient,
        call: Callable[[Callable[[], Awaitable[Sent]]], Awaitable[Sent]],
        trace: logging.Logger,
        every: float = CONTRACT_POLL_SECONDS,
    ) -> None:
        self._engine, self._client, self._call, self._trace = engine, client, call, trace
        self._every = every
        self.reported = ""  # the key the Online Desktop last got (or refused)

    async def report_once(self) -> ContractResponse | None:
        """Send the licence when it differs from the one last reported; the answer, or None."""
        key = await asyncio.to_thread(read_licence, self._engine)
        if not key or key == self.reported:
            return None
        body = encode(self._client.payload(licence=key))
        try:
            sent = await self._call(lambda: self._client.post("/contract", body=body, model=ContractResponse))
        except Refused as exc:
            self._trace.warning("the Online Desktop refused the licence: %s", exc)
            self.reported = key  # the same key is not sent again; a new one is
            return None
        self.reported = key
        answer: ContractResponse = sent.answer
        self._trace.info(
            "service contract %s: %s seats, modules %s, valid until %s",
            "updated" if answer.changed else "unchanged",
            answer.seats,
            ",".join(answer.modules),
            answer.valid_until,
        )
        return answer

    async def run(self) -> None:
        while True:
            await self.report_once()
            await asyncio.sleep(self._every)
