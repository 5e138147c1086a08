"""The posting pattern of every kind of transaction: the one place it is written down.

Each kind moves money between the four accounts of a line (docs/accounts.md has
a worked example of each). The importers, the test books and the benchmark
generator all build their postings here, as ``(account, amount)`` pairs of whole
đồng that sum to zero.

=================  =====================  =====================  ============
kind               debit                  credit                 cites
=================  =====================  =====================  ============
allocation         Appropriation          Allocated              decision
top_up             Appropriation          Allocated              decision
cancellation       Allocated              Appropriation          decision
adjustment         cancellation on one line + allocation on another
extension          the same, from a line to its ``K<year>`` segment
advance            Advance                Appropriation          voucher
payment            Disbursed              Appropriation          voucher
settlement         Disbursed              Advance                voucher
return             Appropriation          Disbursed              voucher
return_advance     Appropriation          Advance                voucher
handover           the giver's remaining plan and advances,       decision or record
                   with their plan, to the receiver
=================  =====================  =====================  ============
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqgledger.model.accounts import Line, Root

Posting = tuple[str, int]  # (account, amount in whole đồng)


@dataclass(frozen=True)
class Kind:
    """A kind of transaction on one line: the roots it debits and credits.

    ``code`` is the transaction's ``kind`` metadata; ``cites`` says whether it
    rests on a decision or on a treasury voucher.
    """

    name: str
    code: str
    debit: Root
    credit: Root
    cites: str  # decision | voucher

    @property
    def consumes_advance(self) -> bool:
        """True if the movement takes money out of an outstanding advance."""
        return self.credit is Root.ADVANCE

    def postings(self, line: Line | str, amount: int) -> list[Posting]:
        """The postings of ``amount`` on a line (or a line's name, checked or not)."""
        name = line if isinstance(line, str) else line.name()
        return [(f"{self.debit.value}:{name}", amount), (f"{self.credit.value}:{name}", -amount)]


ALLOCATION = Kind("allocation", "giao", Root.APPROPRIATION, Root.ALLOCATED, "decision")
TOP_UP = Kind("top_up", "bo-sung", Root.APPROPRIATION, Root.ALLOCATED, "decision")
CANCELLATION = Kind("cancellation", "huy", Root.ALLOCATED, Root.APPROPRIATION, "decision")
ADVANCE = Kind("advance", "tam-ung", Root.ADVANCE, Root.APPROPRIATION, "voucher")
PAYMENT = Kind("payment", "thanh-toan", Root.DISBURSED, Root.APPROPRIATION, "voucher")
SETTLEMENT = Kind("settlement", "thu-hoi-tam-ung", Root.DISBURSED, Root.ADVANCE, "voucher")
RETURN = Kind("return", "giam-chi", Root.APPROPRIATION, Root.DISBURSED, "voucher")
RETURN_ADVANCE = Kind("return_advance", "giam-chi", Root.APPROPRIATION, Root.ADVANCE, "voucher")
ADJUSTMENT_CODE = "dieu-chinh"
EXTENSION_CODE = "keo-dai"
HANDOVER_CODE = "ban-giao"


# Where a transaction's money comes from: the metadata every importer writes (the audit
# workbook's Nhật ký and the Parquet movement table give each a column of its own).
PROVENANCE_KEYS = ("decision", "decision_date", "voucher", "source_file", "sheet", "row")


def cited_reference(meta: dict) -> str | None:
    """The voucher or decision a transaction cites (its provenance), if any."""
    cited = meta.get("voucher") or meta.get("decision")
    return None if cited is None else str(cited)


def adjustment(source: Line | str, target: Line | str, amount: int) -> list[Posting]:
    """Điều chỉnh: ``amount`` of plan moves from ``source`` to ``target``."""
    return [*CANCELLATION.postings(source, amount), *ALLOCATION.postings(target, amount)]


def extension(line: Line, year: int, amount: int) -> list[Posting]:
    """Kéo dài / chuyển nguồn: the line's unused ``amount`` and its plan move into ``year``."""
    return [*CANCELLATION.postings(line, amount), *ALLOCATION.postings(line.extended(year),
                                                                        amount)]


def payment(line: Line, amount: int, recovered: int = 0) -> list[Posting]:
    """Thanh toán of ``amount``, of which ``recovered`` settles an outstanding advance."""
    postings = [(line.account(Root.DISBURSED), amount)]
    if recovered:
        postings.append((line.account(Root.ADVANCE), -recovered))
    if amount - recovered:
        postings.append((line.account(Root.APPROPRIATION), recovered - amount))
    return postings


UnitPosting = tuple[str, int, str]  # (account, amount in whole đồng, spending unit)


def handover(line: Line, giver: str, receiver: str, plan: int, advance: int,
             ) -> list[UnitPosting]:
    """Bàn giao: the giver's remaining ``plan`` on a line and its outstanding ``advance``
    move to the receiver, the advance with the plan it was made from (the receiver
    recovers it); the line's own figures do not change."""
    postings: list[UnitPosting] = []
    moved = plan + advance
    if moved:
        postings += [(line.account(Root.ALLOCATED), moved, giver),
                     (line.account(Root.ALLOCATED), -moved, receiver)]
    if plan:
        postings += [(line.account(Root.APPROPRIATION), -plan, giver),
                     (line.account(Root.APPROPRIATION), plan, receiver)]
    if advance:
        postings += [(line.account(Root.ADVANCE), -advance, giver),
                     (line.account(Root.ADVANCE), advance, receiver)]
    return postings
