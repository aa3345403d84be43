"""Synthetic listed entities for the scale benchmark: a million persons and companies in seconds.

Faker is far too slow to call a million times, so it is used once to fill small
pools of name parts per locale (first names, patronymics, family names, company
words); numpy then draws random combinations from the pools, and a plain loop
assembles kordon :class:`~kordon.model.Entity` objects from them.

Locales: Russian (ru_RU), Ukrainian (uk_UA), Kazakh (hand-written pool: Faker
has no kk_KZ), English (en_US, en_GB) and Arabic (ar_SA, ar_AA, plus a
hand-written bilingual pool that gives Arabic names their usual Latin forms).
Faker has no Belarusian locale. Names in Cyrillic get a BGN/PCGN Latin alias,
as most lists print them; Arabic names from the bilingual pool a Latin alias.
Each entity carries 1-4 names, a date of birth or incorporation, and a country.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from variants import romanise  # noqa: E402

from kordon.model import CountryRef, CountryRole, DateKind, Entity, EntityDate, EntityType, Name, NameKind  # noqa: E402

# Faker has no kk_KZ: a hand-written pool of common Kazakh names (Kazakh Cyrillic).
KAZAKH_MALE = ("Айдар Асқар Ерлан Нұрлан Бауыржан Дәурен Ержан Қайрат Марат Серік Талғат Жандос Әлихан Ғалым Мұхтар "
               "Нұрсұлтан Болат Арман Дәулет Ерболат Қанат Санжар Төлеген Ұлан Асылбек Бекзат Ділмұрат Жасұлан "
               "Мағжан Өмірзақ Абай Тимур Ринат Елдос Азамат").split()
KAZAKH_FEMALE = ("Айгүл Әсел Гүлнар Дана Жанар Қарлығаш Мәдина Назерке Ақмарал Салтанат Айжан Гүлмира Динара Жұлдыз "
                 "Әйгерім Балжан Сәуле Ұлжан Меруерт Аружан").split()
KAZAKH_LAST = ("Әбілов Нұрбаев Жұмабаев Қасымов Серікбаев Тоқаев Сәтбаев Омаров Бекмұхамбетов Әлімжанов Ысқақов "
               "Жақыпов Құдайбергенов Мұқанов Байтұрсынов Ерғалиев Төлеуов Сұлтанбеков Оспанов Шәріпов Дүйсенов "
               "Қалиев Есенов Ғабдуллин Рахымжанов Тұрсынбаев Өтебаев Бейсенов Жанқожаев Ахметов Исаев Мусин").split()

# Arabic names with their usual Latin forms (Faker's Arabic pools have no Latin forms).
ARABIC_MALE = [
    ("محمد", "Muhammad"), ("أحمد", "Ahmad"), ("علي", "Ali"), ("حسن", "Hassan"), ("حسين", "Hussein"),
    ("عمر", "Omar"), ("خالد", "Khalid"), ("يوسف", "Yusuf"), ("إبراهيم", "Ibrahim"), ("عبد الله", "Abdullah"),
    ("عبد الرحمن", "Abdulrahman"), ("سعيد", "Saeed"), ("محمود", "Mahmoud"), ("مصطفى", "Mustafa"), ("طارق", "Tariq"),
    ("فيصل", "Faisal"), ("ناصر", "Nasser"), ("سلمان", "Salman"), ("فهد", "Fahd"), ("ماجد", "Majid"),
    ("جمال", "Jamal"), ("كريم", "Karim"), ("رشيد", "Rashid"), ("زياد", "Ziad"), ("بشير", "Bashir"),
    ("حمزة", "Hamza"), ("إسماعيل", "Ismail"), ("سليمان", "Sulaiman"), ("عادل", "Adel"), ("نبيل", "Nabil"),
]
ARABIC_FEMALE = [
    ("فاطمة", "Fatima"), ("عائشة", "Aisha"), ("مريم", "Maryam"), ("زينب", "Zainab"), ("خديجة", "Khadija"),
    ("نور", "Nour"), ("ليلى", "Layla"), ("سارة", "Sara"), ("هدى", "Huda"), ("أمينة", "Amina"),
]
ARABIC_FAMILY = [
    ("الرشيد", "Al-Rashid"), ("الحسيني", "Al-Husseini"), ("العتيبي", "Al-Otaibi"), ("القحطاني", "Al-Qahtani"),
    ("الشمري", "Al-Shammari"), ("الدوسري", "Al-Dosari"), ("الزهراني", "Al-Zahrani"), ("الغامدي", "Al-Ghamdi"),
    ("المطيري", "Al-Mutairi"), ("الحربي", "Al-Harbi"), ("السعدي", "Al-Saadi"), ("التميمي", "Al-Tamimi"),
    ("الخطيب", "Al-Khatib"), ("النجار", "Al-Najjar"), ("حداد", "Haddad"), ("منصور", "Mansour"), ("عباس", "Abbas"),
    ("الأنصاري", "Al-Ansari"), ("البغدادي", "Al-Baghdadi"), ("المصري", "Al-Masri"), ("الشامي", "Al-Shami"),
    ("الكردي", "Al-Kurdi"), ("العلي", "Al-Ali"), ("الصالح", "Al-Saleh"), ("الجبوري", "Al-Jubouri"),
    ("الدليمي", "Al-Dulaimi"), ("العبيدي", "Al-Obaidi"), ("الهاشمي", "Al-Hashimi"), ("الكبيسي", "Al-Kubaisi"),
    ("اليمني", "Al-Yamani"),
]


@dataclass
class Pool:
    """Name parts of one locale, each as (native form, Latin form or None)."""

    locale: str
    lang: str
    script: str  # ISO 15924 of the native forms
    countries: tuple[str, ...]
    male: list[tuple[str, str | None]]
    female: list[tuple[str, str | None]]
    last_male: list[tuple[str, str | None]]
    last_female: list[tuple[str, str | None]]
    middle_male: list[tuple[str, str | None]] = field(default_factory=list)  # patronymics
    middle_female: list[tuple[str, str | None]] = field(default_factory=list)
    words: list[tuple[str, str | None]] = field(default_factory=list)  # for company names
    legal_prefix: list[tuple[str, str | None]] = field(default_factory=list)  # ООО «...»
    legal_suffix: list[tuple[str, str | None]] = field(default_factory=list)  # ... LLC
    family_first: bool = False  # listed as Family Given Patronymic


def _faker_parts(locale: str, method: str, n: int, seed: int) -> list[str]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    fn = getattr(fake, method)
    return sorted({fn() for _ in range(n)})


def _cyr(values: list[str]) -> list[tuple[str, str | None]]:
    return [(v, romanise(v, "bgn")) for v in values]


def _latin(values: list[str]) -> list[tuple[str, str | None]]:
    return [(v, None) for v in values]


def build_pools(seed: int = 0, size: int = 1500) -> list[tuple[Pool, float]]:
    """The locale pools with the share of entities drawn from each."""
    def fk(locale: str, method: str, n: int = size) -> list[str]:
        return _faker_parts(locale, method, n, seed)

    def words(locale: str) -> list[str]:
        return [w for w in fk(locale, "word", 3000) if len(w) >= 5 and " " not in w]

    ru_words = [w.capitalize() for w in words("ru_RU")]
    uk_words = [w.capitalize() for w in words("uk_UA")]
    en_words = [w.capitalize() for w in words("en_US")]
    ar_words = words("ar_AA")
    ru = Pool("ru_RU", "ru", "Cyrl", ("ru",),
              _cyr(fk("ru_RU", "first_name_male")), _cyr(fk("ru_RU", "first_name_female")),
              _cyr(fk("ru_RU", "last_name_male")), _cyr(fk("ru_RU", "last_name_female")),
              _cyr(fk("ru_RU", "middle_name_male")), _cyr(fk("ru_RU", "middle_name_female")),
              _cyr(ru_words + fk("ru_RU", "last_name_male", 300)),
              legal_prefix=_cyr(["ООО", "АО", "ПАО", "ЗАО", "ОАО"]), family_first=True)
    uk = Pool("uk_UA", "uk", "Cyrl", ("ua",),
              _cyr(fk("uk_UA", "first_name_male")), _cyr(fk("uk_UA", "first_name_female")),
              _cyr(fk("uk_UA", "last_name_male")), _cyr(fk("uk_UA", "last_name_female")),
              _cyr(fk("uk_UA", "middle_name_male")), _cyr(fk("uk_UA", "middle_name_female")),
              _cyr(uk_words + fk("uk_UA", "last_name_male", 300)),
              legal_prefix=_cyr(["ТОВ", "ПАТ", "ПрАТ", "АТ"]))
    kk_fathers = KAZAKH_MALE
    kk = Pool("kk_KZ (hand-written)", "kk", "Cyrl", ("kz",),
              _cyr(KAZAKH_MALE), _cyr(KAZAKH_FEMALE),
              _cyr(KAZAKH_LAST), _cyr([n + "а" for n in KAZAKH_LAST]),
              _cyr([f + "ұлы" for f in kk_fathers]), _cyr([f + "қызы" for f in kk_fathers]),
              _cyr(KAZAKH_LAST + [w for w in ru_words[:300]]),
              legal_prefix=_cyr(["ТОО", "АО", "ЖШС"]), family_first=True)
    en_us = Pool("en_US", "en", "Latn", ("us",),
                 _latin(fk("en_US", "first_name_male")), _latin(fk("en_US", "first_name_female")),
                 _latin(fk("en_US", "last_name")), _latin(fk("en_US", "last_name")),
                 words=_latin(en_words + fk("en_US", "last_name", 500)),
                 legal_suffix=_latin(["LLC", "Inc.", "Corp.", "Holdings", "Trading Co."]))
    en_gb = Pool("en_GB", "en", "Latn", ("gb",),
                 _latin(fk("en_GB", "first_name_male")), _latin(fk("en_GB", "first_name_female")),
                 _latin(fk("en_GB", "last_name")), _latin(fk("en_GB", "last_name")),
                 words=_latin(en_words + fk("en_GB", "last_name", 500)),
                 legal_suffix=_latin(["Ltd", "Limited", "PLC", "LLP", "Group Ltd"]))
    ar_faker = Pool("ar_SA+ar_AA", "ar", "Arab", ("sa", "ae", "iq", "sy", "ye", "lb"),
                    _latin(fk("ar_SA", "first_name_male")), _latin(fk("ar_SA", "first_name_female")),
                    _latin(fk("ar_SA", "last_name") + fk("ar_AA", "last_name")),
                    _latin(fk("ar_SA", "last_name") + fk("ar_AA", "last_name")),
                    words=_latin(ar_words), legal_prefix=_latin(["شركة", "مؤسسة", "مجموعة"]))
    ar_bilingual = Pool("ar (hand-written, with Latin forms)", "ar", "Arab", ("sa", "ae", "iq", "sy", "ye", "eg"),
                        ARABIC_MALE, ARABIC_FEMALE, ARABIC_FAMILY, ARABIC_FAMILY,
                        [(f"بن {a}", f"bin {b}") for a, b in ARABIC_MALE],
                        [(f"بنت {a}", f"bint {b}") for a, b in ARABIC_MALE],
                        words=ARABIC_FAMILY + [(a, None) for a in ar_words[:300]],
                        legal_prefix=[("شركة", "Sharikat"), ("مجموعة", "Majmouat")])
    return [(ru, 0.28), (uk, 0.10), (kk, 0.10), (en_us, 0.16), (en_gb, 0.10), (ar_faker, 0.12), (ar_bilingual, 0.14)]


def _join(parts: list[str | None]) -> str | None:
    if any(p is None for p in parts):
        return None
    return " ".join(parts)  # type: ignore[arg-type]


def generate(n: int, seed: int = 0, pools: list[tuple[Pool, float]] | None = None) -> Iterator[Entity]:
    """``n`` synthetic entities (60 % persons), deterministic for ``seed``."""
    pools = pools or build_pools(seed)
    rng = np.random.default_rng(seed)
    weights = np.array([w for _, w in pools])
    which = rng.choice(len(pools), size=n, p=weights / weights.sum()).tolist()
    is_person = (rng.random(n) < 0.6).tolist()
    female = (rng.random(n) < 0.35).tolist()
    # One column of random integers per name part; taken modulo the pool size.
    r = rng.integers(0, 1 << 30, size=(n, 6)).tolist()
    extra = rng.random((n, 3)).tolist()
    years = rng.integers(1940, 2005, size=n).tolist()
    days = rng.integers(0, 365, size=n).tolist()
    for i in range(n):
        pool = pools[which[i]][0]
        ri, ex = r[i], extra[i]
        if is_person[i]:
            names = _person_names(pool, female[i], ri, ex)
            etype = EntityType.PERSON
            date = EntityDate(DateKind.BIRTH, value=_iso(years[i], days[i]))
            role = CountryRole.NATIONALITY
        else:
            names = _company_names(pool, ri, ex)
            etype = EntityType.COMPANY
            date = EntityDate(DateKind.INCORPORATION, value=str(years[i] + 15))
            role = CountryRole.JURISDICTION
        country = pool.countries[ri[5] % len(pool.countries)]
        yield Entity(id=f"synthetic-{i}", type=etype, source="synthetic", source_id=str(i), names=names,
                     dates=[date], countries=[CountryRef(country, role)])


def _iso(year: int, day: int) -> str:
    month, dom = divmod(day, 31)
    return f"{year:04d}-{month % 12 + 1:02d}-{min(dom + 1, 28):02d}"


def _pick(values: list[tuple[str, str | None]], k: int) -> tuple[str, str | None]:
    return values[k % len(values)]


def _person_names(pool: Pool, female: bool, r: list[int], ex: list[float]) -> list[Name]:
    first = _pick(pool.female if female else pool.male, r[0])
    last = _pick(pool.last_female if female else pool.last_male, r[1])
    middles = pool.middle_female if female else pool.middle_male
    middle = _pick(middles, r[2]) if middles else None
    parts = [first] + ([middle] if middle else []) + [last]
    order = [last, first] + ([middle] if middle else []) if pool.family_first else parts
    native = " ".join(p[0] for p in order)
    names = [Name(native, NameKind.PRIMARY, lang=pool.lang, script=pool.script, first_name=first[0],
                  last_name=last[0], patronymic=middle[0] if middle else None)]
    latin = _join([p[1] for p in order]) if pool.script != "Latn" else None
    if latin:
        names.append(Name(latin, NameKind.ALIAS, lang=pool.lang, script="Latn"))
    if ex[0] < 0.3:  # a second alias: "Family, Given" without the middle name
        src = latin or (native if pool.script == "Latn" else None)
        if src:
            given = (first[1] if latin else first[0]) or first[0]
            family = (last[1] if latin else last[0]) or last[0]
            names.append(Name(f"{family}, {given}", NameKind.ALIAS))
    if ex[1] < 0.1:  # a weak alias: a nickname
        nick = _pick(pool.male if not female else pool.female, r[3])
        names.append(Name(nick[1] or nick[0], NameKind.WEAK))
    return names


def _company_names(pool: Pool, r: list[int], ex: list[float]) -> list[Name]:
    w1, w2 = _pick(pool.words, r[0]), _pick(pool.words, r[1])
    core = [w1, w2] if ex[0] < 0.6 else [w1]
    if pool.legal_prefix:
        lf = _pick(pool.legal_prefix, r[2])
        native = f"{lf[0]} «{' '.join(w[0] for w in core)}»"
        latin_core = _join([w[1] for w in core])
        latin = f"{lf[1]} {latin_core}" if latin_core and lf[1] else None
    else:
        lf = _pick(pool.legal_suffix, r[2])
        native = " ".join(w[0] for w in core) + " " + lf[0]
        latin = None
    names = [Name(native, NameKind.PRIMARY, lang=pool.lang, script=pool.script)]
    if latin:
        names.append(Name(latin, NameKind.ALIAS, script="Latn"))
    if ex[1] < 0.15:  # a former name
        names.append(Name(" ".join(w[1] or w[0] for w in core) + " Group", NameKind.FORMER))
    return names


if __name__ == "__main__":  # python bench/synthetic.py 10 -> print a few
    import time

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    t0 = time.perf_counter()
    pools = build_pools()
    t1 = time.perf_counter()
    ents = list(generate(count, pools=pools))
    t2 = time.perf_counter()
    for e in ents[:12]:
        print(e.type.value, [f"{n.kind.value}:{n.value}" for n in e.names], e.dates[0].value, e.countries[0].code)
    print(f"pools {t1 - t0:.1f}s, {count:,} entities {t2 - t1:.1f}s")
