"""Legal forms: the reference file and their removal from organisation names."""

from __future__ import annotations

import pytest

from kordon.screening.names import legal_forms
from kordon.screening.normalise import EmptyName, normalise_name
from kordon.screening.text import load_yaml
from kordon.screening.translit import phrase_variants

FORMS = load_yaml("legal_forms.yml")["forms"]


def test_every_form_is_well_formed():
    for form in FORMS:
        assert form["id"] and form["id"] == form["id"].lower() and form["id"].isascii()
        assert form["generic"] in {"llc", "jsc", "lp", "gp", "llp", "sole", "coop", "soe", "ngo"}
        assert form["where"] in {"both", "suffix"}
        assert form["aliases"], form["id"]
        for alias in form["aliases"]:
            assert phrase_variants(str(alias)), (form["id"], alias)


def test_every_alias_alone_is_an_empty_company_name():
    # Each alias, standing alone, is removed entirely: the table and the
    # matcher agree on every entry.
    for form in FORMS:
        for alias in form["aliases"]:
            with pytest.raises(EmptyName):
                normalise_name(str(alias), "company")


def test_tables_are_compiled_once():
    assert legal_forms() is legal_forms()


@pytest.mark.parametrize(
    "name",
    [
        "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU 'NOVATEK-PERM'",  # mixed ICAO/BGN spelling
        "Obshchestvo s Ogranichennoy Otvetstvennostyu Novatek-Perm",
        "Obschestvo s ogranichennoj otvetstvennost'ju Novatek-Perm",  # GOST-like
        "ООО «Новатэк-Пермь»".replace("э", "e"),
    ],
)
def test_spelled_out_forms_absorb_romanisation_variants(name):
    form = normalise_name(name, "company")
    assert form.tokens == ("novatek", "perm")
    assert form.legal_form == "ooo"


@pytest.mark.parametrize(
    "name, tokens",
    [
        ("MAHAN TRAVEL AND TOURISM SDN BHD", ("mahan", "travel", "and", "tourism")),
        ("CIRCULO REPRESENTACIONES, S. DE R.L. DE C.V.", ("circulo", "representaciones")),
        ("Atviroji akcinė bendrovė „Belavia Belarusian Airlines“", ("belavia", "belarusian", "airlines")),
        ("JOINT STOCK COMMERCIAL BANK NOVIKOMBANK", ("novikombank",)),
        ("Federal State Unitary Enterprise Almaz", ("almaz",)),
        ("HUAWEI TECHNOLOGIES CO., LTD.", ("huawei", "technologies")),
        ("«Kazakh Trade» жауапкершілігі шектеулі серіктестігі", ("kazakh", "trade")),
        ("Жауапкершілігі шектеулі серіктестік «Kazakh Trade»", ("kazakh", "trade")),
    ],
)
def test_forms_from_many_jurisdictions(name, tokens):
    assert normalise_name(name, "company").tokens == tokens


def test_forms_are_words_inside_names_only_when_spelled_out():
    # "Limited" inside a name is not a legal form; at the end it is.
    assert normalise_name("Limited Edition Trading", "company").tokens == ("limited", "edition", "trading")
    assert normalise_name("Alpha Limited", "company").tokens == ("alpha",)


def test_one_letter_key_collisions_do_not_strip():
    # The key of "OOO" is "o"; a trailing initial O is not a legal form.
    assert normalise_name("Romashka O", "company").tokens == ("romashka", "o")


def test_prefix_forms_only_where_allowed():
    # GmbH is a suffix form: a name starting with it keeps it.
    assert normalise_name("GmbH Beta Werke", "company").tokens[0] == "gmbh"
    assert normalise_name("OOO Beta", "company").tokens == ("beta",)
