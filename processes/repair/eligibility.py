"""May this penalty record be repaired now? Every reason it may not, in words a subject understands.

Judged against the regime in force for the record (its decision date): the minimum
publication period for its severity (minor penalties: as soon as the obligations are
performed), proof of performance, and the materials that regime requires.
"""

import datetime
from dataclasses import dataclass, field

from credit.models import CreditRecord, RecordKind, RecordStatus, RuleVersion
from credit.rules import NoRuleInForce, publication_dates, rule_version_for
from processes.common.models import Material

MATERIAL_LABELS = dict(Material.Kind.choices)


@dataclass
class Eligibility:
    reasons: list[str] = field(default_factory=list)
    rule_version: RuleVersion | None = None
    earliest_repair_on: datetime.date | None = None
    required_materials: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict:
        return {
            "rule_version": self.rule_version.code if self.rule_version else None,
            "earliest_repair_on": self.earliest_repair_on.isoformat() if self.earliest_repair_on else None,
            "required_materials": self.required_materials,
        }


def _cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def repair_eligibility(
    *, record: CreditRecord, obligations_performed_on: datetime.date | None, material_kinds: set[str], today: datetime.date
) -> Eligibility:
    result = Eligibility()
    if record.kind != RecordKind.PENALTY:
        result.reasons.append(f"只有行政处罚记录可以申请信用修复，该记录是“{record.get_kind_display()}”。")
        return result
    status_reasons = {
        RecordStatus.UNDER_OBJECTION: "该记录正在异议处理中，请待异议办结后再申请信用修复。",
        RecordStatus.REPAIRED: "该记录已经修复，停止公示，无需再次申请。",
        RecordStatus.EXPIRED: "该记录公示期已满，已停止公示，无需申请修复。",
        RecordStatus.WITHDRAWN: "该记录已撤销，无需申请修复。",
        RecordStatus.UNPUBLISHED: "该记录未公示，无需申请修复。",
    }
    if record.status in status_reasons:
        result.reasons.append(status_reasons[record.status])
    if record.repairs.filter(status__in=["filed", "deciding"]).exists():
        result.reasons.append("该记录已有正在办理的信用修复申请，请等待办理结果。")

    try:
        version = rule_version_for(record.decision_date)
    except NoRuleInForce:
        result.reasons.append(f"该处罚决定日期（{_cn(record.decision_date)}）早于系统收录的信用修复规则，请联系法规科人工办理。")
        return result
    result.rule_version = version
    period = version.period_for(record.severity, record.sector)

    if obligations_performed_on is None:
        result.reasons.append("请填写履行行政处罚义务（如缴清罚款、完成整改）的日期。")
    elif obligations_performed_on > today:
        result.reasons.append("义务履行日期不能晚于今天：请在履行完毕后再申请。")
    elif obligations_performed_on < record.decision_date:
        result.reasons.append("义务履行日期早于处罚决定日期，请核对。")

    if period is not None and period.repairable_when_performed:
        # Minor penalties: repairable as soon as the obligations are performed.
        result.earliest_repair_on = obligations_performed_on
    else:
        dates = publication_dates(
            severity=record.severity, decision_date=record.decision_date, publication_date=record.publication_date, sector=record.sector
        )
        result.earliest_repair_on = dates.earliest_repair_on
        if dates.earliest_repair_on and today < dates.earliest_repair_on:
            months = period.min_months if period else None
            result.reasons.append(
                f"最短公示期{f'（{months}个月）' if months else ''}未满：按{version.name}，"
                f"该{record.get_severity_display()}失信行为最早可于{_cn(dates.earliest_repair_on)}申请信用修复。"
            )

    required = list(version.required_materials.get("repair", []))
    result.required_materials = required
    for kind in required:
        if kind not in material_kinds:
            result.reasons.append(f"缺少材料：{MATERIAL_LABELS.get(kind, kind)}。")
    return result
