"""Conversion between kordon's model and FollowTheMoney (kordon.ftm)."""

from __future__ import annotations

import io
import json

import pytest
from followthemoney import model
from hypothesis import given, settings
from hypothesis import strategies as st

from kordon.ftm import (
    entity_to_ftm,
    ftm_to_entity,
    ftm_to_relation,
    iter_ftm_lines,
    read_ftm_lines,
    relation_to_ftm,
    write_ftm_lines,
)
from kordon.lists.base import ListFormatError
from kordon.model import (
    CountryRole,
    DateKind,
    Entity,
    EntityDate,
    EntityType,
    IdKind,
    NameKind,
    Relation,
    RelationKind,
)

# --- generated entities --------------------------------------------------------
LATIN_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).map(str.capitalize)
CYRILLIC_WORD = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщыэюя", min_size=2, max_size=8).map(str.capitalize)
LATIN_NAME = st.lists(LATIN_WORD, min_size=1, max_size=3).map(" ".join)
CYRILLIC_NAME = st.lists(CYRILLIC_WORD, min_size=1, max_size=3).map(" ".join)
COUNTRIES = st.sampled_from(["ru", "kz", "kg", "am", "by", "cn", "tr", "ae", "de", "us"])
PARTIAL_DATE = st.dates().filter(lambda d: 1900 <= d.year <= 2030).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])
)
ID_VALUE = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=5, max_size=12)
# Kinds FtM keeps under a property of their own, without a format check.
FREE_ID_KINDS = {
    EntityType.PERSON: [IdKind.PASSPORT, IdKind.NATIONAL_ID, IdKind.TAX_ID],
    EntityType.COMPANY: [IdKind.REGISTRATION, IdKind.TAX_ID, IdKind.KPP, IdKind.OKPO],
    EntityType.ORGANIZATION: [IdKind.REGISTRATION, IdKind.TAX_ID],
    EntityType.VESSEL: [IdKind.REGISTRATION],
}
COUNTRY_ROLES = {
    EntityType.PERSON: [CountryRole.NATIONALITY, CountryRole.CITIZENSHIP, CountryRole.COUNTRY],
    EntityType.COMPANY: [CountryRole.JURISDICTION, CountryRole.COUNTRY],
    EntityType.ORGANIZATION: [CountryRole.JURISDICTION, CountryRole.COUNTRY],
    EntityType.VESSEL: [CountryRole.FLAG, CountryRole.COUNTRY],
}


def imo_number(first_six: int) -> str:
    """A valid IMO number (FtM checks the last digit)."""
    digits = str(first_six)
    check = sum(int(d) * w for d, w in zip(digits, range(7, 1, -1))) % 10
    return digits + str(check)


@st.composite
def entities(draw):
    entity_type = draw(st.sampled_from(list(FREE_ID_KINDS)))
    source = draw(st.sampled_from(["ofac", "uk-fcdo", "internal"]))
    source_id = draw(st.text(alphabet="abc0123456789.-", min_size=1, max_size=10))
    entity = Entity(id=f"{source}-{source_id}", type=entity_type, source=source, source_id=source_id)
    entity.add_name(draw(LATIN_NAME), NameKind.PRIMARY)
    for _ in range(draw(st.integers(0, 3))):
        entity.add_name(draw(LATIN_NAME), draw(st.sampled_from([NameKind.ALIAS, NameKind.WEAK, NameKind.FORMER])))
    if draw(st.booleans()):
        entity.add_name(draw(CYRILLIC_NAME), NameKind.ORIGINAL_SCRIPT)
    kind = DateKind.BIRTH if entity_type == EntityType.PERSON else DateKind.INCORPORATION
    for value in draw(st.lists(PARTIAL_DATE, max_size=3, unique=True)):
        entity.dates.append(EntityDate(kind=kind, value=value))
    for _ in range(draw(st.integers(0, 3))):
        entity.add_country(draw(COUNTRIES), draw(st.sampled_from(COUNTRY_ROLES[entity_type])))
    values = draw(st.lists(ID_VALUE, max_size=3, unique=True))
    for value in values:
        entity.add_identifier(draw(st.sampled_from(FREE_ID_KINDS[entity_type])), value)
    if entity_type == EntityType.VESSEL and draw(st.booleans()):
        entity.add_identifier(IdKind.IMO, imo_number(draw(st.integers(100000, 999999))))
    entity.programs = draw(st.lists(st.sampled_from(["RUSSIA-EO14024", "UKR", "Russia"]), unique=True))
    entity.listed_on = draw(st.one_of(st.none(), PARTIAL_DATE))
    entity.remarks = draw(st.one_of(st.none(), LATIN_NAME))
    return entity


@settings(max_examples=150, deadline=None)
@given(entities())
def test_round_trip_keeps_ids_names_dates_countries_identifiers(entity):
    back = ftm_to_entity(entity_to_ftm(entity))
    assert back is not None
    assert (back.id, back.source, back.source_id, back.type) == (entity.id, entity.source, entity.source_id,
                                                                  entity.type)
    assert {(n.value, n.kind) for n in back.names} == {(n.value, n.kind) for n in entity.names}
    assert back.caption == entity.caption
    assert {(d.kind, d.value) for d in back.dates} == {(d.kind, d.value) for d in entity.dates}
    assert {(c.code, c.role) for c in back.countries} == {(c.code, c.role) for c in entity.countries}
    assert {(i.kind, i.value) for i in back.identifiers} == {(i.kind, i.value) for i in entity.identifiers}
    assert sorted(back.programs) == sorted(entity.programs)
    assert (back.listed_on, back.remarks) == (entity.listed_on, entity.remarks)


def test_exported_entities_are_valid_ftm():
    entity = Entity(id="ofac-1", type=EntityType.PERSON, source="ofac", source_id="1")
    entity.add_name("Ivan Testov", NameKind.PRIMARY, first_name="Ivan", last_name="Testov")
    entity.dates.append(EntityDate(value="1961-07-14"))
    entity.add_country("ru", CountryRole.NATIONALITY)
    entity.positions.append("Director")
    data = entity_to_ftm(entity)
    proxy = model.get_proxy(data)
    assert proxy.schema.name == "Person"
    assert proxy.get("firstName") == ["Ivan"] and proxy.get("lastName") == ["Testov"]
    assert proxy.get("birthDate") == ["1961-07-14"]
    assert proxy.get("position") == ["Director"]


def test_checked_identifiers_keep_their_kind_and_malformed_ones_are_not_lost():
    entity = Entity(id="x-1", type=EntityType.COMPANY, source="x", source_id="1")
    entity.add_name("Sberbank", NameKind.PRIMARY)
    entity.add_identifier(IdKind.INN, "7707083893")
    entity.add_identifier(IdKind.OGRN, "1027700132195")
    entity.add_identifier(IdKind.LEI, "253400HA6URWT39X2982")
    entity.add_identifier(IdKind.SWIFT_BIC, "SABRRUMM")
    entity.add_identifier(IdKind.INN, "12")  # too short for an INN: FtM refuses it as innCode
    data = entity_to_ftm(entity)
    assert data["properties"]["innCode"] == ["7707083893"]
    assert data["properties"]["idNumber"] == ["12"]
    back = ftm_to_entity(data)
    assert {(i.kind, i.value) for i in back.identifiers} == {
        (IdKind.INN, "7707083893"), (IdKind.OGRN, "1027700132195"), (IdKind.LEI, "253400HA6URWT39X2982"),
        (IdKind.SWIFT_BIC, "SABRRUMM"), (IdKind.OTHER, "12"),
    }


def test_a_date_range_is_written_as_its_two_ends():
    entity = Entity(id="x-1", type=EntityType.PERSON, source="x", source_id="1")
    entity.add_name("A B", NameKind.PRIMARY)
    entity.dates.append(EntityDate(start="1960", end="1962", text="1960 to 1962"))
    assert entity_to_ftm(entity)["properties"]["birthDate"] == ["1960", "1962"]


def test_reading_opensanctions_names_prefers_a_latin_primary():
    data = {"id": "NK-1", "schema": "Person", "caption": "Абашкін Костянтин",
            "properties": {"name": ["Абашкін Костянтин", "Abashkin Konstantin"], "alias": ["K. Abashkin"],
                           "weakAlias": ["Kostya"], "previousName": ["Konstantin Petrov"]},
            "datasets": ["ua_nsdc_sanctions"]}
    entity = ftm_to_entity(data, source="opensanctions")
    assert entity.caption == "Abashkin Konstantin"
    kinds = {n.value: n.kind for n in entity.names}
    assert kinds == {"Abashkin Konstantin": NameKind.PRIMARY, "Абашкін Костянтин": NameKind.ORIGINAL_SCRIPT,
                     "K. Abashkin": NameKind.ALIAS, "Kostya": NameKind.WEAK, "Konstantin Petrov": NameKind.FORMER}
    assert next(n for n in entity.names if n.kind == NameKind.ORIGINAL_SCRIPT).script == "Cyrl"
    assert (entity.id, entity.source, entity.source_id) == ("NK-1", "opensanctions", "NK-1")
    assert entity.extra["datasets"] == ["ua_nsdc_sanctions"]


def test_schemas_kordon_does_not_list_give_none():
    assert ftm_to_entity({"id": "a", "schema": "Address", "properties": {"full": ["x"]}}) is None
    assert ftm_to_entity({"id": "w", "schema": "CryptoWallet", "properties": {}}) is None
    assert ftm_to_relation({"id": "s", "schema": "Sanction", "properties": {"entity": ["x"]}}) is None


@pytest.mark.parametrize("kind", list(RelationKind))
def test_relation_round_trip(kind):
    relation = Relation(kind=kind, subject_id="a-1", object_id="b-2", role="Director", percentage=51.5,
                        start_date="2015-11-25", end_date="2023-03-02", source="x")
    if kind != RelationKind.OWNERSHIP:
        relation.percentage = None
    data = relation_to_ftm(relation)
    assert model.get_proxy(data).schema.edge
    back = ftm_to_relation(data)
    assert (back.kind, back.subject_id, back.object_id, back.role) == (kind, "a-1", "b-2", "Director")
    assert (back.percentage, back.start_date, back.end_date) == (relation.percentage, "2015-11-25", "2023-03-02")
    assert back.id == data["id"] and back.id.startswith("rel-")


@pytest.mark.parametrize("text, expected", [(["51"], 51.0), (["2,5 %"], 2.5), (["n/a", "49"], 49.0), (["150"], None)])
def test_ownership_percentages(text, expected):
    data = {"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "percentage": text}}
    assert ftm_to_relation(data).percentage == expected


# --- JSON lines ------------------------------------------------------------------
def test_write_then_read_lines(tmp_path):
    entity = Entity(id="x-1", type=EntityType.VESSEL, source="x", source_id="1")
    entity.add_name("Test Carrier", NameKind.PRIMARY)
    relation = Relation(kind=RelationKind.OWNERSHIP, subject_id="x-2", object_id="x-1", percentage=100)
    buffer = io.StringIO()
    assert write_ftm_lines([entity, relation], buffer) == 2
    path = tmp_path / "out.ftm.json"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    schemas = [d["schema"] for d in read_ftm_lines(path)]
    assert schemas == ["Vessel", "Ownership"]


@pytest.mark.parametrize("content, message, line", [
    ('[{"id": "a", "schema": "Person", "properties": {}}]\n', "JSON array", 1),
    ('{"id": "a", "schema": "Person", "properties": {}}\n{"id": "b", "schema": \n', "invalid JSON", 2),
    ('{"entity_id": "a", "prop": "name", "value": "X", "schema": null}\n', "not an FtM entity", 1),
    ('{"canonical_id": "a", "entity_id": "a", "prop": "name", "value": "X"}\n', "statements", 1),
    ('{"id": "a", "schema": "Person", "properties": {"sanctions": [{"id": "s", "schema": "Sanction"}]}}\n',
     "nested", 1),
    ('"just a string"\n', "one JSON object per line", 1),
])
def test_what_is_not_ftm_json_lines_is_refused(tmp_path, content, message, line):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ListFormatError) as error:
        list(iter_ftm_lines(path))
    assert message in str(error.value) and error.value.line == line and str(path) in str(error.value)


def test_undecodable_bytes_are_refused_with_the_line(tmp_path):
    path = tmp_path / "bad.json"
    good = json.dumps({"id": "a", "schema": "Person", "properties": {}})
    path.write_bytes(good.encode() + b"\n" + b'{"id": "b\xff"}\n')
    with pytest.raises(ListFormatError, match="UTF-8") as error:
        list(iter_ftm_lines(path))
    assert error.value.line == 2


def test_gzipped_lines_are_read(tmp_path):
    import gzip

    path = tmp_path / "entities.ftm.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "schema": "Company", "properties": {"name": ["A"]}}) + "\n")
    assert [d["id"] for d in read_ftm_lines(path)] == ["a"]
