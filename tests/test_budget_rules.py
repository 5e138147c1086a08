"""Each budget rule: a ledger that breaks it, and one that keeps it."""

from __future__ import annotations

from beancount import loader
from booktext import (
    HEADER,
    OLD_DTPT,
    TDA1_SN,
    TDA2_SN,
    advance,
    allocate,
    extend,
    load,
    messages,
    move,
    opens,
    pay,
    settle,
)

from mtqgledger.plugins.budget_rules import budget_rules


def test_clean_books_have_no_errors():
    assert messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000),
                    advance("2025-02-01", TDA1_SN, 400), settle("2025-03-01", TDA1_SN, 400),
                    pay("2025-04-01", TDA1_SN, 600)) == []


def test_plugin_returns_entries_unchanged():
    entries, _, options_map = load(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 10))
    returned, errors = budget_rules(entries, options_map)
    assert returned is entries and errors == []


# --- advances and payments beyond the remaining allocation

def test_payment_beyond_remaining_allocation_is_an_error():
    found = messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000_000),
                     pay("2025-03-05", TDA1_SN, 700_000), pay("2025-04-05", TDA1_SN, 500_000))
    assert len(found) == 1
    message = found[0]
    assert "Vượt kế hoạch vốn còn lại" in message
    assert f"Assets:Appropriation:{TDA1_SN}" in message
    assert "05/04/2025" in message
    assert "500.000 đ" in message and "300.000 đ" in message and "vượt 200.000 đ" in message


def test_advance_beyond_remaining_allocation_is_an_error():
    found = messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 100),
                     advance("2025-02-01", TDA1_SN, 101))
    assert len(found) == 1 and "vượt 1 đ" in found[0]


def test_spending_exactly_the_allocation_is_fine():
    assert messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 100),
                    advance("2025-02-01", TDA1_SN, 40), pay("2025-02-01", TDA1_SN, 60)) == []


def test_remaining_is_judged_at_the_end_of_the_day():
    # Written payment-first: the allocation of the same day still covers it.
    assert messages(opens(TDA1_SN), pay("2025-01-10", TDA1_SN, 100),
                    allocate("2025-01-10", TDA1_SN, 100)) == []


def test_adjustment_taking_more_than_remains_is_an_error():
    adjustment = ('2025-06-01 * "Điều chỉnh"\n  decision: "5/QĐ-UBND"\n'
                  "  decision_date: 2025-06-01\n"
                  f"  Income:Allocated:{TDA1_SN}  80 VND\n"
                  f"  Assets:Appropriation:{TDA1_SN}  -80 VND\n"
                  f"  Assets:Appropriation:{TDA2_SN}  80 VND\n"
                  f"  Income:Allocated:{TDA2_SN}  -80 VND\n")
    found = messages(opens(TDA1_SN, TDA2_SN), allocate("2025-01-10", TDA1_SN, 100),
                     pay("2025-02-01", TDA1_SN, 50), adjustment)
    assert len(found) == 1 and TDA1_SN in found[0] and "vượt 30 đ" in found[0]


# --- settlements beyond the outstanding advance

def test_settlement_beyond_outstanding_advance_is_an_error():
    found = messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000),
                     advance("2025-02-01", TDA1_SN, 300), settle("2025-03-01", TDA1_SN, 350))
    assert len(found) == 1
    assert "Thu hồi tạm ứng vượt" in found[0]
    assert f"Assets:Advance:{TDA1_SN}" in found[0] and "01/03/2025" in found[0]
    assert "300 đ" in found[0] and "vượt 50 đ" in found[0]


def test_settling_the_whole_advance_is_fine():
    assert messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000),
                    advance("2025-02-01", TDA1_SN, 300), settle("2025-03-01", TDA1_SN, 300)) == []


# --- accounts against the model and the catalogue

def one_error(line: str, *extra: str) -> str:
    found = messages(opens(line), allocate("2025-01-10", line, 10), *extra)
    assert len(found) == 1, found
    return found[0]


def test_unknown_programme_project_and_subproject():
    assert "chương trình 'GNBX'" in one_error("LaiChau:GNBX:DA4:TDA1:NSTW:SN:Y2025")
    project = one_error("LaiChau:GNBV:DA9:TDA1:NSTW:SN:Y2025")
    assert "dự án 'GNBV/DA9'" in project and "DA4" in project  # lists the known ones
    assert "tiểu dự án 'GNBV/DA4/TDA9'" in one_error("LaiChau:GNBV:DA4:TDA9:NSTW:SN:Y2025")


def test_catalogue_lines_are_accepted():
    for line in ("LaiChau:GNBV:DA5:NSTW:DTPT:Y2025", "LaiChau:NTM:ND04:NSDP:SN:Y2025",
                 "LaiChau:MTQG2635:HP1:TP04:NSTW:SN:Y2026"):
        assert messages(opens(line), allocate("2026-01-10", line, 10)) == [], line


def test_capital_type_must_be_dtpt_or_sn():
    assert "loại vốn 'XDCB'" in one_error("LaiChau:GNBV:DA4:TDA1:NSTW:XDCB:Y2025")


def test_unconfigured_source_is_an_error_until_configured():
    line = "LaiChau:GNBV:DA4:TDA1:TDCS:SN:Y2025"
    assert "nguồn vốn 'TDCS'" in one_error(line)
    configured = HEADER.replace('budget_rules"', 'budget_rules" "sources=NSTW,NSDP,TDCS"')
    _, errors, _ = loader.load_string(configured + opens(line)
                                      + allocate("2025-01-10", line, 10))
    assert errors == []


def test_unknown_province_is_an_error():
    assert "tỉnh 'Atlantis'" in one_error("Atlantis:GNBV:DA4:TDA1:NSTW:SN:Y2025")


def test_invalid_components_are_errors():
    assert "'TDA-1' không hợp lệ" in one_error("LaiChau:GNBV:DA4:TDA-1:NSTW:SN:Y2025")
    assert "'Tiểu1' không hợp lệ" in one_error("LaiChau:GNBV:DA4:Tiểu1:NSTW:SN:Y2025")
    assert "thiếu năm kế hoạch" in one_error("LaiChau:GNBV:DA4:TDA1:NSTW:SN")


def test_lowercase_component_is_refused():
    # Beancount's own parser already refuses a component starting in lowercase.
    found = messages(opens("LaiChau:GNBV:DA4:tda1:NSTW:SN:Y2025"))
    assert found, "a lowercase component must not pass"


def test_each_bad_account_is_reported_once():
    line = "LaiChau:GNBV:DA4:TDA9:NSTW:SN:Y2025"
    found = messages(opens(line), allocate("2025-01-10", line, 10),
                     allocate("2025-02-10", line, 10))
    assert len(found) == 1


# --- whole VND

def test_non_vnd_amount_is_an_error():
    text = allocate("2025-01-10", TDA1_SN, 10).replace("VND", "USD")
    found = messages(opens(TDA1_SN).replace(" VND", ""), text)
    assert any("đồng nguyên" in m and "USD" in m for m in found), found


def test_fractional_dong_is_an_error():
    found = messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 10)
                     .replace(" 10 VND", " 10.5 VND").replace("-10 VND", "-10.5 VND"))
    assert len(found) == 2 and all("10.5 VND" in m for m in found)


# --- investment deadline and extensions

def test_investment_money_spent_after_31_january_is_an_error():
    found = messages(opens(OLD_DTPT), allocate("2024-01-10", OLD_DTPT, 100),
                     pay("2025-02-01", OLD_DTPT, 10))
    assert len(found) == 1
    assert "quá hạn" in found[0] and "31/01/2025" in found[0] and "01/02/2025" in found[0]
    assert ":Y2024:K2025" in found[0]  # says how to extend


def test_investment_money_spent_on_the_deadline_is_fine():
    assert messages(opens(OLD_DTPT), allocate("2024-01-10", OLD_DTPT, 100),
                    pay("2025-01-31", OLD_DTPT, 10)) == []


def test_recurrent_money_advances_until_year_end_and_pays_until_january():
    """SN money of 2024: advances until 31/12/2024; payments for work done by then until
    31/01/2025 (the treasury's chỉnh lý month); later only through an extension."""
    line = OLD_DTPT.replace("DTPT", "SN")
    base = [opens(line), allocate("2024-01-10", line, 100)]
    assert messages(*base, advance("2024-12-31", line, 10), pay("2025-01-31", line, 10),
                    settle("2025-01-31", line, 10)) == []
    (late_advance,) = messages(*base, advance("2025-01-02", line, 10))
    assert "chỉ được tạm ứng đến 31/12/2024" in late_advance and "mtqg extend" in late_advance
    (late_payment,) = messages(*base, pay("2025-02-01", line, 10))
    assert "chỉ được giải ngân đến 31/01/2025" in late_payment
    assert ":Y2024:K2025" in late_payment  # where an extension would move it


def test_the_recurrent_rule_is_configurable(tmp_path):
    line = OLD_DTPT.replace("DTPT", "SN")
    (tmp_path / "rules.toml").write_text('[[capitals]]\ncode = "SN"\nenforced = false\n',
                                         encoding="utf-8")
    ledger = tmp_path / "main.beancount"
    ledger.write_text(HEADER.replace('budget_rules"', 'budget_rules" "catalogue=rules.toml"')
                      + opens(line) + allocate("2024-01-10", line, 100)
                      + pay("2025-03-01", line, 10), encoding="utf-8")
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []


def test_extended_money_may_be_spent_until_its_extension_date():
    target = f"{OLD_DTPT}:K2025"
    base = [opens(OLD_DTPT, target), allocate("2024-01-10", OLD_DTPT, 100),
            extend("2025-02-20", OLD_DTPT, 2025, 60, extend_to="2025-09-30")]
    assert messages(*base, pay("2025-09-30", target, 60)) == []
    late = messages(*base, pay("2025-10-01", target, 60))
    assert len(late) == 1 and "30/09/2025" in late[0] and target in late[0]


def test_extension_defaults_to_the_end_of_its_year():
    target = f"{OLD_DTPT}:K2025"
    base = [opens(OLD_DTPT, target), allocate("2024-01-10", OLD_DTPT, 100),
            extend("2025-02-20", OLD_DTPT, 2025, 60)]
    assert messages(*base, pay("2025-12-31", target, 60)) == []
    assert len(messages(*base, pay("2026-01-02", target, 60))) == 1


def test_money_paid_back_does_not_lengthen_an_extension():
    target = f"{OLD_DTPT}:K2025"
    paid_back = move("2025-08-01", f"Assets:Appropriation:{target}",
                     f"Expenses:Disbursed:{target}", 10)
    found = messages(opens(OLD_DTPT, target), allocate("2024-01-10", OLD_DTPT, 100),
                     extend("2025-02-20", OLD_DTPT, 2025, 60, extend_to="2025-06-30"),
                     pay("2025-05-01", target, 30), paid_back, pay("2025-09-01", target, 10))
    assert len(found) == 1 and "30/06/2025" in found[0]


def test_extending_more_than_remains_is_an_error():
    target = f"{OLD_DTPT}:K2025"
    found = messages(opens(OLD_DTPT, target), allocate("2024-01-10", OLD_DTPT, 100),
                     pay("2024-06-01", OLD_DTPT, 70), extend("2025-02-20", OLD_DTPT, 2025, 60))
    assert len(found) == 1 and "vượt 30 đ" in found[0]


# --- provenance

def test_transaction_without_provenance_is_an_error():
    bare = allocate("2025-01-10", TDA1_SN, 10).replace(
        '  decision: "1/QĐ-UBND"\n  decision_date: 2025-01-10\n', "")
    found = messages(opens(TDA1_SN), bare)
    assert len(found) == 1 and "thiếu căn cứ" in found[0] and "10/01/2025" in found[0]


def test_decision_needs_a_date():
    undated = allocate("2025-01-10", TDA1_SN, 10).replace("  decision_date: 2025-01-10\n", "")
    found = messages(opens(TDA1_SN), undated)
    assert len(found) == 1 and "decision_date" in found[0]


def test_voucher_alone_is_enough_provenance():
    assert messages(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 10),
                    pay("2025-02-01", TDA1_SN, 10)) == []


def test_transactions_outside_the_model_need_no_provenance():
    other = ('2025-01-01 open Assets:Bank VND\n2025-01-01 open Equity:Opening VND\n'
             '2025-01-02 * "Số dư đầu kỳ"\n  Assets:Bank  5 VND\n  Equity:Opening  -5 VND\n')
    assert messages(other) == []


# --- configuration

def test_unknown_plugin_option_is_reported():
    text = HEADER.replace('budget_rules"', 'budget_rules" "colour=blue"')
    _, errors, _ = loader.load_string(text)
    assert len(errors) == 1
    assert "'colour'" in errors[0].message and "known options" in errors[0].message


def test_extra_catalogue_file_adds_an_item(tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text('[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA4"\n'
                     '[[programs.projects.subprojects]]\ncode = "TDA9"\n'
                     'title_vi = "Tiểu dự án 9: thí điểm"\ntitle_en = "Pilot"\n',
                     encoding="utf-8")
    line = "LaiChau:GNBV:DA4:TDA9:NSTW:SN:Y2025"
    ledger = tmp_path / "main.beancount"
    ledger.write_text(HEADER.replace('budget_rules"', 'budget_rules" "catalogue=extra.toml"')
                      + opens(line) + allocate("2025-01-10", line, 10), encoding="utf-8")
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []


def test_an_open_levels_item_comes_from_the_books_catalogue(tmp_path):
    """'Nội dung 07' of a 2026–2035 nội dung thành phần: not in the bundled catalogue
    (an open level); refused with where it should come from, accepted once the books'
    catalogue file, as mtqg import writes it, names it."""
    line = "LaiChau:MTQG2635:HP2:TP01:ND07:NSTW:DTPT:Y2026"
    refusal = one_error(line)
    assert "nội dung 'MTQG2635/HP2/TP01/ND07' không có trong danh mục" in refusal
    assert "mtqg import" in refusal and "books' catalogue file" in refusal
    (tmp_path / "items.toml").write_text(
        '[[programs]]\ncode = "MTQG2635"\n[[programs.projects]]\ncode = "HP2"\n'
        '[[programs.projects.subprojects]]\ncode = "TP01"\n'
        '[[programs.projects.subprojects.contents]]\ncode = "ND07"\n'
        'title_vi = "Nội dung 07: Hỗ trợ nhà ở"\n', encoding="utf-8")
    ledger = tmp_path / "main.beancount"
    ledger.write_text(HEADER.replace('budget_rules"', 'budget_rules" "catalogue=items.toml"')
                      + opens(line) + allocate("2026-01-10", line, 10), encoding="utf-8")
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []
