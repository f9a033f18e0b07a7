"""Pools of names and places, drawn from Faker once per locale and seed.

Faker costs tens of microseconds per call; half a million rows built from it directly would
take minutes. A few thousand Faker values, recombined by a seeded ``random.Random``, look just as
real and cost next to nothing per row.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

from services.local.demo_data.vocabulary import VOCABULARIES, Vocabulary

FIRST_NAMES, LAST_NAMES, STREETS, PLACES, JOBS = 400, 800, 500, 900, 80
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "á": "a"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def slug(text: str) -> str:
    """Lower-case ASCII form of a name, usable in e-mail addresses and domains."""
    return _NOT_SLUG.sub("-", text.lower().translate(_TRANSLITERATION)).strip("-")


@dataclass(frozen=True, kw_only=True, slots=True)
class Pools:
    vocabulary: Vocabulary
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    places: tuple[tuple[str, str], ...]  # (postal code, city)
    jobs: tuple[str, ...]
    mail_domains: tuple[str, ...]
    slugs: dict[str, str]  # every pooled name and branch -> its slug


@cache
def pools_for(locale: str, seed: int) -> Pools:
    """Draw the pools for ``locale`` ("de" or "en"); the same seed gives the same pools."""
    from faker import Faker  # imported here: it is slow to import and only needed to fill

    vocabulary = VOCABULARIES[locale]
    fake = Faker(vocabulary.faker_locale)
    fake.seed_instance(seed)
    first = _unique(fake.first_name, FIRST_NAMES)
    last = _unique(fake.last_name, LAST_NAMES)
    return Pools(
        vocabulary=vocabulary,
        first_names=first,
        last_names=last,
        streets=_unique(fake.street_name, STREETS),
        places=_places(fake, vocabulary, random.Random(seed)),
        jobs=tuple(job[:100] for job in _unique(fake.job, JOBS)),
        mail_domains=_unique(fake.free_email_domain, 8, attempts=200),
        slugs={name: slug(name) for name in (*first, *last, *vocabulary.branches)},
    )


def _unique(draw: object, count: int, *, attempts: int | None = None) -> tuple[str, ...]:
    """Up to ``count`` distinct values of a Faker method, in the order drawn."""
    seen: dict[str, None] = {}
    for _ in range(attempts or count * 3):
        seen[draw()] = None  # type: ignore[operator]
        if len(seen) >= count:
            break
    return tuple(seen)


def _places(fake: object, vocabulary: Vocabulary, rng: random.Random) -> tuple[tuple[str, str], ...]:
    """Postal code and town pairs; real towns with plausible postcodes where Faker invents towns."""
    if not vocabulary.towns:
        return tuple((fake.postcode(), fake.city()) for _ in range(PLACES))  # type: ignore[attr-defined]
    places = []
    for _ in range(PLACES):
        town, area = rng.choice(vocabulary.towns)
        letters = "".join(rng.choice(_POSTCODE_LETTERS) for _ in range(2))
        places.append((f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{letters}", town))
    return tuple(places)
