"""A snapshot's entries read back are the entries written, to the repr of every number."""

from __future__ import annotations

import io
import textwrap
from decimal import Decimal

from beancount.parser import booking, parser

from mtqgledger.snapshot import codec

BOOKS = textwrap.dedent('''
    2025-01-01 open Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025 VND
    2025-01-01 open Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025 VND
    2025-01-01 open Assets:Cash
    2025-01-01 commodity VND
      name: "Việt Nam đồng"

    2025-01-10 * "UBND tỉnh" "Giao kế hoạch vốn" #mtqg ^qd-1
      decision: "1/QĐ-UBND"
      decision_date: 2025-01-05
      kind: "giao"
      Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025   25000000000000 VND
      Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025      -25000000000000 VND

    2025-01-11 * "Số không có dấu"
      voucher: "KB-1"
      Assets:Cash   -0 VND
      Assets:Cash    0 VND

    2025-01-12 * "Phần lẻ và số mũ"
      voucher: "KB-2"
      Assets:Cash   1.50 VND
      Assets:Cash   -1.5 VND
      Assets:Cash   1000.00 VND
      Assets:Cash   -1000 VND

    2025-01-13 * "Dòng có metadata riêng"
      voucher: "KB-3"
      Assets:Cash   10 VND
        unit: "Sở Nông nghiệp và Môi trường"
      Assets:Cash  -10 VND

    2025-01-14 ! "Giá và giá vốn"
      voucher: "KB-4"
      Assets:Cash   10 USD @ 26000 VND
      Assets:Cash  -260000 VND

    2025-01-15 * "Số tiền được suy ra"
      voucher: "KB-5"
      Assets:Cash   7 VND
      ! Assets:Cash

    2025-01-16 note Assets:Cash "ghi chú"
    2025-01-17 price USD 26000 VND
    ''')


def round_trip(entries: list) -> list:
    handle = io.BytesIO()
    codec.dump(codec.encoded(entries), handle)
    handle.seek(0)
    return codec.decoded(codec.load(handle))


def test_entries_come_back_equal_and_printing_the_same() -> None:
    parsed, errors, options = parser.parse_string(BOOKS, "books.beancount")
    assert errors == []
    entries, errors = booking.book(parsed, options)
    assert errors == []
    again = round_trip(entries)
    assert again == entries
    assert [repr(entry) for entry in again] == [repr(entry) for entry in entries]
    # the plain transactions were written as tuples, the others as they are
    kinds = [record[0] for record in codec.encoded(entries)]
    assert kinds.count(0) >= 2 and kinds.count(1) >= 6


def test_big_and_negative_whole_numbers_stay_exact() -> None:
    parsed, _, options = parser.parse_string(BOOKS, "books.beancount")
    entries, _ = booking.book(parsed, options)
    again = round_trip(entries)
    allocation = next(entry for entry in again if entry.meta.get("kind") == "giao")
    numbers = [posting.units.number for posting in allocation.postings]
    assert [str(number) for number in numbers] == ["25000000000000", "-25000000000000"]
    assert allocation.meta["decision_date"].isoformat() == "2025-01-05"
    assert allocation.tags == {"mtqg"} and allocation.links == {"qd-1"}


def test_tolerances_come_back_as_booked_alike_ones_shared() -> None:
    from beancount.core import interpolate
    from beancount.utils.defdict import ImmutableDictWithDefault

    parsed, _, options = parser.parse_string(BOOKS, "books.beancount")
    entries, _ = booking.book(parsed, options)
    key = interpolate.AUTOMATIC_TOLERANCES
    transactions = [entry for entry in entries if key in entry.meta]
    # alike tolerances, and ones that differ only in an exponent: kept apart
    allocation = next(entry for entry in transactions if entry.meta.get("kind") == "giao")
    alike = [allocation._replace(meta={**allocation.meta, key: ImmutableDictWithDefault(
        {"VND": Decimal("0.5")}, default=Decimal(0))}) for _ in range(3)]
    odd = [allocation._replace(meta={**allocation.meta, key: ImmutableDictWithDefault(
        {"VND": Decimal(exponent)}, default=Decimal(default))})
        for exponent, default in (("0.50", "0"), ("0.5", "0.0"))]
    entries += [*alike, *odd]
    again = round_trip(entries)

    def described(tolerances) -> tuple:
        return (type(tolerances), str(tolerances.default),
                tuple(sorted((currency, str(number)) for currency, number in tolerances.items())))

    booked = [entry.meta[key] for entry in entries if key in entry.meta]
    read = [entry.meta[key] for entry in again if key in entry.meta]
    assert [described(t) for t in read] == [described(t) for t in booked]
    assert len({id(t) for t in read[-5:-2]}) == 1  # the alike ones: one object
    assert len({id(t) for t in read[-5:]}) == 3  # told apart by what they print
