"""The budget rules by name, and the options on the books' plugin line that set them.

Each rule stops the books (an error: ``bean-check`` fails, ``mtqg import``
refuses) unless the plugin line says ``warn=`` for it; a warning is shown by
``mtqg check``, the Fava page and the audit workbook's Cảnh báo, and stops
nothing (as ERPNext's budget control lets each check stop or warn)::

    plugin "mtqgledger.plugins.budget_rules" "catalogue=catalogue.toml,units.toml;
        warn=advance_recovery,unit_overdraft; advance_recovery=80; advance_until=31/12 N"
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mtqgledger.model.deadlines import parse_rule
from mtqgledger.model.text import bilingual

# code -> what the rule asks, as a reader sees it
RULES = {
    "catalogue": "Mã tỉnh, chương trình, dự án, nguồn, loại vốn có trong danh mục",
    "whole_dong": "Số tiền là đồng nguyên (whole VND)",
    "provenance": "Có căn cứ: quyết định hoặc chứng từ kho bạc (provenance)",
    "overdraft": "Không tạm ứng, thanh toán vượt kế hoạch còn lại của dòng vốn",
    "settlement": "Không thu hồi vượt tạm ứng chưa thu hồi của dòng vốn",
    "deadline": "Không giải ngân quá hạn (Luật ĐTC 2024 đ. 72; kéo dài)",
    "unit_allocation": "Đơn vị chi phải có kế hoạch vốn trên dòng vốn đã giao cho đơn vị",
    "unit_overdraft": "Không tạm ứng, thanh toán vượt kế hoạch còn lại của đơn vị",
    "unit_settlement": "Không thu hồi vượt tạm ứng chưa thu hồi của đơn vị",
    "advance_until": "Tạm ứng vốn năm N chỉ đến 31/12/N (NĐ 254/2025/NĐ-CP)",
    "advance_recovery": "Thu hồi hết tạm ứng khi thanh toán đạt 80 % kế hoạch "
                        "(NĐ 254/2025/NĐ-CP)",
}
STOP, WARN = "stop", "warn"
# Not a budget rule but the account model every figure is read by: always an error.
ACCOUNT_MODEL = "account_model"
_KNOWN = ("sources", "catalogue", "warn", "stop", "advance_recovery", "advance_until")


@dataclass(frozen=True)
class RuleConfig:
    """Plugin options: the accepted sources, extra catalogue files, each rule's severity
    and the parameters of the NĐ 254/2025 advance rules."""

    sources: frozenset[str] | None = None
    catalogue_files: tuple[str, ...] = ()
    warned: frozenset[str] = frozenset()
    advance_recovery: int = 80  # % of the plan paid by which advances are recovered
    advance_until: str = "31/12 N"  # the last day of an advance of plan-year N money

    def severity(self, rule: str) -> str:
        return WARN if rule in self.warned else STOP

    @classmethod
    def parse(cls, text: str | None, base_dir: str) -> RuleConfig:
        """Parse ``"sources=NSTW,NSDP; catalogue=a.toml; warn=deadline"`` (paths relative
        to the ledger); a malformed option raises ValueError."""
        found: dict[str, list[str]] = {}
        for item in filter(None, (part.strip() for part in (text or "").split(";"))):
            key, sep, value = item.partition("=")
            values = [v.strip() for v in value.split(",") if v.strip()]
            key = key.strip()
            if not sep or not values:
                raise ValueError(bilingual(f"budget_rules: tùy chọn '{item}' không đúng dạng",
                                           "expected key=value"))
            if key not in _KNOWN:
                raise ValueError(bilingual(f"budget_rules: không có tùy chọn '{key}'",
                                           f"known options: {', '.join(_KNOWN)}"))
            found.setdefault(key, []).extend(values)
        for key in ("warn", "stop"):
            unknown = [rule for rule in found.get(key, []) if rule not in RULES]
            if unknown:
                raise ValueError(bilingual(
                    f"budget_rules: {key}= không có quy tắc {', '.join(unknown)}",
                    f"known rules: {', '.join(RULES)}"))
        return cls(frozenset(found["sources"]) if "sources" in found else None,
                   tuple(os.path.join(base_dir, v) for v in found.get("catalogue", [])),
                   frozenset(found.get("warn", [])) - frozenset(found.get("stop", [])),
                   _percent(found.get("advance_recovery")),
                   _advance_until(found.get("advance_until")))


def _percent(values: list[str] | None) -> int:
    if not values:
        return RuleConfig.advance_recovery
    if len(values) != 1 or not values[0].isdigit() or not 0 < int(values[0]) <= 100:
        raise ValueError(bilingual("budget_rules: advance_recovery phải là số phần trăm 1–100",
                                   "expected e.g. advance_recovery=80"))
    return int(values[0])


def _advance_until(values: list[str] | None) -> str:
    if not values:
        return RuleConfig.advance_until
    try:
        parse_rule(values[0])
    except ValueError:
        raise ValueError(bilingual("budget_rules: advance_until phải là ngày như '31/12 N'",
                                   "expected e.g. advance_until=31/12 N")) from None
    return values[0]
