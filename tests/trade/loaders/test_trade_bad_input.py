"""Bad input: a clear message naming the file and the problem, and nothing half-loaded."""

import pytest

from kordon.trade.errors import TradeInputError
from kordon.trade.loaders import load

HEADER = "reporter,partner,product_code,month,value_eur\n"


def _write(tmp_path, text, name="bad_export.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _assert_refused(con, path, *fragments, **kwargs):
    with pytest.raises(TradeInputError) as caught:
        load(con, path, **kwargs)
    message = str(caught.value)
    assert str(path) in message and "nothing was loaded" in message
    for fragment in fragments:
        assert fragment in message
    assert con.execute("SELECT count(*) FROM flows").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0
    return caught.value


def test_empty_file(con, tmp_path):
    _assert_refused(con, _write(tmp_path, ""), "empty file")


def test_header_only(con, tmp_path):
    _assert_refused(con, _write(tmp_path, HEADER), "empty file")


def test_missing_column(con, tmp_path):
    path = _write(tmp_path, "reporter,partner,value_eur\nDE,RU,5\n")
    _assert_refused(con, path, "cannot recognise", "--map", fmt="auto")


def test_misnamed_column_gets_a_suggestion(con, tmp_path):
    path = _write(tmp_path, "reporter,partner,product_cod,month,value\nDE,RU,85423190,2022-03,5\n")
    columns = {"reporter": "reporter", "partner": "partner", "product_code": "product_code", "period": "month",
               "value": "value"}
    _assert_refused(con, path, "'product_code' for product_code is missing", "did you mean 'product_cod'",
                    fmt="csv", columns=columns, constants={"flow": "export", "currency": "EUR"})


def test_unknown_country_codes_are_named_with_their_line(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,XY,85423190,2022-03,7\n")
    error = _assert_refused(con, path, "unknown country 'XY' (line 3)", "--skip-unknown")
    assert error.line == 3 and error.column == "partner"


def test_unknown_codes_can_be_skipped_and_are_counted(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,XY,85423190,2022-03,7\n")
    report = load(con, path, skip_unknown=True)
    assert report.rows == 1 and report.skipped_rows == 1 and report.skipped_unknown == {"partner": ["XY"]}


def test_unknown_product_code(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85A23190,2022-03,5\n")
    _assert_refused(con, path, "'85A23190' is not numeric (line 2)")


def test_mixed_currencies(con, tmp_path):
    path = _write(tmp_path, "reporter,partner,product_code,month,value,currency\n"
                            "DE,RU,85423190,2022-03,5,EUR\nDE,KZ,85423190,2022-03,5,USD\n")
    _assert_refused(con, path, "mixed currencies: EUR (first at line 2), USD (first at line 3)",
                    fmt="csv", constants={"flow": "export"})


def test_negative_values(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,KZ,85423190,2022-03,-40\n")
    _assert_refused(con, path, "negative value: -40 (line 3)")


def test_not_a_number(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,five\n")
    _assert_refused(con, path, "not a number: 'five' (line 2)")


def test_conflicting_duplicates_are_refused(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,RU,85423190,2022-03,6\n")
    _assert_refused(con, path, "conflicting duplicate", "lines 2 and 3", "--duplicates first")


def test_exact_duplicates_are_dropped_and_counted(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,RU,85423190,2022-03,5\nDE,KZ,85423190,2022-03,5\n")
    report = load(con, path)
    assert report.rows == 2 and report.duplicates_dropped == 1


def test_keep_first_of_conflicting_duplicates_on_request(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,RU,85423190,2022-03,6\n")
    report = load(con, path, duplicates="first")
    assert report.conflicting_duplicates == 1
    assert con.execute("SELECT value FROM flows").fetchone()[0] == 5


def test_bad_period(con, tmp_path):
    _assert_refused(con, _write(tmp_path, HEADER + "DE,RU,85423190,2022-13,5\n"), "month 13 out of range")


def test_file_overlapping_loaded_data_is_refused(con, tmp_path):
    load(con, _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\n", "a_export.csv"))
    with pytest.raises(TradeInputError, match="overlaps data already loaded"):
        load(con, _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\nDE,KZ,85423190,2022-03,1\n", "b_export.csv"))
    assert con.execute("SELECT count(*) FROM flows").fetchone()[0] == 1


def test_same_file_twice_is_refused_but_can_be_replaced(con, tmp_path):
    path = _write(tmp_path, HEADER + "DE,RU,85423190,2022-03,5\n")
    load(con, path)
    with pytest.raises(TradeInputError, match="exists; pass --replace"):
        load(con, path)
    report = load(con, path, replace=True)
    assert report.rows == 1 and con.execute("SELECT count(*) FROM flows").fetchone()[0] == 1


def test_missing_file(con, tmp_path):
    with pytest.raises(TradeInputError, match="file not found"):
        load(con, tmp_path / "nope.csv")
