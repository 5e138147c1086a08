"""Tests for Vietnamese display of amounts, ratios and dates (mtqgledger.outputs.formatting)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from mtqgledger.outputs.formatting import UNITS, format_amount, format_date, format_ratio

# --- format_amount -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1.000"),
        (1_234_567, "1.234.567"),
        (-1_234_567, "-1.234.567"),
        (-5, "-5"),
        # GNBV DA4 TDA1 plan in the sample books (ledgers/laichau/2025.beancount)
        (177_215_000_000, "177.215.000.000"),
        (10**15, "1.000.000.000.000.000"),
        (12_345_678_901_234_567, "12.345.678.901.234.567"),
    ],
)
def test_format_amount_in_dong_groups_thousands_with_dots(amount: int, expected: str) -> None:
    assert format_amount(amount) == expected


def test_format_amount_in_dong_is_exact_above_float_precision() -> None:
    # 2**53 + 1 cannot be represented as a float: formatting must not pass through float.
    amount = 2**53 + 1
    assert format_amount(amount).replace(".", "") == str(amount)


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (177_215_000_000, "trieu", "177.215,000"),
        (177_215_000_000, "ty", "177,215"),
        (0, "trieu", "0,000"),
        (0, "ty", "0,000"),
        (10**15, "trieu", "1.000.000.000,000"),
        (10**15, "ty", "1.000.000,000"),
        (-8_120_000_000, "trieu", "-8.120,000"),
        (1_500, "trieu", "0,002"),  # 0.0015 million, half up
        (1_499, "trieu", "0,001"),
    ],
)
def test_format_amount_in_larger_units(amount: int, unit: str, expected: str) -> None:
    assert format_amount(amount, unit) == expected


def test_format_amount_rounds_half_up_not_half_even() -> None:
    # 1.2345 million: half-even would give 1,234; the display rule is half up.
    assert format_amount(1_234_500, "trieu") == "1,235"
    # Half up rounds away from zero for negative amounts too.
    assert format_amount(-1_234_500, "trieu") == "-1,235"


def test_format_amount_has_no_minus_sign_when_it_rounds_to_zero() -> None:
    assert format_amount(-400, "trieu") == "0,000"


def test_format_amount_explicit_decimals() -> None:
    assert format_amount(1_250_000, "trieu", decimals=1) == "1,3"
    assert format_amount(177_215_000_000, "ty", decimals=0) == "177"
    assert format_amount(1_234_567, "dong", decimals=2) == "1.234.567,00"


def test_format_amount_unknown_unit_is_rejected() -> None:
    with pytest.raises(KeyError):
        format_amount(1, "usd")


def test_units_table_divisors_and_labels() -> None:
    assert UNITS["dong"] == (1, "đồng")
    assert UNITS["trieu"] == (10**6, "triệu đồng")
    assert UNITS["ty"] == (10**9, "tỷ đồng")


# --- format_ratio ------------------------------------------------------------------------


def test_format_ratio_none_is_a_dash() -> None:
    assert format_ratio(None) == "–"


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (Decimal(0), "0,0 %"),
        (Decimal(1), "100,0 %"),
        (Decimal("0.5412"), "54,1 %"),
        # half up: half-even would give 54,0 % and 6,8 %
        (Decimal("0.5405"), "54,1 %"),
        (Decimal("0.0685"), "6,9 %"),
        (Decimal("0.54049999"), "54,0 %"),
        (Decimal("1.2345"), "123,5 %"),
        (Decimal("-0.0105"), "-1,1 %"),
    ],
)
def test_format_ratio_percent_with_decimal_comma(ratio: Decimal, expected: str) -> None:
    assert format_ratio(ratio) == expected


def test_format_ratio_of_the_sample_figures() -> None:
    # GNBV DA4 sub-projects as of 14/11/2025: disbursed / plan from ledgers/laichau/2025.beancount
    published = {
        (95_900_000_000, 177_215_000_000): "54,1 %",
        (560_000_000, 8_120_000_000): "6,9 %",
        (16_105_000_000, 23_540_000_000): "68,4 %",
        (11_520_000_000, 12_000_000_000): "96,0 %",
    }
    for (disbursed, plan), text in published.items():
        assert format_ratio(Decimal(disbursed) / Decimal(plan)) == text


def test_format_ratio_decimals() -> None:
    assert format_ratio(Decimal("0.54115"), decimals=2) == "54,12 %"
    assert format_ratio(Decimal("0.5412"), decimals=0) == "54 %"


# --- format_date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 11, 14), "14/11/2025"),
        (datetime.date(2025, 1, 5), "05/01/2025"),
        (datetime.date(2024, 12, 31), "31/12/2024"),
    ],
)
def test_format_date_is_dd_mm_yyyy(day: datetime.date, expected: str) -> None:
    assert format_date(day) == expected


# --- the locale's conventions come from Babel --------------------------------------------


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("-1234567"), Decimal("999.5"),
                                   Decimal("12345678901234567.125"), Decimal("-0.0004"),
                                   Decimal("177215.0005")])
@pytest.mark.parametrize("decimals", [0, 1, 3])
def test_same_text_as_babels_own_vi_vn_pattern(value: Decimal, decimals: int) -> None:
    from babel.numbers import format_decimal

    from mtqgledger.outputs.formatting import format_number

    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
    rounded = abs(rounded) if rounded == 0 else rounded
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert format_number(value, decimals) == format_decimal(rounded, format=pattern,
                                                            locale="vi_VN")
