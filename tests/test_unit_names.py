"""Spending units as offices write them: the registry's look-ups (model/units.Units) by code,
by name and by spelling, and the kinds read from a name's first words."""

from __future__ import annotations

import pytest

from mtqgledger.ingest.units import UnitNames
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.units import NO_UNIT, UnitRef, Units

MT = "UBND huyện Mường Tè"
XA_MT = "UBND xã Mường Tè"
PHONG_THO = "Trung tâm GDNN-GDTX huyện Phong Thổ"
SO = "Sở Nông nghiệp và Môi trường"
BQLDA = "Ban Quản lý dự án đầu tư xây dựng tỉnh Lai Châu"
TP = "UBND thành phố Lai Châu"
NOI_VU = "Sở Nội vụ"

REGISTRY = f"""
[[units]]
province = "LaiChau"
name = "{MT}"
code = "1049912"

[[units]]
province = "LaiChau"
name = "{XA_MT}"

[[units]]
province = "LaiChau"
name = "{PHONG_THO}"
code = "1101467"

[[units]]
province = "LaiChau"
name = "{SO}"
code = 1104573

[[units]]
province = "LaiChau"
name = "{BQLDA}"

[[units]]
province = "LaiChau"
name = "{TP}"

[[units]]
province = "LaiChau"
name = "{NOI_VU}"
code = "1120880"

[[units]]
province = "DienBien"
name = "UBND thị xã Mường Lay"

# Two units of one province that differ only in the level word.
[[units]]
province = "DienBien"
name = "Trung tâm GDNN-GDTX huyện Điện Biên"

[[units]]
province = "DienBien"
name = "Trung tâm GDNN-GDTX tỉnh Điện Biên"
"""


def registry(*extra: str) -> Units:
    """The bundled catalogue with the test registry (and more units.toml text) merged in."""
    texts = [("units.toml", REGISTRY), *((f"extra{n}.toml", text)
                                         for n, text in enumerate(extra))]
    return load_catalogue(texts=texts).unit_registry


@pytest.fixture(scope="module")
def units() -> Units:
    return registry()


def found(units: Units, name: str, code: str = "", province: str = "LaiChau") -> str | None:
    unit = units.find(province, name, code)
    return unit.name if unit else None


# --- one unit, many spellings -------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "UBND huyện Mường Tè",
    "UBND H. Mường Tè",
    "UBND H.Mường Tè",
    "Ủy ban nhân dân huyện Mường Tè",
    "Uỷ ban nhân dân huyện Mường Tè",  # the older placement of the tone mark
    "UBND HUYỆN MƯỜNG TÈ",
    "  UBND   huyện  Mường   Tè ",
    "UBND huyen Muong Te",
])
def test_spellings_of_a_district_committee_are_one_unit(units: Units, written: str):
    assert found(units, written) == MT


@pytest.mark.parametrize("written", ["UBND xã Mường Tè", "UBND X. Mường Tè",
                                     "Ủy ban nhân dân xã Mường Tè", "UBND XÃ MƯỜNG TÈ"])
def test_the_commune_of_the_same_name_is_another_unit(units: Units, written: str):
    assert found(units, written) == XA_MT


def test_a_commune_is_not_found_as_the_district_of_its_name():
    only_district = load_catalogue(texts=[("units.toml", (
        f'[[units]]\nprovince = "LaiChau"\nname = "{MT}"\n'))]).unit_registry
    assert only_district.find("LaiChau", XA_MT) is None
    assert only_district.find("LaiChau", "UBND H. Mường Tè").name == MT


@pytest.mark.parametrize("written", [
    "Sở Nông nghiệp và Môi trường",
    "Sở NN&MT",
    "Sở NN & MT",
    "Sở NN và MT",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
])
def test_spellings_of_a_department(units: Units, written: str):
    assert found(units, written) == SO


@pytest.mark.parametrize("written", [
    "Ban QLDA ĐTXD tỉnh Lai Châu",
    "Ban QLDA DTXD tỉnh Lai Châu",  # Đ written D
    "BQL dự án ĐTXD tỉnh Lai Châu",
    "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH LAI CHÂU",
    "Ban QLDA ĐTXD Lai Châu",  # the level word left out
])
def test_spellings_of_a_project_board(units: Units, written: str):
    assert found(units, written) == BQLDA


@pytest.mark.parametrize("written", ["UBND TP Lai Châu", "UBND TP. Lai Châu",
                                     "UBND Thành phố Lai Châu"])
def test_spellings_of_a_city_committee(units: Units, written: str):
    assert found(units, written) == TP


def test_a_town_committee_is_found_in_its_own_province_only(units: Units):
    assert found(units, "UBND TX Mường Lay", province="DienBien") == "UBND thị xã Mường Lay"
    assert found(units, "UBND TX. Mường Lay", province="DienBien") == "UBND thị xã Mường Lay"
    assert found(units, "UBND thị xã Mường Lay") is None  # not a unit of Lai Châu


def test_a_name_the_registry_lacks_is_not_found(units: Units):
    assert found(units, "UBND xã Bum Nưa") is None
    assert found(units, "Mường Tè") is None
    assert found(units, "") is None


# --- codes -------------------------------------------------------------------------------


def test_the_code_wins_over_the_name(units: Units):
    assert found(units, "", "1049912") == MT
    assert found(units, "Huyện Mường Tè", "1049912") == MT
    assert found(units, XA_MT, "1049912") == MT  # the treasury's code names the unit
    assert found(units, "Sở NN&MT", "1104573") == SO  # a code written without quotes


def test_a_name_with_another_units_code_is_not_that_unit(units: Units):
    assert found(units, MT, "9999999") is None


def test_a_code_less_unit_is_found_by_name_whatever_the_code(units: Units):
    assert found(units, "UBND X. Mường Tè", "1050001") == XA_MT


def test_a_code_less_unit_matched_by_name_with_a_code_learns_it(units: Units):
    names = UnitNames(units)
    assert names.name_of("LaiChau", "UBND X. Mường Tè", "1050001") == XA_MT
    text = names.text(REGISTRY)
    assert text.startswith(REGISTRY.rstrip("\n"))  # appended only
    learnt = load_catalogue(texts=[("units.toml", text)]).unit_registry
    assert learnt.find("LaiChau", "", "1050001").name == XA_MT
    assert learnt.find("LaiChau", "Xã Mường Tè (mã mới)", "1050001").name == XA_MT
    assert learnt.ref("LaiChau", "UBND X. Mường Tè") == UnitRef(XA_MT, "1050001")
    (unit,) = [unit for unit in learnt.units if unit.name == XA_MT]
    assert unit.code == "1050001"


def test_a_unit_with_its_code_learns_nothing(units: Units):
    names = UnitNames(units)
    assert names.name_of("LaiChau", "UBND H. Mường Tè", "1049912") == MT
    assert names.name_of("LaiChau", "Sở NN&MT", "") == SO
    assert names.text(REGISTRY) == REGISTRY


def test_refs_key_a_unit_by_the_registrys_name_and_code(units: Units):
    assert units.ref("LaiChau", "UBND H. Mường Tè") == UnitRef(MT, "1049912")
    assert units.ref("LaiChau", "UBND xã Bum Nưa", "1050002") == UnitRef("UBND xã Bum Nưa",
                                                                         "1050002")
    assert units.ref("LaiChau", "") == NO_UNIT


# --- the spelling without the level word ------------------------------------------------------


@pytest.mark.parametrize("written", ["Trung tâm GDNN-GDTX Phong Thổ", "TT GDNN-GDTX Phong Thổ",
                                     "Trung tâm GDNN - GDTX huyện Phong Thổ",
                                     "Trung tâm giáo dục nghề nghiệp - giáo dục thường xuyên "
                                     "Phong Thổ"])
def test_a_unique_loose_spelling_finds_the_unit(units: Units, written: str):
    assert found(units, written) == PHONG_THO


def test_a_loose_spelling_two_units_share_names_neither(units: Units):
    assert found(units, "Trung tâm GDNN-GDTX Điện Biên", province="DienBien") is None
    for name in ("Trung tâm GDNN-GDTX huyện Điện Biên", "Trung tâm GDNN-GDTX tỉnh Điện Biên"):
        assert found(units, name, province="DienBien") == name  # each by its full name
        assert found(units, name.replace("GDNN-GDTX", "GDNN - GDTX"),
                     province="DienBien") == name


# --- aliases taught in units.toml ------------------------------------------------------------


def test_aliases_teach_a_spelling(units: Units):
    # Sở LĐ-TB&XH merged into Sở Nội vụ in 2025; statements still carry the old name.
    assert found(units, "Sở LĐ-TB&XH") is None
    taught = registry(f'[[units]]\nprovince = "LaiChau"\nname = "{NOI_VU}"\n'
                      'aliases = ["Sở LĐ-TB&XH"]\n')
    assert found(taught, "Sở LĐ-TB&XH") == NOI_VU
    assert found(taught, "Sở Lao động - Thương binh và Xã hội") == NOI_VU  # read alike
    assert found(taught, "SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI") == NOI_VU
    (unit,) = [unit for unit in taught.units if unit.name == NOI_VU]
    assert unit.code == "1120880" and unit.aliases == ("Sở LĐ-TB&XH",)  # one unit, merged


def test_an_alias_is_of_its_own_province_only():
    taught = registry('[[units]]\nprovince = "DienBien"\nname = "Sở Nội vụ"\n'
                      'aliases = ["Sở LĐ-TB&XH"]\n')
    assert found(taught, "Sở LĐ-TB&XH", province="DienBien") == "Sở Nội vụ"
    assert found(taught, "Sở LĐ-TB&XH") is None


# --- kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("Sở Tài chính", "so"),
    ("Sở NN&MT", "so"),
    ("SỞ DT&TG", "so"),
    ("Ban Dân tộc tỉnh", "so"),
    ("Ban QLDA ĐTXD tỉnh Lai Châu", "ban-qlda"),
    ("BQL dự án các công trình dân dụng", "ban-qlda"),
    ("Ban Quản lý dự án huyện Sìn Hồ", "ban-qlda"),
    ("UBND xã Bum Nưa", "xa"),
    ("UBND X. Bum Tở", "xa"),
    ("Ủy ban nhân dân phường Tân Phong", "xa"),
    ("UBND P. Đông Phong", "xa"),
    ("Xã Mường Tè", "xa"),
    ("UBND huyện Mường Tè", "huyen"),
    ("UBND H. Sìn Hồ", "huyen"),
    ("UBND TP Lai Châu", "huyen"),
    ("UBND TX Mường Lay", "huyen"),
    ("UBND tỉnh Lai Châu", "tinh"),
    ("Văn phòng UBND tỉnh", "tinh"),
    ("Trường Cao đẳng Lai Châu", "truong"),
    ("Trường CĐ Lai Châu", "truong"),
    ("TRƯỜNG PTDTBT THCS BUM NƯA", "truong"),
    ("Trung tâm GDNN-GDTX huyện Phong Thổ", "trung-tam"),
    ("TT Dịch vụ việc làm tỉnh", "trung-tam"),
    ("Trung tâm Y tế huyện Mường Tè", "benh-vien"),  # the longer start wins
    ("Bệnh viện Đa khoa tỉnh", "benh-vien"),
])
def test_kind_is_read_from_the_first_words(units: Units, name: str, kind: str):
    found_kind = units.kind_of(name)
    assert found_kind is not None and found_kind.code == kind, name


@pytest.mark.parametrize("name", ["Phòng Tài chính - Kế hoạch huyện Mường Tè", "Mường Tè",
                                  "Công ty TNHH Xây dựng Sở Hà", ""])
def test_a_name_of_no_known_kind_has_none(units: Units, name: str):
    assert units.kind_of(name) is None


def test_the_bundled_kinds_have_titles(units: Units):
    codes = {kind.code for kind in units.kinds}
    assert {"so", "ban-qlda", "xa", "huyen", "tinh", "truong", "trung-tam"} <= codes
    assert all(kind.title_vi for kind in units.kinds)


# --- "UBND" written or left out ---------------------------------------------------------------


def test_a_decisions_commune_without_ubnd_is_the_statements_ubnd_xa():
    """Decisions list communes as "Xã Bum Nưa"; the treasury pays "UBND xã Bum Nưa"."""
    units = registry('[[units]]\nprovince = "LaiChau"\nname = "Xã Bum Nưa"\n')
    for written in ("UBND xã Bum Nưa", "Ủy ban nhân dân xã Bum Nưa", "UBND X. Bum Nưa"):
        assert found(units, written) == "Xã Bum Nưa", written
    assert found(units, "UBND xã Bum Tở") is None  # another commune stays another


def test_leaving_out_ubnd_keeps_a_commune_apart_from_its_district(units: Units):
    assert found(units, "Xã Mường Tè") == XA_MT
    assert found(units, "Huyện Mường Tè") == MT
