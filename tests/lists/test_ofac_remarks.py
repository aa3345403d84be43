"""The OFAC Remarks parser: splitting, every recognised item kind, and property tests."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kordon.lists.ofac_remarks import CONTACT_KINDS, id_types, parse_remarks, split_remarks
from kordon.model import CountryRole, DateKind, Entity, EntityType, IdKind, NameKind


def entity(entity_type: EntityType = EntityType.PERSON) -> Entity:
    return Entity(id="t-1", type=entity_type, source="t", source_id="1")


def parsed(text: str, entity_type: EntityType = EntityType.PERSON, titles=None) -> Entity:
    e = entity(entity_type)
    parse_remarks(text, e, titles)
    return e


def only_identifier(e: Entity):
    assert len(e.identifiers) == 1, e.identifiers
    return e.identifiers[0]


# --- splitting -------------------------------------------------------------------------
def test_split_on_semicolons_and_drop_closing_full_stop():
    assert split_remarks("DOB 1960; POB Cairo, Egypt; Gender Male.") == ["DOB 1960", "POB Cairo, Egypt", "Gender Male"]


def test_split_keeps_semicolons_inside_parentheses():
    text = "Website www.x.example; (Following data from a passport: Alt. DOB 1969; Alt. POB Asmara); Gender Male."
    assert split_remarks(text) == [
        "Website www.x.example",
        "(Following data from a passport: Alt. DOB 1969; Alt. POB Asmara)",
        "Gender Male",
    ]


def test_split_with_unbalanced_parenthesis_splits_on_every_semicolon():
    # A Remarks field cut at 1,000 characters can leave a parenthesis open.
    assert split_remarks("Passport 123 (Rus; DOB 1960") == ["Passport 123 (Rus", "DOB 1960"]


def test_split_empty_and_blank_items():
    assert split_remarks("") == []
    assert split_remarks(" ; ;DOB 1960;") == ["DOB 1960"]


# --- people ---------------------------------------------------------------------------------
def test_birth_data_nationality_citizenship_gender():
    e = parsed("DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia; citizen Cyprus; Gender Male.")
    assert [d.value for d in e.dates] == ["1973-09-28"]
    assert e.dates[0].kind == DateKind.BIRTH
    assert e.places_of_birth == ["Vinnitsa, Ukraine"]
    assert [(c.code, c.role) for c in e.countries] == [("ru", CountryRole.NATIONALITY), ("cy", CountryRole.CITIZENSHIP)]
    assert e.gender == "male"


def test_several_birth_dates_circa_and_ranges():
    e = parsed("DOB circa 1951; alt. DOB 1960 to 1962; alt. DOB 01 Jan 1959 to 31 Dec 1959; alt. DOB Apr 1961.")
    circa, years, days, month = e.dates
    assert (circa.value, circa.approximate) == ("1951", True)
    assert (years.start, years.end, years.value) == ("1960", "1962", None)
    assert (days.start, days.end) == ("1959-01-01", "1959-12-31")
    assert month.value == "1961-04"


def test_unreadable_date_is_kept_and_reported():
    e = entity()
    result = parse_remarks("DOB 31 Feb 1960; Gender Female", e)
    assert e.dates == []
    assert result.unparsed == ["DOB 31 Feb 1960"]
    assert result.problems[0][0] == "bad_date"
    assert e.extra["remarks_unparsed"] == ["DOB 31 Feb 1960"]
    assert e.gender == "female"


def test_possibly_palestinian_nationality_keeps_the_text():
    e = parsed("nationality possibly Palestinian")
    assert (e.countries[0].code, e.countries[0].text) == ("ps", "possibly Palestinian")


def test_unknown_country_is_kept_unparsed():
    e = entity()
    result = parse_remarks("nationality Atlantis", e)
    assert e.countries == []
    assert result.unparsed == ["nationality Atlantis"]
    assert result.problems == [("unknown_country", "unknown country 'Atlantis'")]


def test_weak_aliases_in_quotes_keep_inner_apostrophes():
    e = parsed("a.k.a. 'ABU HAFS'; f.k.a. 'AL-QA'IDA NETWORK'; n.k.a. 'NEW NAME'; d.b.a. 'SHOP'.")
    assert [(n.value, n.kind) for n in e.names] == [
        ("ABU HAFS", NameKind.WEAK),
        ("AL-QA'IDA NETWORK", NameKind.WEAK),
        ("NEW NAME", NameKind.WEAK),
        ("SHOP", NameKind.WEAK),
    ]


def test_items_repeating_the_title_are_recognised():
    e = entity()
    text = "DOB 1960; Member of the State Duma; Head of the Basij"
    result = parse_remarks(text, e, titles=["Member of the State Duma"])
    assert result.unparsed == ["Head of the Basij"]


def test_position_item():
    assert parsed("alt. Position: General Manager").positions == ["General Manager"]


# --- identifiers ----------------------------------------------------------------------------
def test_passport_with_country_and_validity_notes():
    i = only_identifier(parsed("Passport A10472263 (Malaysia) issued 10 Jan 2000 expires 09 Jan 2005"))
    assert (i.kind, i.value, i.country) == (IdKind.PASSPORT, "A10472263", "my")
    assert i.note == "Passport; issued 10 Jan 2000 expires 09 Jan 2005"


def test_identifier_with_place_and_country_in_parentheses():
    i = only_identifier(parsed("Registration Number HRA 738077 (Stuttgart) (Germany)", EntityType.COMPANY))
    assert (i.kind, i.value, i.country) == (IdKind.REGISTRATION, "HRA 738077", "de")
    assert i.note == "Registration Number; Stuttgart"


def test_identifier_without_country():
    i = only_identifier(parsed("Cedula No. 6068015", EntityType.PERSON))
    assert (i.kind, i.value, i.country, i.note) == (IdKind.NATIONAL_ID, "6068015", None, "Cedula No.")


def test_sub_label_goes_to_note():
    i = only_identifier(parsed("National ID No. CNIC: 35202-5400413-9 (Pakistan)"))
    assert (i.value, i.country, i.note) == ("35202-5400413-9", "pk", "National ID No.; CNIC")


def test_longest_label_wins():
    i = only_identifier(parsed("Passport Booklet: A5199819 (Pakistan)"))
    assert (i.kind, i.value, i.note) == (IdKind.PASSPORT, "A5199819", "Passport Booklet")
    i = only_identifier(parsed("Identification Number IMO 5342883", EntityType.COMPANY))
    assert (i.kind, i.value) == (IdKind.IMO, "5342883")


def test_identification_number_depends_on_entity_type():
    assert only_identifier(parsed("Identification Number 2.194.575 (Paraguay)")).kind == IdKind.NATIONAL_ID
    company = parsed("Identification Number 2.194.575 (Paraguay)", EntityType.COMPANY)
    assert only_identifier(company).kind == IdKind.REGISTRATION


@pytest.mark.parametrize(
    "item, entity_type, kind",
    [
        ("Tax ID No. 7707083893 (Russia)", EntityType.COMPANY, IdKind.INN),  # 10 digits: a company
        ("Tax ID No. 773407989940 (Russia)", EntityType.PERSON, IdKind.INN),  # 12 digits: a person
        ("Tax ID No. 77070838 (Russia)", EntityType.COMPANY, IdKind.TAX_ID),  # wrong length
        ("Tax ID No. 7707083893", EntityType.COMPANY, IdKind.TAX_ID),  # no country given
        ("Tax ID No. 7707083893 (Belarus)", EntityType.COMPANY, IdKind.TAX_ID),
        ("Registration Number 1027700132195 (Russia)", EntityType.COMPANY, IdKind.OGRN),
        ("Registration ID 1027739609391 (Russia)", EntityType.COMPANY, IdKind.OGRN),
        ("Business Registration Number 304500116000157 (Russia)", EntityType.COMPANY, IdKind.OGRN),  # 15: OGRNIP
        ("Registration Number 26740 (Iran)", EntityType.COMPANY, IdKind.REGISTRATION),
        ("Government Gazette Number 00032520 (Russia)", EntityType.COMPANY, IdKind.OKPO),
        ("Government Gazette Number 121024920 (Bulgaria)", EntityType.COMPANY, IdKind.REGISTRATION),
        ("Registration Number 110140012405 (Kazakhstan)", EntityType.COMPANY, IdKind.BIN),
        ("Identification Number 220340015320 (Kazakhstan)", EntityType.COMPANY, IdKind.BIN),
        ("National ID No. 850101300123 (Kazakhstan)", EntityType.PERSON, IdKind.IIN),
        ("Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)", EntityType.COMPANY, IdKind.LEI),
        ("SWIFT/BIC SABRRUMM", EntityType.COMPANY, IdKind.SWIFT_BIC),
        ("Unified Social Credit Code (USCC) 9113100033607322XK (China)", EntityType.COMPANY, IdKind.REGISTRATION),
        ("SSN 523-33-8386 (United States)", EntityType.PERSON, IdKind.SSN),
        ("Driver's License No. 180839 (Mexico)", EntityType.PERSON, IdKind.DRIVING_LICENSE),
        ("Vessel Registration Identification IMO 7406784", EntityType.VESSEL, IdKind.IMO),
        ("Vessel Registration Identification 9187629", EntityType.VESSEL, IdKind.IMO),  # valid IMO check digit
        ("Vessel Registration Identification RS 150443 (Russia)", EntityType.VESSEL, IdKind.REGISTRATION),
        ("MMSI 572469210", EntityType.VESSEL, IdKind.MMSI),
        ("Other Vessel Call Sign 5IM713", EntityType.VESSEL, IdKind.CALL_SIGN),
        ("Aircraft Manufacturer's Serial Number (MSN) 1023409321", EntityType.AIRCRAFT, IdKind.AIRCRAFT_SERIAL),
        ("Aircraft Tail Number EP-MMH", EntityType.AIRCRAFT, IdKind.AIRCRAFT_TAIL),
        ("Previous Aircraft Tail Number YI-NAE", EntityType.AIRCRAFT, IdKind.AIRCRAFT_TAIL),
        ("BIK (RU) 044030707", EntityType.COMPANY, IdKind.OTHER),
    ],
)
def test_identifier_kinds(item, entity_type, kind):
    assert only_identifier(parsed(item, entity_type)).kind == kind


def test_russian_number_with_wrong_check_digit_keeps_its_kind_and_says_so():
    i = only_identifier(parsed("Tax ID No. 7707083894 (Russia)", EntityType.COMPANY))
    assert i.kind == IdKind.INN
    assert i.note == "Tax ID No.; check digit does not match"


def test_contacts_and_crypto_wallets():
    e = parsed(
        "Website www.sberbank.ru; alt. Website http://example.org; Email Address info@x.example; "
        "Telephone (98)(21)(66153220); Fax: 0097282858208; "
        "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
        EntityType.COMPANY,
    )
    assert e.urls == ["www.sberbank.ru", "http://example.org"]
    assert [(i.kind, i.value, i.note) for i in e.identifiers] == [
        (IdKind.WEBSITE, "www.sberbank.ru", "Website"),
        (IdKind.WEBSITE, "http://example.org", "Website"),
        (IdKind.EMAIL, "info@x.example", "Email Address"),
        (IdKind.PHONE, "(98)(21)(66153220)", "Telephone"),
        (IdKind.PHONE, "0097282858208", "Fax"),
        (IdKind.CRYPTO_WALLET, "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", "XBT"),
    ]


def test_identifier_label_without_value_is_unparsed():
    e = entity()
    result = parse_remarks("U.S.A. Passport issued 21 Jun 1992 in Amman, Jordan", e)
    assert e.identifiers == []
    assert result.unparsed == ["U.S.A. Passport issued 21 Jun 1992 in Amman, Jordan"]


# --- organisations, vessels, aircraft, sanctions information ---------------------------------
def test_organisation_items_and_target_type():
    e = parsed(
        "Organization Established Date 17 Oct 1990; Organization Type: Passenger air transport; "
        "Target Type Government Entity; all offices worldwide; Registration Country China",
        EntityType.COMPANY,
    )
    assert e.type == EntityType.ORGANIZATION
    assert [(d.kind, d.value) for d in e.dates] == [(DateKind.INCORPORATION, "1990-10-17")]
    assert e.extra == {
        "organization_type": ["Passenger air transport"],
        "target_type": ["Government Entity"],
        "scope": ["all offices worldwide"],
    }
    assert [(c.code, c.role) for c in e.countries] == [("cn", CountryRole.JURISDICTION)]


def test_company_target_type_keeps_company():
    assert parsed("Target Type Financial Institution", EntityType.COMPANY).type == EntityType.COMPANY


def test_vessel_and_aircraft_items():
    vessel = parsed(
        "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; Other Vessel Flag Tanzania; "
        "Other Vessel Type Roll-on Roll-off; Vessel Year of Build 1999",
        EntityType.VESSEL,
    )
    assert vessel.extra == {"former_flags": ["Malta", "Tuvalu"], "other_flags": ["Tanzania"],
                            "other_vessel_types": ["Roll-on Roll-off"]}
    assert [(d.kind, d.value) for d in vessel.dates] == [(DateKind.INCORPORATION, "1999")]
    aircraft = parsed(
        "Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacture Date Sep 1984; "
        "Nationality of Registration Korea, North",
        EntityType.AIRCRAFT,
    )
    assert aircraft.extra == {"aircraft_model": ["IL76-TD"], "aircraft_operator": ["YAS AIR"]}
    assert [d.value for d in aircraft.dates] == ["1984-09"]
    assert [(c.code, c.role) for c in aircraft.countries] == [("kp", CountryRole.FLAG)]


def test_sanctions_information_and_links():
    e = parsed(
        "Additional Sanctions Information - Subject to Secondary Sanctions; "
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by Executive Order 13886; "
        "Executive Order 13846 information: LOANS FROM UNITED STATES FINANCIAL INSTITUTIONS. Sec. 5(a)(i); "
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022; Linked To: HIZBALLAH; Linked To: CO., LTD",
        EntityType.COMPANY,
    )
    assert len(e.extra["sanctions_info"]) == 4
    assert e.extra["sanctions_info"][1].startswith("Secondary sanctions risk: section 1(b)")
    assert e.extra["linked_to"] == ["HIZBALLAH", "CO., LTD"]
    assert e.identifiers == [] and e.dates == []


def test_issuer_name_is_an_alias():
    e = parsed("Issuer Name China Mobile Limited", EntityType.COMPANY)
    assert [(n.value, n.kind) for n in e.names] == [("China Mobile Limited", NameKind.ALIAS)]


def test_one_megabyte_of_remarks_is_parsed_without_loss():
    text = "Gender Male; " * 80_000 + "Passport X1 (Peru); " + "x" * 100_000
    assert len(text) > 1_000_000
    e = entity()
    result = parse_remarks(text, e)
    assert e.gender == "male"
    assert [(i.value, i.country) for i in e.identifiers] == [("X1", "pe")]
    assert result.unparsed == ["x" * 100_000]


# --- properties --------------------------------------------------------------------------
ENTITY_TYPES = st.sampled_from(list(EntityType))


@given(st.text(max_size=400), ENTITY_TYPES)
@settings(max_examples=300)
def test_never_crashes_and_loses_nothing(text, entity_type):
    e = entity(entity_type)
    result = parse_remarks(text, e)
    assert result.unparsed == e.extra.get("remarks_unparsed", [])
    assert set(result.unparsed) <= set(split_remarks(text))


REMARK_WORDS = st.sampled_from(
    ["DOB", "POB", "alt.", "a.k.a.", "'X'", "Passport", "(Russia)", "Tax ID No.", "Linked To:", ";", "(", ")",
     "1960", "to", "circa", "Sep", "Registration Number", "issued", "IMO", "Gender", "Male", "nationality", ","]
)


@given(st.lists(REMARK_WORDS | st.text(max_size=5), max_size=30), ENTITY_TYPES)
def test_never_crashes_on_remarks_like_noise(words, entity_type):
    parse_remarks(" ".join(words), entity(entity_type))


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
def test_generated_birth_dates_round_trip(day):
    printed = f"DOB {day.day:02d} {MONTH_NAMES[day.month - 1]} {day.year}"
    assert [d.value for d in parsed(printed).dates] == [day.isoformat()]


@given(st.integers(1900, 2020), st.integers(0, 10), st.booleans())
def test_generated_year_ranges_round_trip(start, length, circa):
    printed = f"alt. DOB {'circa ' if circa else ''}{start} to {start + length}"
    (date,) = parsed(printed).dates
    assert (date.start, date.end, date.approximate) == (str(start), str(start + length), circa)


# Contacts keep their value verbatim (parentheses included), so they do not round-trip this way.
ID_LABELS = sorted(
    label for label, (_, kind) in id_types().items() if not (isinstance(kind, IdKind) and kind in CONTACT_KINDS)
)
COUNTRIES = {"Russia": "ru", "Germany": "de", "Korea, North": "kp", "Kazakhstan": "kz", "Iran": "ir"}
ID_VALUES = st.from_regex(r"[A-Z]{0,3}[0-9]{1,12}[A-Z]?", fullmatch=True)


@given(st.sampled_from(ID_LABELS), ID_VALUES, st.sampled_from(sorted(COUNTRIES)), ENTITY_TYPES)
def test_generated_identifiers_round_trip(label, value, country, entity_type):
    e = parsed(f"alt. {label} {value} ({country}) issued 2010", entity_type)
    i = only_identifier(e)
    assert (i.value, i.country) == (value, COUNTRIES[country])
    assert i.note.endswith("; issued 2010")
    assert i.note.casefold().startswith(label)


SAFE_TEXT = st.text(st.characters(blacklist_characters="();", blacklist_categories=("Cs",)), min_size=1, max_size=20)


@given(st.lists(st.tuples(SAFE_TEXT, st.lists(SAFE_TEXT, max_size=3)), min_size=1, max_size=8))
def test_splitting_respects_parentheses(parts):
    # Each item is free text with an optional parenthesised group holding ';'-separated text.
    items = [f"{head.strip()} ({'; '.join(inner)})" if inner else head.strip() for head, inner in parts]
    items = [item for item in items if item.strip(" .") and item == item.strip()]
    if not items or items[-1].endswith("."):
        return
    assert split_remarks("; ".join(items) + ".") == items
