"""Tests for new books: open directives of a province's lines and the main.beancount header."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import parser

from mtqgledger.model.accounts import Root, parse_account
from mtqgledger.model.catalogue import Catalogue, LookupFailed
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs.newbooks import (
    BooksExist,
    create_books,
    leaf_items,
    main_file,
    open_directives,
)

ROOTS = ("Income:Allocated", "Assets:Appropriation", "Assets:Advance", "Expenses:Disbursed")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def _opens(text: str) -> list[data.Open]:
    entries, errors, _ = parser.parse_string(text)
    assert errors == []
    opens = [entry for entry in entries if isinstance(entry, data.Open)]
    assert len(opens) == len(entries), "only open directives expected"
    return opens


def _expected_accounts(cat: Catalogue, province: str, program: str, year: int,
                       sources: set[str]) -> set[str]:
    """Derived from the catalogue itself: every leaf × source × capital × root."""
    expected = set()
    for node in cat.walk():
        if node.path[0] != program or len(node.path) == 1 or node.children:
            continue
        for source in sources:
            for capital in node.capitals:
                tail = ":".join([province, *node.path, source, capital, f"Y{year}"])
                expected.update(f"{root}:{tail}" for root in ROOTS)
    return expected


# --- open_directives ---------------------------------------------------------------------


@pytest.mark.parametrize("program", ["GNBV", "DTTS", "NTM"])
def test_open_directives_cover_every_leaf_source_capital_and_root(
        cat: Catalogue, program: str) -> None:
    opens = _opens(open_directives(cat, "LaiChau", [program], 2025))
    accounts = [entry.account for entry in opens]
    expected = _expected_accounts(cat, "LaiChau", program, 2025, set(cat.default_sources()))
    assert len(accounts) == len(set(accounts)), "no account opened twice"
    assert set(accounts) == expected
    assert expected, "the catalogue has leaf items for this programme"


def test_open_directives_follow_the_account_model(cat: Catalogue) -> None:
    opens = _opens(open_directives(cat, "LaiChau", ["GNBV"], 2025))
    by_line: dict[str, set[Root]] = {}
    for entry in opens:
        parsed = parse_account(entry.account)
        assert parsed is not None, entry.account
        root, line = parsed
        assert line.province == "LaiChau"
        assert line.plan_year == 2025
        assert line.extended_into is None
        assert entry.currencies == ["VND"]
        assert entry.date == datetime.date(2025, 1, 1)
        by_line.setdefault(line.name(), set()).add(root)
    assert all(roots == set(Root) for roots in by_line.values())


def test_open_directives_carry_vietnamese_titles(cat: Catalogue) -> None:
    opens = _opens(open_directives(cat, "LaiChau", ["GNBV"], 2025))
    tda2 = "Income:Allocated:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
    entry = next(e for e in opens if e.account == tda2)
    name = entry.meta["name"]
    assert name.startswith(cat.title("GNBV/DA4/TDA2"))
    assert cat.sources["NSTW"].title_vi in name
    assert "Vốn sự nghiệp" in name
    assert name.endswith("KH 2025")
    assert entry.meta["role"] == "Kế hoạch vốn được giao"
    assert all(e.meta.get("name") and e.meta.get("role") for e in opens)


def test_open_directives_only_for_the_capitals_an_item_receives(tmp_path: Path) -> None:
    narrowing = tmp_path / "narrow.toml"
    narrowing.write_text(
        '[[programs]]\ncode = "GNBV"\n  [[programs.projects]]\n  code = "DA4"\n'
        '    [[programs.projects.subprojects]]\n    code = "TDA2"\n    capitals = ["SN"]\n',
        encoding="utf-8")
    cat = load_catalogue([narrowing])
    assert cat.node("GNBV/DA4/TDA2").capitals == frozenset({"SN"})
    accounts = {e.account for e in _opens(open_directives(cat, "LaiChau", ["GNBV"], 2025))}
    assert "Expenses:Disbursed:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025" in accounts
    assert not any(":DA4:TDA2:" in a and ":DTPT:" in a for a in accounts)
    assert "Expenses:Disbursed:LaiChau:GNBV:DA4:TDA1:NSTW:DTPT:Y2025" in accounts


def test_open_directives_with_explicit_sources_and_date(cat: Catalogue) -> None:
    text = open_directives(cat, "LaiChau", ["GNBV"], 2026, sources=["TDCS"],
                           opened=datetime.date(2026, 3, 1))
    opens = _opens(text)
    assert {e.account.split(":")[-3] for e in opens} == {"TDCS"}
    assert {e.date for e in opens} == {datetime.date(2026, 3, 1)}
    assert {e.account for e in opens} == _expected_accounts(cat, "LaiChau", "GNBV", 2026,
                                                            {"TDCS"})


def test_leaf_items_are_items_without_children(cat: Catalogue) -> None:
    leaves = leaf_items(cat, "GNBV")
    paths = {node.path for node in leaves}
    assert ("GNBV", "DA4", "TDA2") in paths
    assert ("GNBV", "DA4") not in paths  # DA4 has sub-projects
    assert ("GNBV", "DA2") in paths  # DA2 has none (bundled catalogue)
    assert all(not node.children and node.path[0] == "GNBV" for node in leaves)


def test_unknown_programme_is_refused(cat: Catalogue) -> None:
    with pytest.raises(LookupFailed, match="XYZ"):
        open_directives(cat, "LaiChau", ["XYZ"], 2025)


# --- main_file ---------------------------------------------------------------------------


def test_main_file_header(cat: Catalogue) -> None:
    text = main_file(cat, "LaiChau", 2025)
    assert 'option "operating_currency" "VND"' in text
    assert 'custom "fava-option" "locale" "vi_VN"' in text
    assert 'custom "fava-extension" "mtqgledger.fava_ext"' in text
    assert 'plugin "mtqgledger.plugins.budget_rules"' in text
    assert "precision: 0" in text
    assert 'include "accounts.beancount"' in text
    assert cat.provinces["LaiChau"].title_vi in text


def test_main_file_parses_to_the_intended_options(cat: Catalogue) -> None:
    entries, errors, options = parser.parse_string(main_file(cat, "LaiChau", 2025))
    assert errors == []
    assert options["operating_currency"] == ["VND"]
    # the books' own catalogue file, where refused spellings are taught
    assert ("mtqgledger.plugins.budget_rules",
            "catalogue=catalogue.toml,units.toml") in options["plugin"]
    commodity = next(e for e in entries if isinstance(e, data.Commodity))
    assert commodity.currency == "VND"
    assert commodity.meta["precision"] == 0
    assert commodity.date == datetime.date(2025, 1, 1)
    customs = [(e.type, [value.value for value in e.values])
               for e in entries if isinstance(e, data.Custom)]
    assert customs == [("fava-option", ["locale", "vi_VN"]),
                       ("fava-extension", ["mtqgledger.fava_ext"])]


# --- create_books ------------------------------------------------------------------------


def test_create_books_writes_books_that_load_without_errors(cat: Catalogue,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "new" / "books"
    written = create_books(target, cat, "LaiChau", 2025, ["GNBV"])
    assert written == [target / "main.beancount", target / "catalogue.toml",
                       target / "units.toml", target / "accounts.beancount"]
    entries, errors, _ = loader.load_file(str(target / "main.beancount"))
    assert errors == []
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    assert opened == _expected_accounts(cat, "LaiChau", "GNBV", 2025,
                                        set(cat.default_sources()))


@pytest.mark.parametrize("existing", ["main.beancount", "accounts.beancount", "catalogue.toml"])
def test_create_books_refuses_existing_files(cat: Catalogue, tmp_path: Path,
                                             existing: str) -> None:
    (tmp_path / existing).write_bytes(b"; my own books\n")
    with pytest.raises(BooksExist, match="không ghi đè"):
        create_books(tmp_path, cat, "LaiChau", 2025, ["GNBV"])
    assert (tmp_path / existing).read_bytes() == b"; my own books\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing], "nothing else written"


def test_books_exist_is_a_file_exists_error() -> None:
    assert issubclass(BooksExist, FileExistsError)


def test_create_books_twice_leaves_the_first_books_unchanged(cat: Catalogue,
                                                              tmp_path: Path) -> None:
    create_books(tmp_path, cat, "LaiChau", 2025, ["GNBV"])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(BooksExist):
        create_books(tmp_path, cat, "LaiChau", 2026, ["DTTS"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_create_books_unknown_province_writes_nothing(cat: Catalogue, tmp_path: Path) -> None:
    target = tmp_path / "books"
    with pytest.raises(LookupFailed, match="Atlantis"):
        create_books(target, cat, "Atlantis", 2025, ["GNBV"])
    assert not target.exists()


def test_create_books_unknown_programme_writes_nothing(cat: Catalogue, tmp_path: Path) -> None:
    target = tmp_path / "books"
    with pytest.raises(LookupFailed, match="XYZ"):
        create_books(target, cat, "LaiChau", 2025, ["XYZ"])
    assert not target.exists()


def test_the_books_catalogue_file_teaches_by_example(cat: Catalogue, tmp_path: Path) -> None:
    """catalogue.toml starts empty (comments only) and its examples, uncommented, load."""
    import tomllib

    from mtqgledger.model.catalogue_files import load_catalogue

    create_books(tmp_path, cat, "LaiChau", 2025, ["GNBV"])
    text = (tmp_path / "catalogue.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {}
    examples = "\n".join(line.removeprefix("#   ") for line in text.splitlines()
                         if line.startswith("#   "))
    (tmp_path / "examples.toml").write_text(examples, encoding="utf-8")
    taught = load_catalogue([str(tmp_path / "examples.toml")])
    assert not taught.capitals["SN"].enforced
    match = taught.names.item("Dự án hỗ trợ phát triển giáo dục nghề nghiệp vùng DTTS",
                              ("DTTS", "DA5"))
    assert (match.node.path, match.how) == (("DTTS", "DA5", "TDA3"), "spelling")


@pytest.mark.parametrize("province, successor", [("HaGiang", "TuyenQuang"),
                                                 ("YenBai", "LaoCai")])
def test_a_province_merged_away_is_warned_about(cat: Catalogue, province: str,
                                                successor: str) -> None:
    from mtqgledger.outputs.newbooks import merged_away

    warning = merged_away(cat, province)
    assert warning is not None and f"--province {successor}" in warning
    assert merged_away(cat, successor) is None


def test_a_citys_books_say_thanh_pho(cat: Catalogue) -> None:
    assert "– thành phố Huế" in main_file(cat, "Hue", 2026).splitlines()[0]
