"""Tests for the programme catalogue: bundled data, look-ups and user extensions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from mtqgledger.model.catalogue import Catalogue, CatalogueError, LookupFailed, Node
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.text import normalise

CODE = re.compile(r"[A-Z][A-Za-z0-9]*")


@pytest.fixture
def cat() -> Catalogue:
    return load_catalogue()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(node: Node | None) -> list[str]:
    assert node is not None
    return [child.code for child in node.children]


# --- bundled data ------------------------------------------------------------------------


def test_bundled_catalogue_has_the_four_programmes(cat: Catalogue) -> None:
    assert list(cat.programs) == ["GNBV", "DTTS", "NTM", "MTQG2635"]
    assert cat.programs["GNBV"].period == "2021-2025"
    assert cat.programs["MTQG2635"].period == "2026-2035"


def test_every_code_matches_the_pattern(cat: Catalogue) -> None:
    codes = [n.code for n in cat.walk()]
    codes += list(cat.sources) + list(cat.capitals) + list(cat.provinces)
    bad = [c for c in codes if not CODE.fullmatch(c)]
    assert bad == []
    assert len(codes) > 140


def test_every_node_has_both_titles_and_valid_capitals(cat: Catalogue) -> None:
    for node in cat.walk():
        assert node.title_vi.strip(), node.path
        assert node.title_en.strip(), node.path
        assert node.capitals, node.path
        assert node.capitals <= set(cat.capitals), node.path


def test_gnbv_projects_and_subprojects(cat: Catalogue) -> None:
    gnbv = cat.programs["GNBV"]
    assert _codes(gnbv) == [f"DA{i}" for i in range(1, 8)]
    expected = {
        "DA1": ["TDA1", "TDA2"],
        "DA2": [],
        "DA3": ["TDA1", "TDA2"],
        "DA4": ["TDA1", "TDA2", "TDA3"],
        "DA5": [],
        "DA6": ["TDA1", "TDA2"],
        "DA7": ["TDA1", "TDA2"],
    }
    assert {p.code: _codes(p) for p in gnbv.children} == expected


def test_gnbv_da4_titles(cat: Catalogue) -> None:
    assert cat.title(["GNBV", "DA4"]) == (
        "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững"
    )
    assert cat.title(("GNBV", "DA4", "TDA1")) == (
        "Tiểu dự án 1: Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn"
    )
    assert cat.title(("GNBV", "DA4", "TDA2")) == (
        "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng"
    )
    assert cat.title(("GNBV", "DA4", "TDA3")) == "Tiểu dự án 3: Hỗ trợ việc làm bền vững"


def test_dtts_projects(cat: Catalogue) -> None:
    dtts = cat.programs["DTTS"]
    assert _codes(dtts) == [f"DA{i}" for i in range(1, 11)]
    counts = {p.code: len(p.children) for p in dtts.children}
    assert counts["DA3"] == 2
    assert counts["DA5"] == 4
    assert counts["DA9"] == 2
    assert counts["DA10"] == 3
    assert "TDA1" in _codes(cat.node(("DTTS", "DA4")))
    tda3 = cat.node(("DTTS", "DA5", "TDA3"))
    assert tda3 is not None
    assert "giáo dục nghề nghiệp" in tda3.title_vi
    assert "việc làm" in tda3.title_vi


def test_ntm_components(cat: Catalogue) -> None:
    ntm = cat.programs["NTM"]
    assert _codes(ntm) == [f"ND{i:02d}" for i in range(1, 12)]
    assert all(not p.children for p in ntm.children)


def test_merged_programme_2026_2035(cat: Catalogue) -> None:
    # QĐ 417/QĐ-BNNMT as ../shared/DOMAIN.md gives it: two hợp phần, ten and five nội dung
    # thành phần; the "Nội dung NN" below them come from the decisions (an open level).
    merged = cat.programs["MTQG2635"]
    assert merged.title_vi == (
        "Chương trình mục tiêu quốc gia xây dựng nông thôn mới, giảm nghèo bền vững và phát "
        "triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2026-2035"
    )
    assert _codes(merged) == ["HP1", "HP2"]
    assert _codes(cat.node("MTQG2635/HP1")) == [f"TP{i:02d}" for i in range(1, 11)]
    assert _codes(cat.node("MTQG2635/HP2")) == [f"TP{i:02d}" for i in range(1, 6)]
    tp04 = cat.node(("MTQG2635", "HP1", "TP04"))
    assert tp04.title_vi == (
        "Nội dung thành phần 4: Phát triển nguồn nhân lực và hỗ trợ tạo việc làm bền vững"
    )
    assert tp04.note == "" and tp04.level == "subproject"
    assert cat.node("MTQG2635/HP2/TP05").title_vi.startswith(
        "Nội dung thành phần 5: Công tác truyền thông, tuyên truyền")
    assert [level.name for level in merged.levels] == ["Hợp phần", "Nội dung thành phần",
                                                        "Nội dung"]
    assert merged.levels[2].open and merged.levels[2].code_of(3) == "ND03"
    assert merged.levels[1].number_of("TP10") == 10


def test_node_levels_paths_and_capitals(cat: Catalogue) -> None:
    node = cat.node(["GNBV", "DA4", "TDA2"])
    assert node is not None
    assert node.path == ("GNBV", "DA4", "TDA2")
    assert node.level == "subproject"
    assert cat.programs["GNBV"].level == "program"
    assert cat.node(["GNBV", "DA4"]).level == "project"
    assert node.capitals == frozenset({"DTPT", "SN"})


def test_node_and_title_for_absent_paths(cat: Catalogue) -> None:
    assert cat.node(["GNBV", "DA99"]) is None
    assert cat.node(["NOPE"]) is None
    assert cat.node([]) is None
    assert cat.node(["GNBV", "DA2", "TDA1"]) is None
    assert cat.title(["GNBV", "DA4", "TDA9"]) == ""


def test_walk_is_depth_first(cat: Catalogue) -> None:
    paths = [n.path for n in cat.walk()]
    assert paths[:4] == [
        ("GNBV",),
        ("GNBV", "DA1"),
        ("GNBV", "DA1", "TDA1"),
        ("GNBV", "DA1", "TDA2"),
    ]
    assert paths.index(("GNBV", "DA2")) == 4
    assert len(paths) == len(set(paths))


def test_sources_and_capitals(cat: Catalogue) -> None:
    assert list(cat.sources) == ["NSTW", "NSDP", "TDCS", "HDK"]
    assert cat.default_sources() == frozenset({"NSTW", "NSDP"})
    assert cat.sources["NSDP"].title_vi == "Ngân sách địa phương"
    assert cat.capitals["DTPT"].title_vi == "Vốn đầu tư phát triển"
    assert cat.capitals["SN"].title_vi == "Vốn sự nghiệp"
    assert set(cat.capitals) == {"DTPT", "SN"}


# --- provinces ---------------------------------------------------------------------------


def test_34_provinces_in_force(cat: Catalogue) -> None:
    current = [p for p in cat.provinces.values() if p.successor is None]
    assert len(current) == 34
    for code in ("LaiChau", "LangSon", "TuyenQuang", "LaoCai", "HaNoi", "HoChiMinh"):
        assert cat.provinces[code].successor is None
    assert cat.provinces["LaiChau"].title_vi == "Lai Châu"
    # 63 provinces before 2025: 29 merged away plus Thừa Thiên Huế renamed.
    assert len(cat.provinces) - len(current) == 30


def test_every_successor_is_a_province_in_force(cat: Catalogue) -> None:
    for province in cat.provinces.values():
        if province.successor is not None:
            successor = cat.provinces[province.successor]
            assert successor.successor is None, province.code


def test_known_mergers(cat: Catalogue) -> None:
    assert cat.provinces["HaGiang"].successor == "TuyenQuang"
    assert cat.provinces["YenBai"].successor == "LaoCai"
    assert cat.current_province("YenBai").code == "LaoCai"
    assert cat.current_province("LaiChau").code == "LaiChau"


def test_find_province_by_name(cat: Catalogue) -> None:
    assert cat.find_province("Lai Châu").code == "LaiChau"
    assert cat.find_province("tinh ha giang").code == "HaGiang"
    assert cat.find_province("TP. Hồ Chí Minh").code == "HoChiMinh"
    assert cat.find_province("LangSon").code == "LangSon"
    with pytest.raises(LookupFailed, match="LaiChau"):
        cat.find_province("Lai Chou")


# --- normalise and find ------------------------------------------------------------------


def test_normalise() -> None:
    assert normalise("Tiểu dự án 2: Hỗ trợ") == "tieu du an 2 ho tro"
    assert normalise("ĐẮK LẮK") == "dak lak"
    assert normalise("  Bà Rịa -  Vũng Tàu ") == "ba ria vung tau"
    decomposed = "Tiê\u0309u du\u0323 a\u0301n"
    assert normalise(decomposed) == "tieu du an"


@pytest.mark.parametrize(
    "query",
    [
        "Tiểu dự án 2",
        "tieu du an 2",
        "TDA2",
        "tda2",
        "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài",
        "nguoi lao dong di lam viec o nuoc ngoai",
        "  TIEU DU AN 2  ",
    ],
)
def test_find_tda2_within_gnbv_da4(cat: Catalogue, query: str) -> None:
    assert cat.find(query, within=("GNBV", "DA4")).path == ("GNBV", "DA4", "TDA2")


def test_find_other_forms(cat: Catalogue) -> None:
    assert cat.find("DA4", within=["GNBV"]).path == ("GNBV", "DA4")
    assert cat.find("Dự án 4", within="GNBV").path == ("GNBV", "DA4")
    assert cat.find("ho tro viec lam ben vung", within="GNBV").path == ("GNBV", "DA4", "TDA3")
    assert cat.find("GNBV/DA4/TDA2").path == ("GNBV", "DA4", "TDA2")
    assert cat.find("gnbv:da4:tda1").path == ("GNBV", "DA4", "TDA1")
    assert cat.find("Cải thiện dinh dưỡng").path == ("GNBV", "DA3", "TDA2")
    assert cat.find("Nội dung thành phần 04", within="MTQG2635/HP1").code == "TP04"
    assert cat.find("nd4", within="NTM").path == ("NTM", "ND04")
    assert cat.find("Sub-project 2: Support for workers", within="GNBV/DA4").code == "TDA2"


def test_find_label_number_is_a_whole_token(cat: Catalogue) -> None:
    # NTM has components 1, 10 and 11: "1" must not match "10" or "11".
    assert cat.find("Nội dung thành phần 1", within="NTM").code == "ND01"
    assert cat.find("noi dung thanh phan 10", within="NTM").code == "ND10"


def test_find_ambiguous_lists_candidates(cat: Catalogue) -> None:
    with pytest.raises(LookupFailed) as info:
        cat.find("Dự án 4")
    message = str(info.value)
    assert "GNBV/DA4" in message
    assert "DTTS/DA4" in message
    assert {n.path for n in info.value.candidates} == {("GNBV", "DA4"), ("DTTS", "DA4")}


def test_find_ambiguous_code_across_programmes(cat: Catalogue) -> None:
    with pytest.raises(LookupFailed, match="ambiguous"):
        cat.find("TDA2", within="GNBV")


def test_find_unknown_lists_closest(cat: Catalogue) -> None:
    with pytest.raises(LookupFailed, match="closest"):
        cat.find("nuoc sach sinh hoat", within="GNBV")
    with pytest.raises(LookupFailed) as info:
        cat.find("Tiểu dự án giải quyết việc làm bền vững xyz", within="GNBV")
    message = str(info.value)
    assert "closest" in message
    assert 3 <= len(info.value.candidates) <= 5
    for node in info.value.candidates:
        assert node.ref in message
        assert node.title_vi in message
    assert ("GNBV", "DA4", "TDA3") in [n.path for n in info.value.candidates]


def test_find_unknown_within_small_scope(cat: Catalogue) -> None:
    with pytest.raises(LookupFailed) as info:
        cat.find("Tiểu dự án 9", within=("GNBV", "DA4"))
    assert [n.code for n in info.value.candidates] == ["TDA1", "TDA2", "TDA3"]


def test_find_bad_scope(cat: Catalogue) -> None:
    with pytest.raises(LookupFailed, match="GNBV/DA99"):
        cat.find("TDA1", within=("GNBV", "DA99"))
    with pytest.raises(LookupFailed):
        cat.find("anything", within=("GNBV", "DA2"))


# --- user catalogue files ----------------------------------------------------------------

USER_FILE = """
[[programs]]
code = "GNBV"

  [[programs.projects]]
  code = "DA4"
  title_en = "Project 4: Vocational training and jobs (local wording)"

    [[programs.projects.subprojects]]
    code = "TDA21"
    title_vi = "Tiểu dự án 21: Nội dung thí điểm của tỉnh"
    capitals = ["SN"]

    [[programs.projects.subprojects]]
    code = "TDA3"
    title_vi = "Tiểu dự án 3: Hỗ trợ việc làm bền vững (tên địa phương)"

[[sources]]
code = "HDK"
default = true

[[provinces]]
code = "LaiChau"
title_vi = "Tỉnh Lai Châu"
"""


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    path = _write(tmp_path, "local.toml", USER_FILE)
    cat = load_catalogue([path])
    da4 = cat.node(("GNBV", "DA4"))
    assert _codes(da4) == ["TDA1", "TDA2", "TDA3", "TDA21"]
    assert da4.title_vi == "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững"
    assert da4.title_en == "Project 4: Vocational training and jobs (local wording)"
    new = cat.node(("GNBV", "DA4", "TDA21"))
    assert new.level == "subproject"
    assert new.capitals == frozenset({"SN"})
    assert new.title_en == ""
    assert cat.title(("GNBV", "DA4", "TDA3")).endswith("(tên địa phương)")
    assert cat.default_sources() == frozenset({"NSTW", "NSDP", "HDK"})
    assert cat.provinces["LaiChau"].title_vi == "Tỉnh Lai Châu"
    assert cat.files[-1] == str(path)
    # "Tiểu dự án 2" must still mean TDA2, not TDA21, and the reverse.
    assert cat.find("Tiểu dự án 2", within="GNBV/DA4").code == "TDA2"
    assert cat.find("Tiểu dự án 21", within="GNBV/DA4").code == "TDA21"


def test_user_file_does_not_leak_into_later_loads(tmp_path: Path) -> None:
    load_catalogue([_write(tmp_path, "local.toml", USER_FILE)])
    fresh = load_catalogue()
    assert fresh.node(("GNBV", "DA4", "TDA21")) is None
    assert fresh.default_sources() == frozenset({"NSTW", "NSDP"})


def test_new_node_inherits_capitals_from_overridden_parent(tmp_path: Path) -> None:
    text = """
[[programs]]
code = "GNBV"
  [[programs.projects]]
  code = "DA2"
  capitals = ["SN"]
    [[programs.projects.subprojects]]
    code = "TDA1"
    title_vi = "Tiểu dự án 1: Thử nghiệm"
"""
    cat = load_catalogue([_write(tmp_path, "caps.toml", text)])
    assert cat.node("GNBV/DA2").capitals == frozenset({"SN"})
    assert cat.node("GNBV/DA2/TDA1").capitals == frozenset({"SN"})
    assert cat.node("GNBV/DA1").capitals == frozenset({"DTPT", "SN"})


def test_user_file_adds_a_programme(tmp_path: Path) -> None:
    text = """
[[programs]]
code = "CTDP"
title_vi = "Chương trình của địa phương"
  [[programs.projects]]
  code = "DA1"
  title_vi = "Dự án 1: Thử nghiệm"
"""
    cat = load_catalogue([_write(tmp_path, "prog.toml", text)])
    assert list(cat.programs)[-1] == "CTDP"
    assert cat.programs["CTDP"].capitals == frozenset(cat.capitals)
    assert cat.find("Thử nghiệm", within="CTDP").path == ("CTDP", "DA1")


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ('[[programs]]\ncode = "gnbv"\ntitle_vi = "x"\n', "programs[0]"),
        ('[[programs]]\ncode = "NEW"\ntitle_en = "No Vietnamese title"\n', "NEW"),
        (
            '[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA4"\n'
            'capitals = ["VON"]\n',
            "GNBV/DA4",
        ),
        (
            '[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA9"\n'
            'title_vi = "a"\n[[programs.projects]]\ncode = "DA9"\ntitle_vi = "b"\n',
            "GNBV/DA9",
        ),
        ('[[programs]]\ncode = "GNBV"\ntitle_vi = \n', "TOML"),
        ('[[programs]]\ncode = "GNBV"\nsubprojects = []\n', "GNBV"),
        ('[[sources]]\ncode = "NSTW"\ndefault = "yes"\n', "NSTW"),
        ('[[provinces]]\ncode = "LaiChau"\nsuccessor = "Atlantis"\n', "LaiChau"),
        ('[[provinces]]\ncode = "LaiChau"\nsuccessor = "HaGiang"\n', "LaiChau"),
        ('[[capitals]]\ncode = "XDCB"\nlabel = "Vốn XDCB"\n', "XDCB"),
        ('[[capitals]]\ncode = "DTPT"\nspend_until = "31/01"\n', "DTPT"),
    ],
    ids=[
        "bad-code",
        "missing-title",
        "bad-capital",
        "duplicate-sibling",
        "toml-syntax",
        "unknown-key",
        "bad-default",
        "unknown-successor",
        "successor-merged-away",
        "new-capital-type-without-title",
        "bad-deadline-rule",
    ],
)
def test_malformed_user_file(tmp_path: Path, text: str, entry: str) -> None:
    path = _write(tmp_path, "broken.toml", text)
    with pytest.raises(CatalogueError) as info:
        load_catalogue([path])
    message = str(info.value)
    assert str(path) in message
    assert entry in message


def test_missing_user_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(CatalogueError, match=r"absent\.toml"):
        load_catalogue([path])


def test_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _write(tmp_path, "a.toml", USER_FILE)
    second = _write(
        tmp_path,
        "b.toml",
        '[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA4"\n'
        '[[programs.projects.subprojects]]\ncode = "TDA21"\ntitle_vi = "Tiểu dự án 21: Mới"\n',
    )
    monkeypatch.setenv("MTQG_CATALOGUE", os.pathsep.join([str(first), "", str(second)]))
    cat = load_catalogue()
    assert cat.title(("GNBV", "DA4", "TDA21")) == "Tiểu dự án 21: Mới"
    assert cat.files[1:] == (str(first), str(second))
    # Explicit files are merged after the environment's.
    third = _write(
        tmp_path,
        "c.toml",
        '[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA4"\n'
        '[[programs.projects.subprojects]]\ncode = "TDA21"\ntitle_vi = "Tiểu dự án 21: Sau cùng"\n',
    )
    assert load_catalogue([third]).title("GNBV/DA4/TDA21") == "Tiểu dự án 21: Sau cùng"


def test_environment_variable_with_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = _write(tmp_path, "env.toml", '[[programs]]\ncode = "X Y"\n')
    monkeypatch.setenv("MTQG_CATALOGUE", str(broken))
    with pytest.raises(CatalogueError, match=r"env\.toml"):
        load_catalogue()


def test_repeated_loads_are_equal(cat: Catalogue) -> None:
    again = load_catalogue()
    assert again.programs == cat.programs
    assert again.provinces == cat.provinces


def test_a_user_file_adds_a_capital_type_and_items_may_take_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "more.toml", """
[[capitals]]
code = "XDCB"
title_vi = "Vốn xây dựng cơ bản"
short = "XDCB"
aliases = ["Vốn XDCB tập trung"]
spend_until = "31/12 N+1"

[[programs]]
code = "GNBV"
  [[programs.projects]]
  code = "DA4"
  capitals = ["DTPT", "XDCB"]

[[programs]]
code = "CTDP"
title_vi = "Chương trình của địa phương"
""")
    cat = load_catalogue([path])
    assert list(cat.capitals) == ["DTPT", "SN", "XDCB"]
    assert cat.capitals["XDCB"].aliases == ("von xdcb tap trung",)
    assert cat.node("GNBV/DA4/TDA1").capitals == frozenset({"DTPT", "XDCB"})
    assert cat.node("GNBV/DA1").capitals == frozenset({"DTPT", "SN"})  # as the programme says
    assert cat.node("CTDP").capitals == frozenset({"DTPT", "SN", "XDCB"})
