"""Tests of the screening name normaliser (kordon.screening.normalise)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kordon.screening import normalise
from kordon.screening.normalise import (
    EmptyName,
    NameForm,
    clean_text,
    name_key,
    normalise_name,
    transliterate,
)
from kordon.screening.text import (
    dominant_script,
    fold_lookalikes,
    load_yaml,
    script_counts,
    single_script,
    strip_invisible,
)


def tokens(name: str, entity_type: str = "any") -> tuple[str, ...]:
    return normalise_name(name, entity_type).tokens


def keys(name: str, entity_type: str = "any") -> tuple[str, ...]:
    return normalise_name(name, entity_type).keys


# --- clean_text ---------------------------------------------------------------


def test_clean_text_removes_invisible_and_folds_case_and_width():
    assert clean_text("  ＩＶＡＮ\u200b\u00adOV\u202e\tPetrov ") == "ivanov petrov"


# --- lookalikes and invisible characters ---------------------------------------


@pytest.mark.parametrize(
    "spoofed",
    [
        "Iv\u0430n\u043ev",  # Cyrillic а, о
        "\u0406van\u043ev",  # Cyrillic І, о
        "Ivan\u03bfv",  # Greek ο
        "ＩＶＡＮＯＶ",  # fullwidth
        "𝐈𝐯𝐚𝐧𝐨𝐯",  # mathematical bold
        "Iva\u200bnov",  # zero-width space
        "Iva\u00adnov",  # soft hyphen
        "\u202bIvanov\u202c",  # RTL embedding
        "\ufeffIvanov",  # BOM
        "Iva\u2060nov",  # word joiner
        "Iva\x00n\x07ov",  # control characters
    ],
)
def test_spoofed_latin_name_equals_clean_one(spoofed):
    assert normalise_name(spoofed, "person").tokens == normalise_name("Ivanov", "person").tokens


def test_latin_lookalikes_in_cyrillic_name_fold_to_cyrillic():
    # "Ивaнoв" typed with Latin a and o must transliterate like the real Cyrillic word.
    assert tokens("Ив\u0061н\u006fв Сергей") == tokens("Иванов Сергей") == ("ivanov", "sergey")


def test_invisible_characters_are_recorded():
    form = normalise_name("Iva\u200bnov\u200e", "person")
    assert ("\u200b\u200e", "invisible") in form.removed


def test_every_invisible_character_is_found():
    for lo, hi in load_yaml("invisible.yml")["ranges"]:
        for cp in range(lo, hi + 1):
            assert strip_invisible(f"a{chr(cp)}b") == ("ab", chr(cp))
    assert strip_invisible("a\u3000b\tc") == ("a b c", "")


@pytest.mark.parametrize(
    "text, script",
    [
        ("Иванов Сергей", "Cyrillic"),
        ("Müller-Lüdenscheidt", "Latin"),
        ("Αλέξης Τσίπρας", "Greek"),
        ("محمد عبد", "Arabic"),
        ("-- 12 ,", "Unknown"),
        ("Ivan Иванов", None),
        ("Iv\u0430n", None),
        ("中文", None),
        ("x²", None),
    ],
)
def test_single_script(text, script):
    assert single_script(text) == script


_SCRIPT_MIX = st.text(alphabet="aeoxyAEOXY éüßł иаоЖЁії αοΩ محمد 中ש ²½ʹ-1.'\u0483", max_size=30)


@settings(max_examples=500)
@given(st.one_of(_SCRIPT_MIX, st.text(max_size=30)))
def test_the_one_script_shortcut_agrees_with_counting_letters(text):
    script = single_script(text)
    if script is not None:
        counts = script_counts(text)
        assert script == dominant_script(counts)
        assert fold_lookalikes(text, counts) == text


def test_cyrillic_legal_form_with_latin_name_is_not_folded():
    form = normalise_name("РАО Romashka", "company")
    assert form.tokens == ("romashka",) or form.tokens == ("rao", "romashka")
    assert "pao" not in form.tokens


# --- transliteration and keys: real pairs ------------------------------------------


def test_russian_canonical_romanisation():
    assert tokens("Александр") == ("aleksandr",)
    assert transliterate("Щербаков Юрий Жанна") == "shcherbakov yuriy zhanna"


@pytest.mark.parametrize(
    "a, b",
    [
        ("aleksandr", "alexander"),
        ("yuriy", "yuri"),
        ("yuriy", "iurii"),
        ("yuriy", "jurij"),
        ("yuriy", "yury"),
        ("zhanna", "janna"),
        ("shcherbakov", "scherbakov"),
        ("shcherbakov", "shherbakov"),
        ("zelenskyi", "zelenskyy"),
        ("zelenskyi", "zelensky"),
        ("zelenskyi", "zelenskiy"),
        ("mohammed", "muhammad"),
        ("mohammed", "mohamad"),
        ("abdul", "abd"),
        ("kasym", "qasym"),
        ("tokaev", "toqaev"),
        ("tokaev", "tokayev"),
        ("nazarbaev", "nazarbayev"),
        ("zhomart", "jomart"),
        ("alikhan", "alihan"),
        ("yevgeniy", "evgenii"),
        ("lukashenko", "lukashenka"),
        ("aliaksandr", "alyaksandr"),
        ("kirill", "kyrylo"),
        ("andrey", "andrei"),
        ("sergey", "sergej"),
        ("tymoshenko", "timoshenko"),
        ("mueller", "muller"),
        ("schroeder", "schroder"),
        ("abdullah", "abdulla"),
        ("mahmood", "mahmud"),
        # German and French romanisations of Russian
        ("nikolaewitsch", "nikolaevich"),
        ("nikolajewitsch", "nikolayevich"),
        ("sergejewitsch", "sergeyevich"),
        ("ivanovitch", "ivanovich"),
        ("iwanoff", "ivanov"),
        ("smirnoff", "smirnov"),
        ("tschernow", "chernov"),
        ("tschernoff", "chernov"),
        ("schtscherbakow", "shcherbakov"),
        ("chtcherbakov", "shcherbakov"),
        ("wassiljew", "vasilyev"),
        ("dimitri", "dmitriy"),
    ],
)
def test_romanisation_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("ivanov", "petrov"), ("zhanna", "yana"), ("oleg", "olga"), ("omar", "amir")])
def test_different_names_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_scerbakov_with_diacritics():
    assert keys("Ščerbakov") == keys("Щербаков") == keys("Shcherbakov")


def test_ukrainian():
    assert tokens("Володимир Зеленський", "person") == ("volodymyr", "zelenskyi")
    assert keys("Володимир Зеленський") == keys("Volodymyr Zelensky") == keys("Volodymyr Zelenskyy")


def test_belarusian():
    assert transliterate("Аляксандр Лукашэнка", "be") == "aliaksandr lukashenka"
    assert tokens("Аляксандр Лукашэнка", "person") == ("aliaksandr", "lukashenka")
    assert keys("Аляксандр Лукашэнка") == keys("Alexander Lukashenko")


def test_oleksandr_and_aleksandr_meet_through_the_cross_language_list():
    assert tokens("Олександр") == ("oleksandr",)
    assert tokens("Александр") == ("aleksandr",)
    assert keys("Олександр") == keys("Александр")


def test_kazakh_cyrillic_and_2021_latin_collide():
    assert tokens("Нұрсұлтан Назарбаев", "person") == ("nursultan", "nazarbaev")
    assert keys("Қасым-Жомарт Тоқаев") == keys("Qasym-Jomart Toqaev") == keys("Kassym-Zhomart Tokayev")
    assert keys("Әлихан") == keys("Alikhan") == keys("Älihan") == keys("Alihan")
    assert tokens("Ұлттық") == ("ulttyk",)
    assert transliterate("Ұлттық", "kk") == "ulttyk"


def test_diacritics_removed():
    assert tokens("Müller Şahin Çelik Łukasz Øster Straße") == ("muller", "sahin", "celik", "lukasz", "oster", "strasse")


def test_arabic_script_is_transliterated_to_ascii():
    form = normalise_name("محمد عبد الرحمن", "person")
    assert form.script == "Arabic"
    assert form.tokens and all(t.isascii() and t.isalnum() for t in form.tokens)


# --- persons ------------------------------------------------------------------------


def test_titles_removed_for_persons():
    form = normalise_name("Mullah Mohammed Omar", "person")
    assert form.tokens == ("mohammed", "omar")
    assert ("mullah", "title") in form.removed
    assert tokens("Dr. Ayman al-Zawahiri", "person") == ("ayman", "al", "zawahiri")


def test_ambiguous_titles_kept_for_organisations():
    assert tokens("General Electric", "company") == ("general", "electric")


def test_title_like_surname_of_inverted_name_is_kept():
    assert tokens("SHEIKH, Umair Naeem", "person") == ("sheikh", "umair", "naeem")
    assert tokens("Sheikh Umair Naeem", "person") == ("umair", "naeem")


def test_short_legal_forms_only_for_organisations():
    assert tokens("Mario Sa", "any") == ("mario", "sa")
    assert tokens("Siemens AG", "company") == ("siemens",)
    assert tokens("Siemens Aktiengesellschaft", "any") == ("siemens",)


def test_title_then_legal_form_does_not_empty_the_name():
    assert tokens("MRS GmbH", "any") == ("mrs",)


@pytest.mark.parametrize("name", ["KARPOV, Emir Pavel", "KARPOV, Hon. Pavel", "KARPOV, Mr Pavel", "Emir Pavel Karpov"])
def test_titles_removed_after_the_comma_of_an_inverted_name(name):
    assert set(tokens(name, "person")) == {"karpov", "pavel"}


def test_titles_that_are_name_parts_stay_after_the_comma():
    assert tokens("RAZA, Syed Ali", "person") == ("raza", "syed", "ali")


def test_a_title_like_given_name_alone_after_the_comma_is_kept():
    assert tokens("HODZIC, Emir", "person") == ("hodzic", "emir")


def test_a_title_alone_is_kept():
    assert tokens("Sheikh", "person") == ("sheikh",)


def test_tags_particles_initials_patronymics():
    form = normalise_name("Abu Bakr al-Baghdadi", "person")
    assert form.tags == ("particle", "name", "particle", "name")
    assert normalise_name("J. R. Smith", "person").tags == ("initial", "initial", "name")
    assert normalise_name("Roman Arkadyevich Abramovich", "person").tags == ("name", "patronymic", "name")
    assert normalise_name("Abramovich Roman Arkadyevich", "person").tags == ("name", "name", "patronymic")
    assert normalise_name("Иванова Анна Сергеевна", "person").tags == ("name", "name", "patronymic")
    assert "patronymic" not in normalise_name("Roman Abramovich", "person").tags


# --- companies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, form_id",
    [
        ("ООО «Ромашка»", "ooo"),
        ("Romashka LLC", "llc"),
        ("LLC Romashka", "llc"),
        ("OOO Romashka", "ooo"),
        ("Общество с ограниченной ответственностью “Ромашка”", "ooo"),
        ("Obshchestvo s Ogranichennoy Otvetstvennostyu „Romashka“", "ooo"),
        ("Limited Liability Company Romashka", "llc"),
        ("ТОО «Ромашка»", "too"),
        ("Ромашка ЖШС", "too"),
        ("«Ромашка» АҚ", "ak"),
        ("Romashka GmbH", "gmbh"),
        ("Romashka A.S.", "as"),
        ("Romashka Ltd. Şti.", "ltd_sti"),
        ("Romashka FZE", "fze"),
        ("Romashka FZ-LLC", "fz_llc"),
        ("Romashka DMCC", "dmcc"),
        ("ПАО Ромашка", "pao"),
        ("ФГУП «Ромашка»", "fgup"),
    ],
)
def test_legal_forms_removed_wherever_they_stand(name, form_id):
    form = normalise_name(name, "company")
    assert form.tokens == ("romashka",)
    assert form.legal_form == form_id
    assert any(reason == "legal_form" for _, reason in form.removed)


def test_legal_forms_kept_in_person_names():
    assert tokens("Ivan Ao", "person") == ("ivan", "ao")


def test_several_legal_forms():
    form = normalise_name("Alfa Trading Group Co., Ltd.", "company")
    assert form.tokens == ("alfa", "trading", "group")
    assert form.tags == ("name", "generic", "generic")


def test_generic_words_in_russian():
    assert normalise_name("Торговый дом Ромашка", "company").tags == ("generic", "generic", "name")


# --- vessels -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["M/V Ocean Star", "MV Ocean Star", "MT OCEAN STAR", "M/T Ocean Star"])
def test_vessel_prefixes(name):
    assert tokens(name, "vessel") == ("ocean", "star")


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200b", "-- ,.;", "«»", "LLC", "ООО", "Общество с ограниченной ответственностью"])
def test_empty_names_raise(name):
    with pytest.raises(EmptyName):
        normalise_name(name, "company")


def test_empty_name_message_is_clear():
    with pytest.raises(EmptyName, match="legal form"):
        normalise_name("LLC", "company")


@pytest.mark.parametrize("name", ["Ivanov " * 1500, "Иванов " * 1500, "x" * 1_000_000, "محمد " * 3000])
def test_very_long_name_is_capped(name):
    form = normalise_name(name, "person")
    assert 0 < len(form.tokens) <= 40
    assert len(" ".join(form.tokens)) <= 500
    assert any(reason == "truncated" for _, reason in form.removed)


def test_invisible_padding_does_not_hide_the_name():
    assert normalise_name("\u200b" * 9000 + "Ivanov", "person").tokens == ("ivanov",)


# --- properties -------------------------------------------------------------------------

ENTITY_TYPES = st.sampled_from(["person", "company", "organization", "vessel", "aircraft", "any"])


def _check_form(form: NameForm) -> None:
    assert len(form.tokens) == len(form.keys) == len(form.tags) > 0
    for token in form.tokens:
        assert token and token.isascii() and token.isalnum() and token == token.lower()
    assert set(form.tags) <= {"name", "generic", "particle", "initial", "patronymic"}


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=120), ENTITY_TYPES)
def test_any_text_gives_a_form_or_empty_name(text, entity_type):
    try:
        form = normalise_name(text, entity_type)
    except EmptyName:
        return
    _check_form(form)
    again = normalise_name(" ".join(form.tokens), entity_type)
    if "," not in text:
        assert again.tokens == form.tokens
    else:  # the one exception: a title-like surname before the comma of an inverted name
        assert again.tokens in (form.tokens, form.tokens[1:])


def _assert_same_tokens(name: str, damaged: str, entity_type: str) -> None:
    """``damaged`` normalises to the tokens of ``name``, or both are empty names."""
    try:
        clean = normalise_name(name, entity_type)
    except EmptyName:
        with pytest.raises(EmptyName):
            normalise_name(damaged, entity_type)
        return
    assert normalise_name(damaged, entity_type).tokens == clean.tokens


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)
_TITLE_DATA = yaml.safe_load((Path(normalise.__file__).parent / "data" / "titles.yml").read_text("utf-8"))
_TITLES = sorted(str(t) for t in _TITLE_DATA["always"] + _TITLE_DATA["person_only"]
                 if str(t).isascii() and str(t) not in _TITLE_DATA["name_parts"])
_INVISIBLE = st.sampled_from(["\ufeff", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e"])


@settings(max_examples=300)
@given(st.lists(_WORD, min_size=1, max_size=5), st.lists(_WORD, min_size=1, max_size=3), st.sampled_from(_TITLES))
def test_a_title_after_the_comma_is_removed_like_one_in_front(last, given, title):
    plain = f"{' '.join(last)}, {' '.join(given)}"
    with_title = f"{' '.join(last)}, {title.title()}. {' '.join(given)}"
    try:
        expected = normalise_name(plain, "person").tokens
    except EmptyName:
        return
    if normalise_name(" ".join(given), "person").tokens != tuple(given):
        return  # the given names themselves start with a title or are cut: nothing to compare
    assert normalise_name(with_title, "person").tokens == expected


@settings(max_examples=300)
@given(st.lists(_WORD, min_size=1, max_size=5), ENTITY_TYPES, st.lists(st.tuples(st.integers(0, 200), _INVISIBLE),
                                                                       min_size=1, max_size=4))
def test_invisible_characters_inside_words_are_deleted(words, entity_type, inserts):
    name = " ".join(words)
    damaged = name
    for at, ch in inserts:
        at %= len(damaged) + 1
        damaged = damaged[:at] + ch + damaged[at:]
    _assert_same_tokens(name, damaged, entity_type)


_LATIN_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -", min_size=1, max_size=40)
_LOOKALIKES = yaml.safe_load((Path(normalise.__file__).parent / "data" / "lookalikes.yml").read_text("utf-8"))
_TO_CYRILLIC = str.maketrans(_LOOKALIKES["to_cyrillic"])
_AMBIGUOUS = set(_LOOKALIKES["to_cyrillic"]) | set(_LOOKALIKES["to_latin"])


@settings(max_examples=300)
@given(_LATIN_NAME, ENTITY_TYPES, st.randoms(use_true_random=False))
def test_lookalike_folding_invariance(name, entity_type, rnd):
    # Swap a random subset of letters for Cyrillic lookalikes; a name with at
    # least one letter that has no lookalike must normalise the same. (A name
    # made only of lookalikes, "COX", may as well be the Cyrillic "СОХ".)
    spoofed = "".join(ch.translate(_TO_CYRILLIC) if rnd.random() < 0.5 else ch for ch in name)
    if not any(ch.isalpha() and ch not in _AMBIGUOUS for ch in name):
        return
    _assert_same_tokens(name, spoofed, entity_type)


# --- real data ---------------------------------------------------------------------------


def test_un_names_normalise(shared_data):
    path = shared_data("names/yente_benchmark/positives_un_untreated.csv")
    with open(path, encoding="utf-8") as fh:
        names = [row["full_name"] for row in csv.DictReader(fh) if row["full_name"].strip()]
    assert len(names) > 600
    for name in names:
        _check_form(normalise_name(name, "person"))


def test_a_phrase_shared_by_two_values_keeps_the_first_listed():
    from kordon.screening.names import PhraseTable

    table = PhraseTable.build([(("a", "b"), "first"), (("c",), "short"), (("a", "b"), "second"),
                               (("a", "b"), "first")])
    assert table.match_at(["a", "b"], 0) == (2, "first")
    assert table.by_first["a"] == [(("a", "b"), "first"), (("a", "b"), "second")]


_LEGAL_FORM_PROBE = """
from kordon.screening.normalise import normalise_name
for name in ("OTKRYTOE AKTSIONERNOE OBSHCHESTVO NEFTEGAZ", "Acme Trading Ltd", "Acme Trading GmbH"):
    form = normalise_name(name, "company")
    print(name, form.legal_form, " ".join(form.keys))
"""


def test_legal_forms_read_the_same_in_every_process():
    """Ties between legal forms sharing a spelling are settled by the data file's order, not by hashing."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _LEGAL_FORM_PROBE], env=env, capture_output=True, text=True,
                              check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    lines = outputs.pop().splitlines()
    assert lines[0].split()[4] == "oao"  # OAO is listed before AO, which also spells it out
    assert lines[1].split()[3] == "ltd"


def test_clear_caches_forgets_the_spelling_keys_too():
    from kordon.screening import names

    normalise.normalise_name("Aleksandr Petrovich Volkov", "person")
    assert names.name_key.cache_info().currsize > 0 or normalise._KEYS
    normalise.clear_caches()
    assert names.name_key.cache_info().currsize == 0 and not normalise._KEYS


# --- the fast paths agree with their plain definitions ------------------------------

_KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0" + "aeiouyjhcsz" * 2  # the letters the rules look at, more often


def _rules_one_by_one(token: str) -> str:
    """The spelling rules applied as ``spelling_variants.yml`` states them, with re's own templates."""
    import re

    from kordon.screening.names import _LITERALS

    for pattern, repl, *only_if in load_yaml("spelling_variants.yml")["rules"]:
        if _LITERALS.fullmatch(pattern):
            for literal in pattern.split("|"):
                token = token.replace(literal, repl)
        elif not only_if or re.search(only_if[0], token):
            token = re.sub(pattern, repl, token)
    return token


@settings(max_examples=2000)
@given(st.text(alphabet=_KEY_ALPHABET, min_size=1, max_size=14))
def test_compiled_spelling_rules_apply_the_data_file(token):
    from kordon.screening import names

    assert names._rules()(token) == _rules_one_by_one(token)
    assert normalise._KEYS[token] == name_key(token)


def _patronymic_positions_by_loop(tokens: list[str]) -> set[int]:
    """patronymic_positions without the three-letter shortcut."""
    from kordon.screening.names import _PATRONYMIC_ENDINGS, _PATRONYMIC_WORDS

    attached, separate = set(), set()
    for i in range(1, len(tokens)):
        if tokens[i] in _PATRONYMIC_WORDS:
            separate |= {i, i - 1} if i > 1 else {i}
        elif len(tokens[i]) > 4 and tokens[i].endswith(_PATRONYMIC_ENDINGS):
            attached.add(i)
    attached -= separate
    if len(attached) > 1:
        attached = {1} if 1 in attached else {max(attached)}
    return attached | separate if len(tokens) >= 3 else set()


def _patronymic_pieces():
    from kordon.screening.names import _PATRONYMIC_ENDINGS, _PATRONYMIC_WORDS

    return st.sampled_from(sorted({*_PATRONYMIC_ENDINGS, *_PATRONYMIC_WORDS, "a", "ch", "na", "vych", "ly"}))


@settings(max_examples=1000)
@given(st.lists(st.builds(lambda stem, end: stem + end, st.text(alphabet="aeiklmnorstvy", max_size=5), _patronymic_pieces())
                | _WORD, min_size=1, max_size=6))
def test_patronymic_positions_agree_with_the_plain_loop(tokens):
    from kordon.screening.names import patronymic_positions

    assert patronymic_positions(tokens) == _patronymic_positions_by_loop(tokens)


@settings(max_examples=1000)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_ascii_names_split_like_the_token_regex(text):
    """Names of letters, digits and spaces are split without regexes: tokens, punctuation and
    script are still those the regexes give (aircraft: nothing is stripped from their names)."""
    import re

    cleaned = strip_invisible(text)[0].lower().replace("'", "").replace("`", "")
    try:
        form = normalise_name(text, "aircraft")
    except EmptyName:
        assert not re.findall("[a-z0-9]+", cleaned)
        return
    assert form.tokens == tuple(re.findall("[a-z0-9]+", cleaned))
    assert form.script == ("Latin" if re.search("[a-z]", cleaned) else "Unknown")
    punctuation = "".join(dict.fromkeys(re.findall(r"[^a-z0-9\s]", cleaned)))
    assert [part for part, why in form.removed if why == "punctuation"] == ([punctuation] if punctuation else [])
