"""Fixtures of the screening engine's tests: small, fictional listed entities (not a sanctions list).

``listed_entities`` is a dozen entities covering the cases the engine must handle;
``make_person`` / ``make_company`` build more; ``engine`` is a screener over them.
"""

from __future__ import annotations

import pytest

from kordon.model import (
    CountryRef,
    CountryRole,
    Entity,
    EntityDate,
    EntityType,
    Identifier,
    IdKind,
    Name,
    NameKind,
)


def person(source_id: str, *names: str, dob: str | None = None, countries: tuple[str, ...] = (),
           weak: tuple[str, ...] = (), ids: tuple[tuple[IdKind, str], ...] = (), source: str = "test",
           approximate: bool = False) -> Entity:
    entity = Entity(id=f"{source}-{source_id}", type=EntityType.PERSON, source=source, source_id=source_id)
    for i, name in enumerate(names):
        entity.names.append(Name(name, NameKind.PRIMARY if i == 0 else NameKind.ALIAS))
    for name in weak:
        entity.names.append(Name(name, NameKind.WEAK))
    if dob:
        entity.dates.append(EntityDate(value=dob, approximate=approximate))
    entity.countries = [CountryRef(c, CountryRole.NATIONALITY) for c in countries]
    entity.identifiers = [Identifier(kind, value) for kind, value in ids]
    return entity


def company(source_id: str, *names: str, kind: EntityType = EntityType.COMPANY, countries: tuple[str, ...] = (),
            ids: tuple[tuple[IdKind, str], ...] = (), source: str = "test") -> Entity:
    entity = Entity(id=f"{source}-{source_id}", type=kind, source=source, source_id=source_id)
    entity.names = [Name(n, NameKind.PRIMARY if i == 0 else NameKind.ALIAS) for i, n in enumerate(names)]
    entity.countries = [CountryRef(c, CountryRole.JURISDICTION) for c in countries]
    entity.identifiers = [Identifier(k, v) for k, v in ids]
    return entity


def listed() -> list[Entity]:
    """A dozen fictional entities covering the cases the engine must handle, and common-name fillers."""
    return [
        person("P1", "Aleksandr Petrovich VOLKOV", "Александр Петрович ВОЛКОВ", dob="1968-03-14",
               countries=("ru",), ids=((IdKind.PASSPORT, "72 1234567"), (IdKind.INN, "770123456789"))),
        person("P2", "Yuriy Sergeyevich KOZLOV", "Юрий Сергеевич КОЗЛОВ", dob="1975", countries=("ru",)),
        person("P3", "Nurlan Serikuly ZHAKSYBEKOV", dob="1981-07-02", countries=("kz",),
               ids=((IdKind.IIN, "810702300123"),)),
        person("P4", "Abdul Salam HAQQANI", dob="1960", approximate=True, countries=("af",),
               weak=("Abu Salam",)),
        person("P5", "Muthanna Harith SALMAN AL-DARI", dob="1969-06-16", countries=("iq",)),
        person("P6", "Olena Mykolaivna SHEVCHENKO", "Елена Николаевна ШЕВЧЕНКО", dob="1979-11-30", countries=("ua",)),
        person("P7", "Mohammad ALI", dob="1955", countries=("ir",)),
        person("P8", "Ivan Ivanovich PETROV", dob="1950-01-01", countries=("ru",)),
        company("C1", "Steppe Electronics Trading LLP", "ТОО Степь Электроникс", countries=("kz",),
                ids=((IdKind.BIN, "120340012345"),)),
        company("C2", "Volga Shipping Company JSC", "АО Волжское пароходство", countries=("ru",),
                ids=((IdKind.OGRN, "1027700132195"), (IdKind.INN, "7701234567"))),
        company("V1", "SEA BREEZE", kind=EntityType.VESSEL, ids=((IdKind.IMO, "IMO 9123456"),)),
        company("C3", "Petrov Holding Group", countries=("cy",)),
        *fillers(),
    ]


FIRST = ("Mohammad", "Ali", "Ivan", "Aleksandr", "Abdul", "Olena", "Sergei")
LAST = ("Karimov", "Rahimi", "Sidorov", "Bondarenko", "Haidari")


def fillers() -> list[Entity]:
    """Persons with common first names, so that rarity weights look like a real list's."""
    return [person(f"F{i}{j}", f"{first} {last}", source="filler")
            for i, first in enumerate(FIRST) for j, last in enumerate(LAST)]


@pytest.fixture
def listed_entities() -> list[Entity]:
    return listed()


@pytest.fixture
def make_person():
    return person


@pytest.fixture
def make_company():
    return company


@pytest.fixture(scope="session")
def engine():
    """A screener over :func:`listed` (built once; tests must not change it)."""
    from kordon.screening.screener import Screener

    return Screener.from_entities(listed())
