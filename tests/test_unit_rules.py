"""The budget rules per spending unit (plugins/unit_rules.py) and the NĐ 254/2025 advance
rules: each with books that break it and books that keep it; warn= and stop= on the plugin line.

A decision row naming a unit books an allocation with ``unit: "<name>"``; the line is then
controlled per unit. Treasury movements name their unit the same way (or by the payee of a
hand-written voucher).
"""

from __future__ import annotations

from pathlib import Path

import booktext
import pytest
from beancount import loader
from booktext import (
    HEADER,
    TDA1_DTPT,
    TDA2_SN,
    advance,
    decided,
    extend,
    line_of,
    opens,
    pay,
    settle,
    transaction,
)
from clirun import mtqg

from mtqgledger.model import postings
from mtqgledger.plugins.budget_rules import rule_warnings

MT = "UBND huyện Mường Tè"
SO = "Sở Nông nghiệp và Môi trường"
BUM_NUA = "UBND xã Bum Nưa"
TY = 1_000_000_000  # một tỷ đồng
TRIEU = 1_000_000

# --- helpers ---------------------------------------------------------------------------


def allocate(day: str, line: str, value: int, unit: str | None = None,
             decision: str = "77/QĐ-UBND") -> str:
    """Giao kế hoạch vốn, to ``unit`` when given (a decision row under the sub-project)."""
    return booktext.allocate(day, line, value, decision, unit)


def extend_unit(day: str, line: str, year: int, value: int, unit: str) -> str:
    """mtqg extend on a line divided among units: the unit's rest, still the unit's."""
    meta = {**decided(day, "257/2025/QH15"), "kind": postings.EXTENSION_CODE, "unit": unit}
    return transaction(day, "Kéo dài kế hoạch vốn", meta,
                       postings.extension(line_of(line), year, value))


def header(options: str = "") -> str:
    return HEADER.replace('budget_rules"', f'budget_rules" "{options}"') if options else HEADER


def check(*parts: str, options: str = "") -> tuple[list[str], list[str]]:
    """(error messages, warning messages) of header + parts, as bean-check loads them."""
    _, errors, options_map = loader.load_string(header(options) + "\n".join(parts))
    return ([error.message for error in errors],
            [warning.message for warning in rule_warnings(options_map)])


def errors(*parts: str, options: str = "") -> list[str]:
    return check(*parts, options=options)[0]


def divided(*extra: str) -> list[str]:
    """TDA2 NSTW SN of 2025 divided: Mường Tè 2,5 tỷ, the Sở 5 tỷ (QĐ 77 of 05/03/2025)."""
    return [opens(TDA2_SN), allocate("2025-03-05", TDA2_SN, 2_500_000_000, MT),
            allocate("2025-03-05", TDA2_SN, 5 * TY, SO), *extra]


# --- unit_allocation -----------------------------------------------------------------------


def test_a_unit_without_a_plan_on_a_controlled_line_is_an_error():
    (found,) = errors(*divided(pay("2025-06-01", TDA2_SN, 100 * TRIEU, BUM_NUA)))
    assert f"'{BUM_NUA}'" in found and "không có kế hoạch vốn" in found
    assert TDA2_SN in found and "01/06/2025" in found
    assert f"các đơn vị được giao: {SO}, {MT}" in found  # the units allocated


def test_units_with_a_plan_may_spend_on_a_controlled_line():
    assert errors(*divided(pay("2025-06-01", TDA2_SN, TY, MT),
                           advance("2025-06-02", TDA2_SN, 2 * TY, SO))) == []


def test_a_line_not_divided_among_units_takes_any_unit():
    assert errors(opens(TDA2_SN), allocate("2025-03-05", TDA2_SN, 5 * TY),
                  pay("2025-06-01", TDA2_SN, TY, BUM_NUA), pay("2025-06-02", TDA2_SN, TY)) == []


def test_a_line_is_controlled_from_its_first_allocation_to_a_unit():
    before = pay("2025-02-01", TDA2_SN, 100 * TRIEU, BUM_NUA)  # not yet divided: fine
    after = pay("2025-06-01", TDA2_SN, 100 * TRIEU, BUM_NUA)
    base = [opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, TY, decision="5/QĐ-UBND"),
            allocate("2025-03-05", TDA2_SN, 2_500_000_000, MT)]
    assert errors(*base, before) == []
    (found,) = errors(*base, before, after)
    assert BUM_NUA in found and "01/06/2025" in found


def test_a_unit_is_refused_once_per_line():
    found = errors(*divided(pay("2025-06-01", TDA2_SN, 10 * TRIEU, BUM_NUA),
                            advance("2025-07-01", TDA2_SN, 20 * TRIEU, BUM_NUA)))
    assert len(found) == 1 and BUM_NUA in found[0]


def test_the_payee_names_the_unit_of_a_hand_written_voucher():
    def by_payee(payee: str) -> str:
        return (f'2025-06-01 * "{payee}" "Thanh toán"\n  voucher: "KBLC-25-00002"\n'
                f"  Expenses:Disbursed:{TDA2_SN}  100000000 VND\n"
                f"  Assets:Appropriation:{TDA2_SN}  -100000000 VND\n")

    assert errors(*divided(by_payee(MT))) == []
    (found,) = errors(*divided(by_payee(BUM_NUA)))
    assert f"'{BUM_NUA}'" in found


def test_a_spelling_the_registry_knows_is_the_allocated_unit(tmp_path: Path):
    (tmp_path / "units.toml").write_text(
        f'[[units]]\nprovince = "LaiChau"\nname = "{MT}"\ncode = "1049912"\n', encoding="utf-8")
    ledger = tmp_path / "main.beancount"
    ledger.write_text(header("catalogue=units.toml") + "\n".join(divided(
        pay("2025-06-01", TDA2_SN, 100 * TRIEU, "UBND H. Mường Tè"),
        pay("2025-06-02", TDA2_SN, 100 * TRIEU, "Ủy ban nhân dân huyện Mường Tè"))),
        encoding="utf-8")
    _, found, _ = loader.load_file(str(ledger))
    assert [error.message for error in found] == []


def test_a_movement_naming_no_unit_spends_the_lines_own_pool():
    pool = allocate("2025-03-05", TDA2_SN, TY, decision="78/QĐ-UBND")  # to no unit
    assert errors(*divided(pool, pay("2025-06-01", TDA2_SN, 100 * TRIEU))) == []


def test_a_movement_naming_no_unit_on_a_line_without_a_pool_is_refused():
    (found,) = errors(*divided(pay("2025-06-01", TDA2_SN, 100 * TRIEU)))
    assert "không ghi đơn vị" in found and TDA2_SN in found


# --- unit_overdraft ----------------------------------------------------------------------


def test_a_unit_spending_beyond_its_plan_is_an_error_within_the_lines_plan():
    # the line has 7,5 tỷ; Mường Tè only 2,5 of them
    (found,) = errors(*divided(pay("2025-06-10", TDA2_SN, 2_600_000_000, MT)))
    assert f"'{MT}'" in found and TDA2_SN in found and "10/06/2025" in found
    assert "2.600.000.000 đ" in found and "2.500.000.000 đ" in found
    assert "vượt 100.000.000 đ" in found


def test_advances_and_payments_of_a_unit_add_up_against_its_plan():
    (found,) = errors(*divided(advance("2025-06-10", TDA2_SN, 2 * TY, MT),
                               pay("2025-07-10", TDA2_SN, 600 * TRIEU, MT)))
    assert f"'{MT}'" in found and "10/07/2025" in found and "vượt 100.000.000 đ" in found


def test_a_unit_spending_its_whole_plan_is_fine():
    assert errors(*divided(advance("2025-06-10", TDA2_SN, 2 * TY, MT),
                           pay("2025-07-10", TDA2_SN, 500 * TRIEU, MT),
                           pay("2025-07-10", TDA2_SN, 5 * TY, SO))) == []


def test_a_unit_is_judged_at_the_end_of_the_day():
    top_up = allocate("2025-06-10", TDA2_SN, 100 * TRIEU, MT, decision="90/QĐ-UBND")
    assert errors(*divided(pay("2025-06-10", TDA2_SN, 2_600_000_000, MT), top_up)) == []


# --- unit_settlement ---------------------------------------------------------------------


def test_a_settlement_beyond_the_units_advance_is_an_error_though_the_line_covers_it():
    (found,) = errors(*divided(advance("2025-06-01", TDA2_SN, 300 * TRIEU, MT),
                               advance("2025-06-01", TDA2_SN, 300 * TRIEU, SO),
                               settle("2025-08-01", TDA2_SN, 400 * TRIEU, MT)))
    assert "Thu hồi vượt tạm ứng chưa thu hồi" in found and f"'{MT}'" in found
    assert TDA2_SN in found and "01/08/2025" in found
    assert "300.000.000 đ" in found and "vượt 100.000.000 đ" in found


def test_settling_the_units_whole_advance_is_fine():
    assert errors(*divided(advance("2025-06-01", TDA2_SN, 300 * TRIEU, MT),
                           advance("2025-06-01", TDA2_SN, 300 * TRIEU, SO),
                           settle("2025-08-01", TDA2_SN, 300 * TRIEU, MT),
                           settle("2025-08-01", TDA2_SN, 300 * TRIEU, SO))) == []


# --- advance_until (NĐ 254/2025: advances of plan-year N money until 31/12/N) -------------

DTPT_2025 = [opens(TDA1_DTPT), allocate("2025-01-10", TDA1_DTPT, 10 * TY)]


def test_an_advance_after_the_plan_year_is_an_error():
    # investment money: payments until 31/01/2026, but advances only until 31/12/2025
    (found,) = errors(*DTPT_2025, advance("2026-01-02", TDA1_DTPT, TY))
    assert "02/01/2026" in found and "31/12/2025" in found and "NĐ 254/2025" in found
    assert TDA1_DTPT in found


def test_an_advance_on_the_last_day_of_the_plan_year_is_fine():
    assert errors(*DTPT_2025, advance("2025-12-31", TDA1_DTPT, TY)) == []


def test_a_payment_after_the_plan_year_is_not_an_advance():
    assert errors(*DTPT_2025, pay("2026-01-02", TDA1_DTPT, TY)) == []


def test_advance_until_option_moves_the_last_day():
    option = "advance_until=30/11 N"
    (found,) = errors(*DTPT_2025, advance("2025-12-01", TDA1_DTPT, TY), options=option)
    assert "01/12/2025" in found and "30/11/2025" in found
    assert errors(*DTPT_2025, advance("2025-11-30", TDA1_DTPT, TY), options=option) == []


def test_extended_money_is_advanced_until_its_extension_date():
    target = f"{TDA1_DTPT}:K2026"
    assert errors(opens(TDA1_DTPT, target), allocate("2025-01-10", TDA1_DTPT, 10 * TY),
                  extend("2026-01-31", TDA1_DTPT, 2026, 6 * TY, extend_to="2026-12-31"),
                  advance("2026-03-01", target, TY)) == []


def test_a_malformed_advance_until_is_a_clear_error():
    (found,) = errors(*DTPT_2025, options="advance_until=31/13 N")
    assert "advance_until" in found and "31/12 N" in found


# --- advance_recovery (advances recovered once payments reach 80 % of the plan) ---------------

TDA2_TY = [opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, TY, MT)]


def test_payments_below_the_share_leave_advances_outstanding():
    assert errors(*TDA2_TY, advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                  pay("2025-03-01", TDA2_SN, 799_999_999, MT)) == []


def test_advances_outstanding_at_80_percent_paid_is_an_error_said_once():
    found = errors(*TDA2_TY, advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                   pay("2025-03-01", TDA2_SN, 790 * TRIEU, MT),
                   pay("2025-04-01", TDA2_SN, 10 * TRIEU, MT),  # now 80 %
                   pay("2025-05-01", TDA2_SN, 50 * TRIEU, MT))  # still outstanding: not said again
    assert len(found) == 1, found
    assert "Tạm ứng chưa thu hồi" in found[0] and TDA2_SN in found[0]
    assert "01/04/2025" in found[0] and "100.000.000 đ" in found[0]
    assert "800.000.000 đ" in found[0] and "80 %" in found[0]


def test_advances_recovered_the_day_payments_reach_the_share_are_fine():
    assert errors(*TDA2_TY, advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                  pay("2025-04-01", TDA2_SN, 800 * TRIEU, MT),
                  settle("2025-04-01", TDA2_SN, 100 * TRIEU, MT)) == []


def test_advance_recovery_option_raises_the_share():
    assert errors(*TDA2_TY, advance("2025-02-01", TDA2_SN, 50 * TRIEU, MT),
                  pay("2025-04-01", TDA2_SN, 850 * TRIEU, MT), options="advance_recovery=90") == []


def test_advance_recovery_option_is_the_share_reported():
    (found,) = errors(*TDA2_TY, advance("2025-02-01", TDA2_SN, 50 * TRIEU, MT),
                      pay("2025-04-01", TDA2_SN, 900 * TRIEU, MT), options="advance_recovery=90")
    assert "90 %" in found and "50.000.000 đ" in found


def test_advance_recovery_is_per_unit_on_a_controlled_line():
    # Mường Tè has paid 80 % of its 1 tỷ; the line as a whole only 8 % of 10 tỷ.
    (found,) = errors(opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, TY, MT),
                      allocate("2025-01-10", TDA2_SN, 9 * TY, SO),
                      advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                      pay("2025-04-01", TDA2_SN, 800 * TRIEU, MT))
    assert f"'{MT}'" in found and TDA2_SN in found and "80 %" in found


def test_a_line_not_divided_among_units_is_not_judged_as_one_contract():
    # 90 % of the province's line paid while one unit's advance is outstanding: the line
    # holds many units' contracts, so the rule has no estimate to measure against.
    assert errors(opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, TY),
                  advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                  pay("2025-04-01", TDA2_SN, 900 * TRIEU, SO)) == []


def test_an_extension_does_not_lower_the_estimate():
    target = f"{TDA2_SN}:K2026"
    # Mường Tè paid 70 % of its 1 tỷ with 100 triệu advanced; the rest (200 triệu) is
    # extended into 2026: paid/what remains on the 2025 line would read 87,5 %.
    assert errors(opens(TDA2_SN, target), allocate("2025-01-10", TDA2_SN, TY, MT),
                  advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                  pay("2025-04-01", TDA2_SN, 700 * TRIEU, MT),
                  extend_unit("2026-01-31", TDA2_SN, 2026, 200 * TRIEU, MT)) == []


def test_another_units_advance_is_not_due_when_this_unit_pays():
    assert errors(opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, TY, MT),
                  allocate("2025-01-10", TDA2_SN, 9 * TY, SO),
                  advance("2025-02-01", TDA2_SN, 100 * TRIEU, MT),
                  pay("2025-04-01", TDA2_SN, 8 * TY, SO)) == []


@pytest.mark.parametrize("value", ["0", "101", "tám mươi", "80,90"])
def test_a_malformed_advance_recovery_is_a_clear_error(value: str):
    (found,) = errors(*TDA2_TY, options=f"advance_recovery={value}")
    assert "advance_recovery" in found and "1–100" in found


# --- warn= and stop= ---------------------------------------------------------------------


def test_warn_makes_a_unit_overdraft_a_warning():
    found, warned = check(*divided(pay("2025-06-10", TDA2_SN, 2_600_000_000, MT)),
                          options="warn=unit_overdraft")
    assert found == []
    (warning,) = warned
    assert warning.startswith("[unit_overdraft]") and f"'{MT}'" in warning
    assert "vượt 100.000.000 đ" in warning


def test_warn_makes_a_unit_without_a_plan_a_warning():
    found, warned = check(*divided(pay("2025-06-01", TDA2_SN, 100 * TRIEU, BUM_NUA)),
                          options="warn=unit_allocation")
    assert found == []
    (warning,) = warned
    assert warning.startswith("[unit_allocation]") and f"'{BUM_NUA}'" in warning


def test_a_warned_rule_warns_of_nothing_in_clean_books():
    assert check(*divided(pay("2025-06-10", TDA2_SN, 2_500_000_000, MT)),
                 options="warn=unit_overdraft,unit_allocation") == ([], [])


def test_stop_wins_over_warn():
    found, warned = check(*divided(pay("2025-06-01", TDA2_SN, 100 * TRIEU, BUM_NUA)),
                          options="warn=unit_allocation; stop=unit_allocation")
    assert len(found) == 1 and BUM_NUA in found[0] and warned == []


def test_a_warning_for_one_rule_leaves_the_others_errors():
    found, warned = check(*divided(pay("2025-06-01", TDA2_SN, 100 * TRIEU, BUM_NUA)),
                          options="warn=advance_recovery")
    assert len(found) == 1 and BUM_NUA in found[0] and warned == []


def test_an_unknown_rule_in_warn_is_a_clear_error():
    (found,) = errors(*divided(), options="warn=unit_overdraf")
    assert "warn=" in found and "unit_overdraf" in found
    assert "known rules" in found and "unit_overdraft" in found and "advance_recovery" in found


def warned_books(tmp_path: Path) -> Path:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(header("warn=unit_allocation") + "\n".join(
        divided(pay("2025-06-01", TDA2_SN, 100 * TRIEU, BUM_NUA))), encoding="utf-8")
    return ledger


def test_mtqg_check_passes_books_whose_breach_is_a_warning(tmp_path: Path):
    result = mtqg("check", warned_books(tmp_path))
    assert "hợp lệ" in result.output


def test_mtqg_check_shows_the_rule_warnings(tmp_path: Path):
    result = mtqg("check", warned_books(tmp_path))
    assert BUM_NUA in result.output and "unit_allocation" in result.output


# --- money above 10^13 đồng -------------------------------------------------------------------

HUGE = 12_345_678_901_234_567  # đồng: far beyond a float's exact integers


def huge_books(*extra: str) -> list[str]:
    return [opens(TDA2_SN), allocate("2025-03-05", TDA2_SN, HUGE, MT),
            allocate("2025-03-05", TDA2_SN, 98_765_432_109_876_543, SO), *extra]


def test_a_units_huge_plan_is_spent_to_the_last_dong():
    assert errors(*huge_books(advance("2025-06-01", TDA2_SN, HUGE - 1, MT),
                              pay("2025-06-02", TDA2_SN, 1, MT))) == []


def test_one_dong_beyond_a_units_huge_plan_is_an_error():
    (found,) = errors(*huge_books(pay("2025-06-01", TDA2_SN, HUGE + 1, MT)))
    assert f"'{MT}'" in found and "vượt 1 đ" in found
    assert "12.345.678.901.234.568 đ" in found and "12.345.678.901.234.567 đ" in found


PLAN = 12_345_678_901_234_565  # 80 % of it is a whole đồng: 9.876.543.120.987.652
EIGHTY = PLAN * 4 // 5


def test_huge_payments_one_dong_below_the_share_are_fine():
    assert errors(opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, PLAN, MT),
                  advance("2025-02-01", TDA2_SN, 1, MT),
                  pay("2025-04-01", TDA2_SN, EIGHTY - 1, MT)) == []


def test_huge_payments_reaching_the_share_exactly_make_recovery_due():
    (found,) = errors(opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, PLAN, MT),
                      advance("2025-02-01", TDA2_SN, 1, MT), pay("2025-04-01", TDA2_SN, EIGHTY, MT))
    assert "9.876.543.120.987.652 đ" in found



def test_the_account_model_cannot_be_set_to_warn():
    bad = "Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSTW:SN"  # no plan year
    (found,) = errors(f"2025-01-01 open {bad} VND\n", options="warn=catalogue")
    assert "account model" in found
    (refused,) = errors(options="warn=account_model")
    assert "account_model" in refused and "known rules" in refused


def test_an_item_the_catalogue_lacks_can_be_set_to_warn():
    line = "LaiChau:GNBV:DA4:TDA9:NSTW:SN:Y2025"
    found, warned = check(opens(line), options="warn=catalogue")
    assert found == [] and len(warned) == 1 and "TDA9" in warned[0]
