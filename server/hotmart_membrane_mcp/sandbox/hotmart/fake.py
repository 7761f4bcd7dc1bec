"""Synthetic identifiers and people: obviously fake, PII-free, reproducible from a seeded RNG.

Every email ends in ``@example.com`` or ``@example.org`` (reserved by RFC 2606), surnames are
words like "Sample" or "Placeholder", documents and phone numbers are random digit strings.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from typing import Any

FIRST_NAMES = (
    "Ana", "Bruno", "Carla", "Diego", "Elisa", "Fabio", "Gabriela", "Hugo", "Iris", "Joao",
    "Karina", "Lucas", "Marina", "Nicolas", "Olivia", "Paulo", "Quiteria", "Rafael", "Sofia", "Tiago",
    "Ursula", "Vitor", "Wanda", "Xavier", "Yara", "Zeca", "Alice", "Bernardo", "Celia", "Davi",
    "Emma", "Felipe", "Gloria", "Heitor", "Ines", "Julio", "Laura", "Mateus", "Nina", "Otavio",
)  # fmt: skip
FAKE_SURNAMES = (
    "Example", "Sample", "Placeholder", "Testwell", "Mockley", "Fakeson", "Dummington", "Stubbs",
    "Fixture", "Sandboxer", "Lorem", "Ipsum", "Demoura", "Specimen", "Prototype", "Notreal",
    "Fictitious", "Imaginario", "Madeup", "Pretend", "Simulado", "Ficticio", "Exemplar", "Modelo",
)  # fmt: skip
FAKE_CITIES = (
    ("Example City", "EX", "Brasil"), ("Sample Town", "ST", "Brasil"), ("Mockville", "MV", "Brasil"),
    ("Fixture Falls", "FF", "Mexico"), ("Placeholder Bay", "PB", "United States"),
    ("Testburg", "TB", "Portugal"), ("Demo Springs", "DS", "Colombia"),
)  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.org")
CODE_ALPHABET = string.ascii_uppercase + string.digits
BASE62 = string.ascii_letters + string.digits


def pick(rng: random.Random, options: Sequence[Any]) -> Any:
    """``rng.choice`` without its rejection sampling: generation calls this tens of thousands of times."""
    return options[int(rng.random() * len(options))]


def between(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in ``[low, high]`` (a faster ``rng.randint`` for the same purpose)."""
    return low + int(rng.random() * (high - low + 1))


class IdFactory:
    """Draws unique identifiers of each documented shape (hotmart-api-traps.md §6) from one RNG."""

    def __init__(
        self, rng: random.Random, transactions: tuple[int, int] = (1_000_000_000, 8_999_999_999)
    ) -> None:
        # Generators that run independently (and lazily, in any order) get disjoint transaction
        # ranges, so their codes can never collide whatever was generated first.
        self._rng = rng
        self._transactions = transactions
        self._used: set[str] = set()

    def _unique(self, make: Any) -> Any:
        while True:
            value = make()
            if str(value) not in self._used:
                self._used.add(str(value))
                return value

    def numeric(self, digits: int) -> int:
        """A positive integer with exactly ``digits`` digits (product ids, subscription ids...)."""
        low = 10 ** (digits - 1)
        return self._unique(lambda: between(self._rng, low, 10 * low - 1))

    def transaction(self) -> str:
        """``HP`` + 10 digits; the first digit is never 9 so simulator-issued codes (HP9...) never clash."""
        return self._unique(lambda: f"HP{between(self._rng, *self._transactions)}")

    def subscriber_code(self) -> str:
        """8 uppercase alphanumerics."""
        return self._unique(lambda: "".join(pick(self._rng, CODE_ALPHABET) for _ in range(8)))

    def base62(self, length: int = 10) -> str:
        """Club ids (user_id, module_id, page_id, class_id): 10 mixed-case base62 chars."""
        return self._unique(lambda: "".join(pick(self._rng, BASE62) for _ in range(length)))

    def ucode(self) -> str:
        """A random (version 4) UUID string."""
        return self._unique(self._uuid4)

    def _uuid4(self) -> str:
        bits = self._rng.getrandbits(128)
        bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (
            0x8000 << 48
        )  # version 4, RFC variant
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def offer_code(self) -> str:
        """8 lowercase alphanumerics, like the observed ``dr8tteuo``."""
        alphabet = string.ascii_lowercase + string.digits
        return self._unique(lambda: "".join(pick(self._rng, alphabet) for _ in range(8)))


def digits(rng: random.Random, count: int) -> str:
    """A string of ``count`` random digits (fake documents, phones, barcodes)."""
    return str(rng.randrange(10**count)).zfill(count)


def make_people(rng: random.Random, ids: IdFactory, count: int) -> list[dict[str, Any]]:
    """``count`` fake buyers with everything the participants endpoint can show about a user."""
    people = []
    for index in range(count):
        first = pick(rng, FIRST_NAMES)
        last = pick(rng, FAKE_SURNAMES)
        city, state, country = pick(rng, FAKE_CITIES)
        people.append(
            {
                "ucode": ids.ucode(),
                "name": f"{first} {last}",
                "first_name": first,
                "last_name": last,
                # The index keeps emails unique although name pairs repeat.
                "email": f"{first.lower()}.{last.lower()}.{index}@{EMAIL_DOMAINS[index % 2]}",
                "locale": "PT_BR" if country == "Brasil" else "EN",
                "phone": digits(rng, 11),
                "document": {"type": "CPF" if country == "Brasil" else "DOCUMENT", "value": digits(rng, 11)},
                "address": {
                    "city": city,
                    "state": state,
                    "country": country,
                    "zip_code": f"{digits(rng, 5)}-{digits(rng, 3)}",
                    "address": f"{pick(rng, FAKE_SURNAMES)} Street",
                    "number": str(between(rng, 1, 9999)),
                    "neighborhood": "Sample District",
                    "complement": "",
                },
            }
        )
    return people
