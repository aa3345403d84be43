from hypothesis import given, strategies as st

from kordon.model import (CountryRole, DateKind, Entity, EntityDate, EntityType, IdKind, NameKind,
                          Relation, RelationKind, relation_from_dict, relation_to_dict)

text = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())


@st.composite
def entities(draw):
    e = Entity(id="x-" + draw(st.text("abc123", min_size=1, max_size=5)), type=draw(st.sampled_from(EntityType)),
               source="x", source_id="1")
    for value in draw(st.lists(text, max_size=4)):
        e.add_name(value, draw(st.sampled_from(NameKind)))
    for year in draw(st.lists(st.integers(1900, 2020), max_size=2)):
        e.dates.append(EntityDate(kind=DateKind.BIRTH, value=str(year), approximate=draw(st.booleans())))
    for code in draw(st.lists(st.sampled_from(["ru", "kz", "kg", "am"]), max_size=3)):
        e.add_country(code, draw(st.sampled_from(CountryRole)))
    for value in draw(st.lists(text, max_size=2)):
        e.add_identifier(draw(st.sampled_from(IdKind)), value, "ru")
    return e


@given(entities())
def test_entity_round_trips_through_dict(entity):
    again = Entity.from_dict(entity.to_dict())
    assert again == entity
    assert again.content_hash() == entity.content_hash()


def test_add_name_skips_blank_and_duplicates():
    e = Entity(id="x-1", type=EntityType.PERSON, source="x", source_id="1")
    e.add_name("  Ivan   IVANOV ", NameKind.PRIMARY)
    e.add_name("Ivan IVANOV", NameKind.ALIAS)
    e.add_name("   ", NameKind.ALIAS)
    e.add_name(None)
    assert [(n.value, n.kind) for n in e.names] == [("Ivan IVANOV", NameKind.PRIMARY)]


def test_identifier_normalisation_dedupes():
    e = Entity(id="x-1", type=EntityType.COMPANY, source="x", source_id="1")
    e.add_identifier(IdKind.INN, "77 0123-4560")
    e.add_identifier(IdKind.INN, "7701234560")
    assert len(e.identifiers) == 1 and e.identifiers[0].normalized == "7701234560"


def test_date_year_ranges():
    assert EntityDate(value="1973-09-28").years == (1973, 1973)
    assert EntityDate(value="1960", approximate=True).years == (1959, 1961)
    assert EntityDate(start="1960", end="1962").years == (1960, 1962)
    assert EntityDate().years is None


def test_relation_round_trip():
    r = Relation(RelationKind.OWNERSHIP, "a", "b", percentage=51.0, source="x")
    assert relation_from_dict(relation_to_dict(r)) == r
