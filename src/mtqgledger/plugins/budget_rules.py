"""Budget rules for MTQG books, checked by ``bean-check`` and ``mtqg check``.

Enable in a ledger with::

    plugin "mtqgledger.plugins.budget_rules"
    plugin "mtqgledger.plugins.budget_rules" "sources=NSTW,NSDP,TDCS; catalogue=my.toml"

Rules (each error names the account, the date and the amounts):

* an account under the model's roots must follow the account model, with a
  programme, project and sub-project from the catalogue, a capital type of the
  catalogue the item may receive, a configured source and a known province;
* amounts on those accounts are whole VND;
* every transaction that touches them cites its provenance: ``decision`` and
  ``decision_date``, or a treasury ``voucher``;
* at the end of each day no line's unused appropriation is negative (an
  advance or payment beyond the remaining allocation), and no line's
  outstanding advance is negative (a settlement beyond what was advanced);
* on a line whose plan is divided among spending units, the same per unit
  (plugins/unit_rules.py); advances recovered by 80 % of the plan paid, and
  advances of plan-year N money made by 31/12 of N (NĐ 254/2025/NĐ-CP);
* money of a capital type whose deadline is enforced (investment, ĐTPT: 31/01
  of N+1, see mtqgledger.model.deadlines) is not advanced or paid after it
  unless it was extended: money moved into the line's ``…:K<year>`` segment may
  be spent until that transaction's ``extend_to`` date (default 31/12 of the
  year it was extended into).

Each rule (``plugins/rule_options.RULES``) stops by default; ``warn=rule,…`` on the
plugin line makes it a warning, kept in the options as ``mtqg_warnings``
(:func:`rule_warnings`) for ``mtqg check``, the Fava page and the audit workbook.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import os
from collections.abc import Callable, Sequence
from decimal import Decimal

from beancount.core import data

from mtqgledger.model.accounts import AccountError, Line, Root, parse_account
from mtqgledger.model.catalogue import (
    DEFAULT_LEVELS,
    Capital,
    Catalogue,
    CatalogueError,
    Level,
)
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.deadlines import extension_end, spending_deadline
from mtqgledger.model.postings import HANDOVER_CODE
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.formatting import format_date
from mtqgledger.plugins.rule_options import ACCOUNT_MODEL, WARN, RuleConfig
from mtqgledger.plugins.rule_state import RuleState, frozen, remember, resumed
from mtqgledger.plugins.unit_rules import UnitLedger, divided_lines, dong

__plugins__ = ("budget_rules",)

BudgetRuleError = collections.namedtuple("BudgetRuleError", "source message entry")
BudgetRuleWarning = collections.namedtuple("BudgetRuleWarning", "source message entry")
WARNINGS_OPTION = "mtqg_warnings"

NO_SOURCE = data.new_metadata("<budget_rules>", 0)
SPENDING_ROOTS = (Root.ADVANCE, Root.DISBURSED)


def catalogue_files(options_map: dict, base_dir: str) -> list[str]:
    """The extra catalogue files named on the books' budget-rule plugin line(s).

    A malformed option is skipped here: the plugin itself reports it as a ledger error.
    """
    files: list[str] = []
    for name, config in options_map.get("plugin", []):
        if name == __name__:
            with contextlib.suppress(ValueError):
                files.extend(RuleConfig.parse(config, base_dir).catalogue_files)
    return files


def _not_in_catalogue(catalogue: Catalogue, path: tuple[str, ...],
                      levels: Sequence[Level]) -> str:
    parent = catalogue.node(path[:-1]) if len(path) > 1 else None
    known = (parent.children if parent else catalogue.programs.values())
    codes = ", ".join(child.code for child in known) or "none"
    level = levels[len(path) - 2] if 2 <= len(path) <= len(levels) + 1 else None
    name = "chương trình" if len(path) == 1 else (level.name.lower() if level else "mục")
    hint = (f"not in the catalogue; known here: {codes}"
            + ("; items of this level come from the decision that allocates them "
               "(mtqg import) or the books' catalogue file" if level and level.open else ""))
    return bilingual(f"{name} '{'/'.join(path)}' không có trong danh mục", hint)


def check_line(line: Line, catalogue: Catalogue, sources: frozenset[str]) -> list[str]:
    """Problems with a line's codes against the catalogue and configuration."""
    problems = []
    if line.province not in catalogue.provinces:
        problems.append(bilingual(f"tỉnh '{line.province}' không có trong danh mục",
                                  "unknown province"))
    node = None
    program = catalogue.programs.get(line.program)
    levels = program.levels if program else DEFAULT_LEVELS
    for depth in range(1, len(line.item_path) + 1):
        path = line.item_path[:depth]
        node = catalogue.node(path)
        if node is None:
            problems.append(_not_in_catalogue(catalogue, path, levels))
            break
    if line.capital not in catalogue.capitals:
        problems.append(bilingual(f"loại vốn '{line.capital}' không hợp lệ",
                                  "capital type must be one of "
                                  f"{', '.join(catalogue.capitals)}"))
    elif node is not None and line.capital not in node.capitals:
        allowed = ", ".join(sorted(node.capitals))
        problems.append(bilingual(f"'{'/'.join(line.item_path)}' không nhận vốn {line.capital}",
                                  f"this item receives {allowed}"))
    if line.source not in sources:
        problems.append(bilingual(f"nguồn vốn '{line.source}' chưa được cấu hình",
                                  f"configured sources: {', '.join(sorted(sources))}"))
    return problems


class _Checker:
    def __init__(self, catalogue: Catalogue, config: RuleConfig, divided: set[Line]):
        self.catalogue = catalogue
        self.config = config
        self.sources = config.sources or catalogue.default_sources()
        self.errors: list[BudgetRuleError] = []
        self.warnings: list[BudgetRuleWarning] = []
        self.units = UnitLedger(catalogue.unit_registry, self.error, config.advance_recovery,
                                divided)
        self.checked_accounts: dict[str, tuple[Root | None, Line | None]] = {}
        self.checked_lines: set[Line] = set()
        self.malformed_lines: set[str] = set()
        self.balances: dict[str, Decimal] = collections.defaultdict(Decimal)
        self.deadlines: dict[Line, datetime.date] = {}
        self.rule_days: dict[tuple[str, int, bool], datetime.date] = {}
        self.advance_days: dict[int, datetime.date] = {}
        self.quiet_days: dict[tuple[Line, bool], datetime.date] = {}
        self.day: datetime.date | None = None
        # account -> (opening balance of the day, amount taken out that day, last entry taking)
        self.taken_today: dict[str, tuple[Decimal, Decimal, data.Transaction]] = {}

    def error(self, rule: str, entry: data.Directive | None, message: str) -> None:
        meta = entry.meta if entry is not None else NO_SOURCE
        if self.config.severity(rule) == WARN:
            self.warnings.append(BudgetRuleWarning(meta, f"[{rule}] {message}", entry))
        else:
            self.errors.append(BudgetRuleError(meta, message, entry))

    def root_and_line(self, account: str, entry: data.Directive,
                      ) -> tuple[Root | None, Line | None]:
        """The account's root and line (None, None outside the model), checked once."""
        known = self.checked_accounts.get(account)
        if known is not None:
            return known
        root = line = None
        try:
            parsed = parse_account(account)
        except AccountError as problem:
            line_part = account.split(":", 2)[-1]
            if line_part not in self.malformed_lines:  # one report per line, not per root
                self.malformed_lines.add(line_part)
                self.error(ACCOUNT_MODEL, entry,
                           f"Tài khoản sai mô hình (account model): {problem}")
        else:
            if parsed is not None:
                root, line = parsed
                if line not in self.checked_lines:  # one report per line, not per root
                    self.checked_lines.add(line)
                    for problem in check_line(line, self.catalogue, self.sources):
                        self.error("catalogue", entry, f"Dòng vốn {line.name()}: {problem}")
        self.checked_accounts[account] = (root, line) if line is not None else (None, None)
        return self.checked_accounts[account]

    def open(self, entry: data.Open) -> None:
        self.root_and_line(entry.account, entry)

    def transaction(self, entry: data.Transaction) -> None:
        if entry.date != self.day:
            self.close_day()
            self.day = entry.date
        # The hot path of a check over 100,000 entries: one pass over the postings finds
        # the model's and whether the entry spends or advances (the latter two only matter
        # outside a handover).
        checked = self.checked_accounts
        model_postings = []
        spends = advancing = False
        for posting in entry.postings:
            known = checked.get(posting.account)
            if known is None:
                known = self.root_and_line(posting.account, entry)
            if known[1] is not None:
                model_postings.append((posting, *known))
                root = known[0]
                if root in SPENDING_ROOTS:
                    spends = True
                    if root is Root.ADVANCE and posting.units.number > 0:
                        advancing = True
        if not model_postings:
            return
        self.check_provenance(entry)
        # A handover moves money between units: nothing is spent, no deadline applies.
        handover = entry.meta.get("kind") == HANDOVER_CODE
        if handover:
            spends = advancing = False
        divided = self.units.divided
        for posting, root, line in model_postings:
            units = posting.units
            number = units.number
            if units.currency != "VND" or number != number.to_integral_value():
                self.error("whole_dong", entry, bilingual(
                    f"{posting.account}: số tiền phải là đồng nguyên",
                    f"expected whole VND, found {units}"))
                continue
            if root is Root.APPROPRIATION:
                if number > 0 and line.extended_into is not None and not spends \
                        and not handover:
                    self.register_extension(entry, line)  # not a giảm chi paying money back
                if number < 0 and spends:
                    self.check_deadline(entry, posting.account, line, advancing)
                self.move(entry, posting.account, number)
            elif root is Root.ADVANCE:
                self.move(entry, posting.account, number)
            if divided and line in divided:
                self.units.post(entry, posting, root, line, number, spends)

    def advance_too_late(self, entry: data.Transaction, account: str, line: Line) -> bool:
        """NĐ 254/2025: advances of plan-year N money only until 31/12 of N (configurable);
        extended money follows its extension's deadline instead."""
        until = self.advance_days.get(line.plan_year)
        if until is None:
            until = self.advance_days[line.plan_year] = spending_deadline(
                self.config.advance_until, line.plan_year)
        if entry.date > until:
            self.error("advance_until", entry, bilingual(
                f"{account}: tạm ứng ngày {format_date(entry.date)} quá hạn: vốn năm "
                f"{line.plan_year} chỉ được tạm ứng đến {format_date(until)} (NĐ 254/2025/NĐ-CP); "
                f"vốn được kéo dài sang …:Y{line.plan_year}:K{line.plan_year + 1} (mtqg extend) "
                "theo hạn kéo dài", "an advance of the plan year's money after its last day"))
            return True
        return False

    def check_provenance(self, entry: data.Transaction) -> None:
        meta = entry.meta
        if "voucher" in meta:
            return
        if "decision" in meta and isinstance(meta.get("decision_date"), datetime.date):
            return
        if "decision" in meta:
            problem = bilingual("decision_date phải là ngày dạng YYYY-MM-DD",
                                "decision_date must be a date")
        else:
            problem = bilingual("thiếu căn cứ: cần 'decision' và 'decision_date' hoặc 'voucher'",
                                "no provenance")
        self.error("provenance", entry, f"Giao dịch ngày {format_date(entry.date)}: {problem}")

    def register_extension(self, entry: data.Transaction, line: Line) -> None:
        extend_to = entry.meta.get("extend_to", extension_end(line.budget_year))
        if not isinstance(extend_to, datetime.date):
            self.error("deadline", entry, bilingual("extend_to phải là ngày",
                                                    f"must be a date, found {extend_to!r}"))
            return
        self.deadlines[line] = max(extend_to, self.deadlines.get(line, extend_to))

    def check_deadline(self, entry: data.Transaction, account: str, line: Line,
                       advancing: bool) -> None:
        if entry.date <= self.quiet_until(line, advancing):
            return
        if advancing and not line.is_extended and self.advance_too_late(entry, account, line):
            return
        capital = self.catalogue.capitals.get(line.capital)
        if line.is_extended:
            deadline = self.deadlines.get(line)
            if deadline is None or entry.date <= deadline:
                return  # spending unextended money shows up as a negative balance instead
            why = (f"hạn kéo dài đến {format_date(deadline)}",
                   f"extended until {format_date(deadline)}")
        elif capital is not None and capital.enforced:
            deadline = self.deadline_of(capital, line.plan_year, advancing)
            if entry.date <= deadline:
                return
            what = "tạm ứng" if advancing else "giải ngân"
            why = (f"{capital.title_vi.lower()} năm {line.plan_year} chỉ được {what} đến "
                   f"{format_date(deadline)}; cần giao dịch kéo dài sang tài khoản "
                   f"…:Y{line.plan_year}:K{entry.date.year} (mtqg extend)",
                   "an extension must move it first")
        else:
            return
        self.error("deadline", entry, bilingual(
            f"{account}: giải ngân ngày {format_date(entry.date)} quá hạn: {why[0]}",
            f"spent after its deadline; {why[1]}"))

    def quiet_until(self, line: Line, advancing: bool) -> datetime.date:
        """The last day no deadline can apply to spending on an unextended line: the earlier
        of the advance deadline and the capital type's (cached: asked per spending posting).
        Extended lines take their deadline from the extensions seen so far: never quiet."""
        key = (line, advancing)
        found = self.quiet_days.get(key)
        if found is None:
            found = datetime.date.min
            if line.extended_into is None:
                capital = self.catalogue.capitals.get(line.capital)
                with contextlib.suppress(ValueError):  # a bad rule: said where it applies
                    days = [spending_deadline(self.config.advance_until, line.plan_year)
                            ] if advancing else []
                    if capital is not None and capital.enforced:
                        days.append(self.deadline_of(capital, line.plan_year, advancing))
                    found = min(days, default=datetime.date.max)
            self.quiet_days[key] = found
        return found

    def deadline_of(self, capital: Capital, plan_year: int, advancing: bool) -> datetime.date:
        """The capital type's last day for advances or payments of a plan year (cached: the
        rule is text to parse, asked once per spending posting)."""
        key = (capital.code, plan_year, advancing)
        found = self.rule_days.get(key)
        if found is None:
            rule = capital.spend_until if advancing else (capital.pay_until
                                                          or capital.spend_until)
            found = self.rule_days[key] = spending_deadline(rule, plan_year)
        return found

    def move(self, entry: data.Transaction, account: str, amount: Decimal) -> None:
        balances = self.balances
        if amount < 0:
            found = self.taken_today.get(account)
            opening, taken = (balances[account], 0) if found is None else found[:2]
            self.taken_today[account] = (opening, taken - amount, entry)
        balances[account] += amount

    def close_day(self) -> None:
        """Report the lines (and units) left overdrawn at the end of the day just finished."""
        for account, (opening, taken, entry) in self.taken_today.items():
            closing = self.balances[account]
            if closing >= 0:
                continue
            root, _ = parse_account(account)
            if root is Root.APPROPRIATION:
                what, had = "Vượt kế hoạch vốn còn lại", "kế hoạch còn lại đầu ngày"
                english = "advance or payment beyond the remaining allocation"
            else:
                what, had = "Thu hồi tạm ứng vượt số tạm ứng chưa thu hồi", \
                    "tạm ứng chưa thu hồi đầu ngày"
                english = "settlement beyond the outstanding advance"
            rule = "overdraft" if root is Root.APPROPRIATION else "settlement"
            self.error(rule, entry, bilingual(f"{what}: {account} ngày {format_date(entry.date)}: "
                                              f"chi/giảm {dong(taken)}, {had} {dong(opening)}, "
                                              f"vượt {dong(-closing)}", english))
        self.taken_today.clear()
        self.units.close_day()


def budget_rules(
    entries: list[data.Directive],
    options_map: dict,
    config_str: str | None = None,
) -> tuple[list[data.Directive], list[BudgetRuleError]]:
    """Check the budget rules; entries are returned unchanged, warnings kept in the options."""
    base_dir = os.path.dirname(options_map.get("filename") or ".")
    try:
        config = RuleConfig.parse(config_str, base_dir)
        catalogue = load_catalogue(config.catalogue_files)
    except (ValueError, CatalogueError) as problem:
        return entries, [BudgetRuleError(NO_SOURCE, str(problem), None)]
    errors, warnings = check_rules(entries, catalogue, config, keep=remember(entries))
    options_map[WARNINGS_OPTION] = warnings
    return entries, errors


def rule_warnings(options_map: dict) -> list[BudgetRuleWarning]:
    """The warnings of the rules the books' plugin line set to warn."""
    return list(options_map.get(WARNINGS_OPTION, ()))


def check_rules(entries: list[data.Directive], catalogue: Catalogue,
                config: RuleConfig | None = None, *, state: RuleState | None = None,
                keep: Callable[[RuleState], None] | None = None,
                ) -> tuple[list[BudgetRuleError], list[BudgetRuleWarning]]:
    """The budget rules over ``entries`` with this catalogue (``mtqg import`` passes the
    catalogue the books will have once the import is written): errors and warnings. With
    ``state``, the run goes on from it (rule_state.py); ``keep`` receives the run's state."""
    config = config or RuleConfig()
    checker = resumed(state, catalogue, config) if state is not None else \
        _Checker(catalogue, config, divided_lines(entries))
    for entry in entries:
        if isinstance(entry, data.Transaction):
            checker.transaction(entry)
        elif isinstance(entry, data.Open):
            checker.open(entry)
    if keep is not None:
        keep(frozen(checker))
    checker.close_day()
    return checker.errors, checker.warnings
