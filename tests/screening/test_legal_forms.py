"""Legal forms: the reference file and their removal from organisation names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kordon.screening.names import PhraseTable, legal_forms
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


# --- phrase tables ------------------------------------------------------------------

_TOKENS = st.sampled_from("abcd")
_PHRASES = st.lists(st.tuples(st.lists(_TOKENS, min_size=1, max_size=4).map(tuple), st.integers(0, 3)), max_size=25)


def _scan_at(table: PhraseTable, seq: list[str], start: int, accept):
    """match_at as a comparison with every phrase starting with the token, longest first."""
    for toks, value in table.by_first.get(seq[start], ()):
        n = len(toks)
        if tuple(seq[start : start + n]) == toks and (accept is None or accept(start, n, value)):
            return n, value
    return None


def _scan_end(table: PhraseTable, seq: list[str], accept):
    for toks, value in table.by_last.get(seq[-1], ()):
        n = len(toks)
        if n <= len(seq) and tuple(seq[-n:]) == toks and (accept is None or accept(len(seq) - n, n, value)):
            return n, value
    return None


@settings(max_examples=1500)
@given(_PHRASES, st.lists(_TOKENS, min_size=1, max_size=6), st.data())
def test_phrase_lookups_by_length_agree_with_scanning_every_phrase(phrases, seq, data):
    table = PhraseTable.build(phrases)
    vetoed = data.draw(st.sets(st.integers(0, 3)))
    for accept in (None, lambda start, n, value: value not in vetoed):
        assert table.match_end(seq, accept) == _scan_end(table, seq, accept)
        for start in range(len(seq)):
            assert table.match_at(seq, start, accept) == _scan_at(table, seq, start, accept)
