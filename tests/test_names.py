"""Names as Vietnamese finance officers write them, resolved against the catalogue.

Officers write "CTMTQG Giảm nghèo bền vững", "DTTS&MN", "TDA 3", "Dự án 5.3",
"Hợp phần thứ nhất", "Nội dung thành phần 04", titles without accents or with
a word changed. Each class of spelling below is read to the item it names, and
what cannot be read is refused with the closest items and the lines that teach it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.names import NameProblem, Names

DTTS_TDA3_WORDS = ("Phát triển giáo dục nghề nghiệp và giải quyết việc làm cho người lao động "
                   "vùng dân tộc thiểu số và miền núi")
MERGED_TITLE = ("Chương trình mục tiêu quốc gia xây dựng nông thôn mới, giảm nghèo bền vững và "
                "phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai "
                "đoạn 2026 - 2035")
TP04 = ("MTQG2635", "HP1", "TP04")
ELSEWHERE = "chỉ tới các mục khác nhau"
SEVERAL = "khớp nhiều mục"
NOTHING = "không có mục nào trong danh mục khớp"


@pytest.fixture
def names() -> Names:
    return load_catalogue().names


def refusal(call, *args) -> tuple[str, list[str], list[str]]:
    """The message of a refused name, the refs it lists as closest, and its last three lines."""
    with pytest.raises(NameProblem) as caught:
        call(*args)
    message = str(caught.value)
    lines = message.splitlines()
    listed = [line.strip().split(" ", 1)[0] for line in lines if line.startswith("  ")]
    assert [node.ref for node in caught.value.candidates] == listed
    return message, listed, lines[-3:]


def teaching_block(message: str) -> str:
    """The [[spellings]] lines a refusal prints, as the officer copies them."""
    return message[message.index("[[spellings]]"):] + "\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- programmes ---------------------------------------------------------------------------

OLD_PROGRAMMES = [
    ("GNBV", "GNBV", "code"),
    ("CTMTQG Giảm nghèo bền vững", "GNBV", "title"),
    ("CT MTQG giảm nghèo bền vững", "GNBV", "title"),
    ("Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025", "GNBV", "title"),
    ("Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025", "GNBV", "title"),
    ("CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG", "GNBV", "title"),
    ("chuong trinh mtqg giam ngheo ben vung", "GNBV", "title"),
    ("CTMTQG GNBV", "GNBV", "title"),
    ("Chương trình giảm nghèo", "GNBV", "title"),  # an alias the catalogue lists
    ("Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào DTTS và miền núi", "DTTS",
     "title"),
    ("Chương trình MTQG phát triển KT-XH vùng đồng bào DTTS và MN giai đoạn 2021-2025", "DTTS",
     "title"),
    ("CTMTQG phát triển KTXH vùng ĐBDTTS&MN", "DTTS", "words"),
    ("DTTS và miền núi", "DTTS", "words"),
    ("DTTS&MN", "DTTS", "words"),
    ("CTMTQG DTTS&MN", "DTTS", "words"),
    ("CT MTQG DTTS và MN", "DTTS", "words"),
    ("KT-XH vùng ĐBDTTS và MN", "DTTS", "words"),
    ("Chương trình 1719", "DTTS", "title"),  # an alias the catalogue lists
    ("MTQG 1719", "DTTS", "title"),  # an alias the catalogue lists
    ("Chương trình MTQG 1719", "DTTS", "title"),  # an alias the catalogue lists
    ("NTM", "NTM", "code"),
    ("Chương trình MTQG xây dựng nông thôn mới", "NTM", "title"),
    ("CTMTQG xây dựng NTM", "NTM", "title"),
    ("Chương trình nông thôn mới", "NTM", "title"),  # an alias the catalogue lists
]


@pytest.mark.parametrize("plan_year", [None, 2025])
@pytest.mark.parametrize("text, code, how", OLD_PROGRAMMES)
def test_old_programmes_by_abbreviation_and_title(names, text, code, how, plan_year) -> None:
    match = names.program(text, plan_year)
    assert (match.node.path, match.how, match.written) == ((code,), how, text)
    assert match.approximate == (how == "words")


@pytest.mark.parametrize("plan_year", [None, 2026])
@pytest.mark.parametrize("text", [
    MERGED_TITLE,
    MERGED_TITLE.replace("quốc gia xây dựng", "quốc gia về xây dựng"),
    "CTMTQG xây dựng NTM, GNBV và phát triển KT-XH vùng đồng bào DTTS và MN giai đoạn 2026-2035",
    "Chương trình MTQG 2026-2035",
    "Chương trình hợp nhất",
    "MTQG2635",
    "CTMTQG giai đoạn 2026-2035",
])
def test_the_merged_programme_by_title_or_abbreviation(names, text, plan_year) -> None:
    assert names.program(text, plan_year).node.path == ("MTQG2635",)


@pytest.mark.parametrize("text, plan_year, code", [
    ("Chương trình 1719", 2026, "DTTS"),
    ("MTQG 1719", 2026, "DTTS"),
    ("Chương trình MTQG 2026-2035", 2025, "MTQG2635"),
    ("xây dựng NTM", 2025, "NTM"),
    ("giảm nghèo", 2025, "GNBV"),
])
def test_a_name_of_one_programme_only_ignores_the_plan_year(names, text, plan_year, code) -> None:
    assert names.program(text, plan_year).node.path == (code,)


@pytest.mark.parametrize("text, plan_year, code", [
    ("Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025", 2026, "GNBV"),
    ("Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021-2025", 2026, "NTM"),
    ("Chương trình MTQG phát triển KT-XH vùng đồng bào DTTS và MN giai đoạn 2021-2025", 2026,
     "DTTS"),
    (MERGED_TITLE, 2025, "MTQG2635"),
])
def test_the_period_written_in_the_name_wins(names, text, plan_year, code) -> None:
    assert names.program(text, plan_year).node.path == (code,)


@pytest.mark.parametrize("text, code", [
    ("Chương trình MTQG giảm nghèo bền vững", "GNBV"),
    ("Chương trình MTQG xây dựng nông thôn mới", "NTM"),
    ("Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi",
     "DTTS"),
])
def test_an_old_programmes_full_title_in_2026(names, text, code) -> None:
    match = names.program(text, 2026)
    assert (match.node.path, match.how) == ((code,), "title")


# --- numbers first ------------------------------------------------------------------------

@pytest.mark.parametrize("parent, text, path, how", [
    (("DTTS", "DA5"), "Tiểu dự án 3", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "TDA 3", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "Tiểu dự án số 3", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "Tiểu dự án 03", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "TIỂU DỰ ÁN 3:", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "tieu du an 3", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "Tiểu dự án III", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "Tiểu dự án thứ ba", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "Tiểu dự án 3 - Dự án 5", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "Tiểu dự án 3 (Dự án 5)", "DTTS/DA5/TDA3", "number"),
    (("DTTS", "DA5"), "TDA3", "DTTS/DA5/TDA3", "code"),
    (("DTTS", "DA5"), "TDA03", "DTTS/DA5/TDA3", "code"),
    (("DTTS",), "Dự án 5.3", "DTTS/DA5/TDA3", "number"),
    (("DTTS",), "Dự án 5 - Tiểu dự án 3", "DTTS/DA5/TDA3", "number"),
    (("DTTS",), "Dự án 5, tiểu dự án 3", "DTTS/DA5/TDA3", "number"),
    (("DTTS",), "TDA.3 - DA.5", "DTTS/DA5/TDA3", "number"),
    (("DTTS",), "Dự án 5", "DTTS/DA5", "number"),
    (("GNBV",), "Dự án 4.2", "GNBV/DA4/TDA2", "number"),
    (("GNBV",), "Dự án 4.3", "GNBV/DA4/TDA3", "number"),
    (("GNBV",), "DA4", "GNBV/DA4", "code"),
    (("NTM",), "Nội dung thành phần 04", "NTM/ND04", "number"),
    (("NTM",), "NDTP 11", "NTM/ND11", "number"),
])
def test_numbers_first_within_a_parent(names, parent, text, path, how) -> None:
    match = names.item(text, parent)
    assert (match.node.ref, match.how, match.approximate) == (path, how, False)


@pytest.mark.parametrize("parent, text, path", [
    (("MTQG2635",), "Hợp phần thứ nhất", "MTQG2635/HP1"),
    (("MTQG2635",), "HỢP PHẦN THỨ NHẤT", "MTQG2635/HP1"),
    (("MTQG2635",), "Hợp phần 1", "MTQG2635/HP1"),
    (("MTQG2635",), "Hợp phần I", "MTQG2635/HP1"),
    (("MTQG2635",), "HP 1", "MTQG2635/HP1"),
    (("MTQG2635",), "Hợp phần thứ hai", "MTQG2635/HP2"),
    (("MTQG2635",), "Hợp phần II", "MTQG2635/HP2"),
    (("MTQG2635",), "Hợp phần số 2", "MTQG2635/HP2"),
    (("MTQG2635",), "Hợp phần thứ hai - Nội dung thành phần 04", "MTQG2635/HP2/TP04"),
    (("MTQG2635",), "HP2 NDTP3", "MTQG2635/HP2/TP03"),
    (("MTQG2635", "HP1"), "Nội dung thành phần 4", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "Nội dung thành phần 04", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "Nội dung thành phần số 4", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "Nội dung thành phần thứ tư", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "Nội dung thành phần IV", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "NDTP 4", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "NDTP04", "MTQG2635/HP1/TP04"),
    (("MTQG2635", "HP1"), "Nội dung thành phần 10", "MTQG2635/HP1/TP10"),
    (("MTQG2635", "HP2"), "Nội dung thành phần 01", "MTQG2635/HP2/TP01"),
])
def test_numbers_of_the_merged_programme(names, parent, text, path) -> None:
    match = names.item(text, parent)
    assert (match.node.ref, match.how) == (path, "number")


# --- words --------------------------------------------------------------------------------

@pytest.mark.parametrize("parent, text, path", [
    (("DTTS", "DA5"), "Tiểu dự án 3: Dự án phát triển giáo dục nghề nghiệp và giải quyết việc "
     "làm cho người lao động vùng dân tộc thiểu số và miền núi", "DTTS/DA5/TDA3"),
    (("DTTS", "DA5"), "TDA3 - Phát triển GDNN và giải quyết việc làm cho người lao động vùng "
     "DTTS và MN", "DTTS/DA5/TDA3"),
    (("DTTS", "DA5"), "Tiểu dự án 3. Phát triển giáo dục nghề nghiệp, giải quyết việc làm cho "
     "người lao động vùng DTTS&MN", "DTTS/DA5/TDA3"),
    (("DTTS",), "Dự án 5 Tiểu dự án 3 phát triển giáo dục nghề nghiệp", "DTTS/DA5/TDA3"),
    (("GNBV", "DA4"), "Tiểu dự án 1: Phát triển GDNN vùng nghèo, vùng khó khăn",
     "GNBV/DA4/TDA1"),
    (("GNBV", "DA4"), "Tiểu dự án 1. Phát triển giáo dục nghề nghiệp vùng nghèo và vùng khó "
     "khăn", "GNBV/DA4/TDA1"),
    (("GNBV", "DA4"), "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp "
     "đồng (NSTW)", "GNBV/DA4/TDA2"),
    (("MTQG2635", "HP1"), "Nội dung thành phần 4: Phát triển nguồn nhân lực, hỗ trợ tạo việc "
     "làm bền vững", "MTQG2635/HP1/TP04"),
    (("NTM",), "Nội dung thành phần 04: Giảm nghèo bền vững", "NTM/ND04"),
])
def test_a_number_confirmed_by_words_close_to_the_catalogues(names, parent, text, path) -> None:
    match = names.item(text, parent)
    assert (match.node.ref, match.how, match.approximate) == (path, "number+words", True)
    assert match.written == text  # the importer keeps the title as written


@pytest.mark.parametrize("parent, text, path", [
    (("DTTS", "DA5"), "Tieu du an 3: Phat trien giao duc nghe nghiep va giai quyet viec lam cho "
     "nguoi lao dong vung dan toc thieu so va mien nui", "DTTS/DA5/TDA3"),
    (("DTTS", "DA5"), f"TIỂU DỰ ÁN 3 - {DTTS_TDA3_WORDS.upper()}.", "DTTS/DA5/TDA3"),
    (("GNBV", "DA4"), "TIỂU DỰ ÁN 2: HỖ TRỢ NGƯỜI LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI THEO HỢP "
     "ĐỒNG", "GNBV/DA4/TDA2"),
    (("GNBV", "DA4"), "Tieu du an 2 - Ho tro nguoi lao dong di lam viec o nuoc ngoai theo hop "
     "dong", "GNBV/DA4/TDA2"),
    (("GNBV", "DA4"), "Tiểu dự án 3: Hỗ trợ việc làm bền vững.", "GNBV/DA4/TDA3"),
    (("GNBV",), "Dự án 4 - Tiểu dự án 3: Hỗ trợ việc làm bền vững", "GNBV/DA4/TDA3"),
    (("DTTS",), DTTS_TDA3_WORDS, "DTTS/DA5/TDA3"),
    (("GNBV",), "Hỗ trợ việc làm bền vững", "GNBV/DA4/TDA3"),
    (("GNBV",), "cải thiện dinh dưỡng", "GNBV/DA3/TDA2"),
])
def test_the_catalogues_words_without_accents_case_or_punctuation(names, parent, text,
                                                                    path) -> None:
    match = names.item(text, parent)
    assert (match.node.ref, match.how, match.approximate) == (path, "title", False)


def test_words_alone_close_to_one_title(names) -> None:
    match = names.item("hỗ trợ nhà ở cho hộ nghèo", ("GNBV",))
    assert (match.node.ref, match.how, match.approximate) == ("GNBV/DA5", "words", True)


# --- refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize("parent, text, closest", [
    (("DTTS", "DA5"), f"Tiểu dự án 1: {DTTS_TDA3_WORDS}", ["DTTS/DA5/TDA3", "DTTS/DA5/TDA1"]),
    (("GNBV", "DA4"), "Tiểu dự án 2: Hỗ trợ việc làm bền vững", ["GNBV/DA4/TDA3",
                                                                 "GNBV/DA4/TDA2"]),
    (("GNBV", "DA4"), "Tiểu dự án 3: Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn",
     ["GNBV/DA4/TDA1", "GNBV/DA4/TDA3"]),
    (("GNBV",), "Dự án 4 - Tiểu dự án 1: Hỗ trợ việc làm bền vững", ["GNBV/DA4/TDA3",
                                                                      "GNBV/DA4/TDA1"]),
])
def test_words_of_another_item_are_refused(names, parent, text, closest) -> None:
    message, listed, teach = refusal(names.item, text, parent)
    assert ELSEWHERE in message and "the number and the words point to different items" in message
    assert listed[:2] == closest  # where the words point first, then where the number points
    assert teach == ["[[spellings]]", f'text = "{text}"', f'item = "{closest[0]}"']


@pytest.mark.parametrize("parent, text, closest", [
    (("DTTS",), "Tiểu dự án 3", ["DTTS/DA5/TDA3", "DTTS/DA10/TDA3"]),
    (("DTTS",), "TDA3", ["DTTS/DA5/TDA3", "DTTS/DA10/TDA3"]),
    (("MTQG2635",), "Nội dung thành phần 4", ["MTQG2635/HP1/TP04", "MTQG2635/HP2/TP04"]),
    (("GNBV",), "Hỗ trợ phát triển sản xuất", ["GNBV/DA3", "GNBV/DA3/TDA1"]),
])
def test_ambiguous_names_are_refused(names, parent, text, closest) -> None:
    message, listed, teach = refusal(names.item, text, parent)
    assert SEVERAL in message and "ambiguous" in message
    assert listed == closest
    assert teach == ["[[spellings]]", f'text = "{text}"', f'item = "{closest[0]}"']


@pytest.mark.parametrize("parent, text, first", [
    (("DTTS", "DA5"), "Tiểu dự án 9: Hỗ trợ mua sắm trang thiết bị", None),
    (("DTTS", "DA5"), "Tiểu dự án 3: Hỗ trợ xây dựng cầu treo dân sinh", "DTTS/DA5/TDA3"),
    (("GNBV", "DA4"), "Tiểu dự án 4: Hỗ trợ việc làm bền vững", "GNBV/DA4/TDA3"),
    (("MTQG2635",), "Hợp phần 3", None),
    (("MTQG2635", "HP2"), "Nội dung thành phần 6", None),
])
def test_a_number_that_does_not_exist_or_words_that_fit_nothing(names, parent, text,
                                                                 first) -> None:
    """Refused; where the number or the words point somewhere, that item is listed first."""
    message, listed, teach = refusal(names.item, text, parent)
    assert NOTHING in message and listed and listed[0] == (first or listed[0])
    assert all(ref.startswith("/".join(parent) + "/") for ref in listed)
    assert teach[0] == "[[spellings]]" and teach[1] == f'text = "{text}"'


@pytest.mark.parametrize("parent, text, path", [
    (("DTTS", "DA5"), f"Tiểu dự án 1: {DTTS_TDA3_WORDS}", ("DTTS", "DA5", "TDA3")),
    (("DTTS", "DA5"), 'Tiểu dự án 1: Dự án "Phát triển giáo dục nghề nghiệp và giải quyết việc '
     'làm cho người lao động vùng DTTS và MN"', ("DTTS", "DA5", "TDA3")),
    (("DTTS",), "Tiểu dự án 3", ("DTTS", "DA5", "TDA3")),
    (("GNBV", "DA4"), "Tiểu dự án 2: Hỗ trợ việc làm bền vững", ("GNBV", "DA4", "TDA3")),
    ((), "NTM nâng cao", ("NTM",)),
])
def test_a_refused_name_taught_once_is_read(names, tmp_path, parent, text, path) -> None:
    resolve = (lambda words: names.item(words, parent)) if parent else names.program
    message, _, _ = refusal(resolve, text)
    block = teaching_block(message)
    assert tomllib.loads(block)["spellings"] == [{"text": text, "item": "/".join(path)}]
    taught = load_catalogue([write(tmp_path, block)]).names
    for written in (text, text.upper(), f"  {text}  "):
        match = taught.item(written, parent) if parent else taught.program(written)
        assert (match.node.path, match.how, match.approximate) == (path, "spelling", False)


def test_a_taught_spelling_stays_below_its_item(names, tmp_path) -> None:
    text = f"Tiểu dự án 1: {DTTS_TDA3_WORDS}"
    message, _, _ = refusal(names.item, text, ("DTTS", "DA5"))
    taught = load_catalogue([write(tmp_path, teaching_block(message))]).names
    assert taught.item(text, ("DTTS",)).node.ref == "DTTS/DA5/TDA3"
    with pytest.raises(NameProblem):
        taught.item(text, ("GNBV", "DA4"))  # the spelling names a DTTS item, not a GNBV one


# --- the open level: "Nội dung NN" of the 2026-2035 programme -----------------------------

@pytest.mark.parametrize("parent, text, code", [
    (TP04, "Nội dung 07: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng", "ND07"),
    (TP04, "Nội dung 7: Hỗ trợ đào tạo nghề cho lao động nông thôn", "ND07"),
    (TP04, "NỘI DUNG 01: HỖ TRỢ ĐÀO TẠO NGHỀ CHO LAO ĐỘNG NÔNG THÔN", "ND01"),
    (TP04, "Noi dung 03: Ho tro ket noi cung - cau lao dong", "ND03"),
    (TP04, "ND 03: Hỗ trợ kết nối cung - cầu lao động và việc làm", "ND03"),
    (TP04, "Nội dung số 12 - Hỗ trợ thông tin thị trường lao động", "ND12"),
    (TP04, "Nội dung thứ hai: Hỗ trợ tư vấn, giới thiệu việc làm", "ND02"),
    (("MTQG2635", "HP2", "TP01"), "Nội dung 01: Đầu tư đường giao thông nông thôn đến trung tâm "
     "xã", "ND01"),
    (("MTQG2635", "HP1", "TP10"), "Nội dung 14: Truyền thông về xây dựng nông thôn mới", "ND14"),
])
def test_an_unlisted_item_of_the_open_level_is_new(names, parent, text, code) -> None:
    match = names.item(f"  {text} ", parent)
    assert (match.node.path, match.how, match.approximate) == ((*parent, code), "new", False)
    assert match.node.title_vi == text  # the title as written, outer spaces dropped
    assert match.node.capitals == load_catalogue().node(parent).capitals


@pytest.mark.parametrize("parent, text", [
    (("GNBV", "DA4"), "Nội dung 07: Hỗ trợ người lao động đi làm việc ở nước ngoài"),
    (("DTTS", "DA5"), "Nội dung 07: Hỗ trợ đào tạo nghề"),
    (("MTQG2635", "HP1"), "Nội dung 07: Hỗ trợ đào tạo nghề"),  # below a hợp phần: one too high
    (("MTQG2635",), "Nội dung 01"),
    (("DTTS", "DA5"), "Tiểu dự án 5: Hỗ trợ học nghề cho thanh niên"),  # TDA: not an open level
    (("MTQG2635", "HP1"), "Nội dung thành phần 11: Phát triển du lịch nông thôn"),
    (("NTM",), "Nội dung 01: Quy hoạch xây dựng nông thôn mới"),
])
def test_a_new_number_outside_an_open_level_is_refused(names, parent, text) -> None:
    message, listed, teach = refusal(names.item, text, parent)
    assert NOTHING in message and listed
    assert teach[:2] == ["[[spellings]]", f'text = "{text}"']


def test_an_open_item_once_listed_is_found_by_number_and_title(tmp_path) -> None:
    imported = write(tmp_path, """
[[programs]]
code = "MTQG2635"
  [[programs.projects]]
  code = "HP1"
    [[programs.projects.subprojects]]
    code = "TP04"
      [[programs.projects.subprojects.contents]]
      code = "ND01"
      title_vi = "Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn"
""")
    names = load_catalogue([imported]).names
    same = names.item("Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn", TP04)
    assert (same.node.ref, same.how) == ("MTQG2635/HP1/TP04/ND01", "title")
    assert names.item("Nội dung 01", TP04).how == "number"
    assert names.item("ND01", TP04).how == "code"
    other = names.item("Nội dung 03: Hỗ trợ kết nối việc làm", TP04)
    assert (other.node.ref, other.how) == ("MTQG2635/HP1/TP04/ND03", "new")
