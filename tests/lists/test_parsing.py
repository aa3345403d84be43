import datetime as dt

from hypothesis import given, strategies as st

from kordon.lists.parsing import country_code, parse_date, parse_single_date

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@given(dates)
def test_every_printed_form_of_a_date_parses_to_iso(d):
    iso = d.isoformat()
    assert parse_single_date(iso) == iso
    assert parse_single_date(f"{d.day}.{d.month}.{d.year}") == iso
    assert parse_single_date(f"{d.day:02d}/{d.month:02d}/{d.year}") == iso
    assert parse_single_date(f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}") == iso
    assert parse_single_date(f"{d.strftime('%B')} {d.day}, {d.year}") == iso


@given(st.integers(1900, 2089), st.integers(0, 10))
def test_year_ranges_and_circa(year, span):
    r = parse_date(f"{year} to {year + span}")
    assert r is not None and r.years == (year, year + span)
    c = parse_date(f"circa {year}")
    assert c is not None and c.approximate and c.years == (year - 1, year + 1)


@given(st.text(max_size=40))
def test_never_crashes_and_returns_valid_partial_iso(text):
    r = parse_date(text)
    if r is not None:
        for part in (r.value, r.start, r.end):
            if part:
                assert len(part) in (4, 7, 10) and part[:4].isdigit()


def test_impossible_dates_are_rejected_not_guessed():
    assert parse_single_date("31.02.1970") is None
    assert parse_single_date("1970-13-01") is None
    assert parse_date("unknown") is None
    assert parse_date("1962 to 1960") is None


def test_country_names():
    assert country_code("Russia") == "ru"
    assert country_code("Kyrgyzstan") == "kg"
    assert country_code("Korea, North") == "kp"
    assert country_code("no such place") is None
    assert country_code("") is None
