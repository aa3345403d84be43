from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kordon.trade.codes import normalise_country, normalise_product_code, parse_flow, parse_period


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_monthly_periods_in_every_spelling_give_the_same_month(year, month):
    expected = (date(year, month, 1), "M")
    for text in (f"{year}-{month:02d}", f"{year}{month:02d}", f"{year}M{month:02d}", f"{month:02d}/{year}"):
        assert parse_period(text) == expected


@given(st.integers(1900, 2100))
def test_yearly_periods(year):
    for text in (str(year), f"Y{year}", f"{year}52"):
        assert parse_period(text) == (date(year, 1, 1), "Y")


@pytest.mark.parametrize("text", ["2021-13", "2021-00", "21-03", "March 2021", "", "1850"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


@given(st.sampled_from([2, 4, 6, 8, 10]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_product_codes_keep_their_digits_and_get_their_level(code):
    product = normalise_product_code(code)
    if code in {"00"}:
        assert product.level == "TOTAL"
    else:
        assert product.code == code
        assert product.level == {2: "HS2", 4: "HS4", 6: "HS6", 8: "CN8", 10: "TARIC10"}[len(code)]


@given(st.text("0123456789", min_size=8, max_size=8))
def test_separators_do_not_change_a_code(code):
    spaced = f"{code[:4]} {code[4:6]} {code[6:]}"
    dotted = f"{code[:4]}.{code[4:6]}.{code[6:]}"
    assert normalise_product_code(spaced) == normalise_product_code(dotted) == normalise_product_code(code)


def test_lost_leading_zero_is_restored_and_special_codes_are_kept():
    assert normalise_product_code("1012100").code == "01012100"
    assert normalise_product_code("10121").code == "010121"
    assert normalise_product_code("8542XXXX").level == "CONFIDENTIAL"
    assert normalise_product_code("TOTAL").level == "TOTAL"
    for bad in ("85A2", "123456789012", ""):
        with pytest.raises(ValueError):
            normalise_product_code(bad)


@pytest.mark.parametrize("raw, code", [
    ("RU", "RU"), ("RUS", "RU"), ("Russian Federation (Russia)", "RU"), ("Russie, Fédération de", "RU"),
    ("EL", "GR"), ("Belarus (Belorussia)", "BY"), ("Kyrgyzstan", "KG"),
    ("France (incl. Saint Barthélemy 'BL' -> 2012; incl. French Guiana 'GF' from 1997)", "FR"),
    ("United States (incl. Navassa Island (part of 'UM') from 1995 -> 2000)", "US"),
    ("European Union - 27 countries (from 2020)", "EU27_2020"), ("The EU", "EU27_2020"), ("W00", "WORLD"),
    ("Всего", "WORLD"), ("Great Britain", "GB"),
])
def test_countries_from_codes_and_names(raw, code):
    assert normalise_country(raw) == code


def test_unknown_country_is_refused():
    with pytest.raises(ValueError, match="unknown country"):
        normalise_country("Atlantis")


@pytest.mark.parametrize("raw, flow", [("X", "export"), ("2", "export"), ("EXPORT", "export"), ("M", "import"),
                                       ("1", "import"), ("RX", "re-export"), ("re-import", "re-import")])
def test_flows(raw, flow):
    assert parse_flow(raw) == flow
    with pytest.raises(ValueError):
        parse_flow("transit")
