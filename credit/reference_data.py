"""Reference data every installation needs: departments, rule regimes, the calendar.

Loaded by a data migration (so production has it) and again, idempotently, by
``seed_demo``. Values the seed documents do not settle are flagged
``unverified`` with a note: they are the administrator's to confirm, not law.
"""

BUREAU = {"code": "bureau", "name": "市交通运输局", "kind": "bureau", "document_prefix": "交", "is_credit_lead": False}

DEPARTMENTS = [
    # code, name, kind, 文号 prefix, credit lead (法规科 leads credit work: 牵头)
    ("legal", "法规科", "section", "交法", True),
    ("transport", "运管科", "section", "交运", False),
    ("enforcement-supervision", "执法监督科", "section", "交督", False),
    ("construction", "建管科", "section", "交建", False),
    ("planning", "规划科", "section", "交规", False),
    ("approval", "行政审批科", "section", "交审", False),
    ("safety", "安监科", "section", "交安", False),
    ("highway-center", "公路事业发展中心", "center", "交公路", False),
    ("road-transport-center", "道路运输服务中心", "center", "交运服", False),
    ("maritime-center", "地方海事事务服务中心", "center", "交海", False),
    ("enforcement", "交通运输综合行政执法支队", "enforcement", "交执", False),
    ("office", "办公室", "office", "交办", False),
]

# Process deadlines in working days. Values named in DOMAIN.md are marked verified
# for the regime they belong to; the rest are local defaults to be confirmed.
_DEADLINES = [
    # key, label, working days, note, unverified
    ("objection.intake", "异议受理", 2, "广州地方实践：2个工作日内受理", False),
    ("objection.supplement", "异议补正材料", 5, "本地默认值，待核实", True),
    ("objection.verify", "异议核查（数据提供部门）", 10, "广州地方实践：数据提供单位10个工作日内核实", False),
    ("objection.review", "异议核查审核", 2, "本地默认值，待核实", True),
    ("repair.intake", "修复申请受理", 2, "本地默认值，待核实", True),
    ("repair.platform_answer", "平台答复修复申请", 10, "收到申请之日起10个工作日内", False),
    ("repair.decide", "部门修复决定", 3, "收到推送申请之日起3个工作日内", False),
    ("repair.extension", "复杂案件延长", 10, "可延长，延长时长国家未明确，待核实", True),
    ("repair.share_result", "共享修复结果", 3, "地方平台3个工作日内共享修复结果", False),
    ("publication.double_public", "双公示上网", 7, "行政许可、行政处罚决定之日起7个工作日内公示", False),
    ("commitment.supplement", "容缺材料补齐", 20, "本地默认值，待核实", True),
    ("commitment.verify", "承诺核查", 10, "本地默认值，待核实", True),
    ("interview.confirm", "约谈通知确认", 3, "国家未规定，本地默认值", True),
    ("interview.hold", "约谈举行", 10, "国家未规定，本地默认值", True),
    ("interview.followup", "约谈整改跟踪", 20, "国家未规定，本地默认值", True),
    ("listing.objection_window", "名单告知异议期", 5, "交通运输领域公示期待核实", True),
    ("listing.decide", "名单认定决定", 10, "本地默认值，待核实", True),
    ("listing.removal", "名单移出审核", 5, "本地默认值，待核实", True),
    ("transfer.answer", "转办案件办结", 10, "部级网站转办：按修复答复期限办理，待核实", True),
]

# (severity, published, min months, max months, repairable once obligations performed, note, unverified)
_PERIODS_2019 = [
    ("minor", False, None, None, True, "527号未就轻微处罚单列公示期（表中“-”），按不公示、履行后可修复处理，待核实", True),
    ("general", True, 3, 12, False, "一般失信：最短3个月，最长1年", False),
    ("serious", True, 6, 36, False, "严重失信：最短6个月，最长3年", False),
]
_PERIODS_2023 = [
    ("minor", False, None, None, True, "58号令未就轻微处罚单列公示期（表中“-”），待核实", True),
    ("general", True, 3, 12, False, "一般：3个月至1年", False),
    ("serious", True, 12, 36, False, "严重：1至3年（另有资料称最短6个月，来源不一致）", True),
]
_PERIODS_CURRENT = [
    ("minor", True, 0, 3, True, "轻微：不公示或公示不超过3个月，履行义务后即可修复", False),
    ("general", True, 3, 12, False, "一般：3个月至1年", False),
    ("serious", True, 12, 36, False, "严重：1至3年", False),
]

RULE_VERSIONS = [
    {
        "code": "2019-527",
        "name": "发改办财金〔2019〕527号（行政处罚信息信用修复）",
        "effective_from": "2019-05-01",
        "effective_to": "2023-05-01",
        "clock_start": "decision",
        "required_materials": {
            "repair": ["performance_proof", "commitment_letter", "authorisation_letter", "training_certificate", "credit_report"],
            "objection": ["decision_document", "objection_commitment_letter"],
        },
        "source": "DOMAIN.md：2019年规则（527号）。施行日期以文件为准，待核实。",
        "unverified": True,
        "periods": _PERIODS_2019,
    },
    {
        "code": "2023-order58",
        "name": "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》",
        "effective_from": "2023-05-01",
        "effective_to": "2025-03-01",
        "clock_start": "decision",
        "required_materials": {
            "repair": ["performance_proof", "commitment_letter", "authorisation_letter"],
            "objection": ["decision_document", "objection_commitment_letter"],
        },
        "source": "DOMAIN.md：2023年第58号令；严重失信最短公示期来源不一致。",
        "unverified": True,
        "periods": _PERIODS_2023,
    },
    {
        "code": "2025-22",
        "name": "2025年22号文（信用修复）",
        "effective_from": "2025-03-01",
        "effective_to": "2026-04-01",
        "clock_start": "decision",
        "required_materials": {
            "repair": ["performance_proof", "commitment_letter"],
            "objection": ["decision_document", "objection_commitment_letter"],
        },
        "source": "DOMAIN.md：2025年22号；施行日期待核实。",
        "unverified": True,
        "periods": _PERIODS_CURRENT,
    },
    {
        "code": "2026-order36",
        "name": "国家发展改革委令第36号（2026年4月1日起施行，废止第58号令）",
        "effective_from": "2026-04-01",
        "effective_to": None,
        "clock_start": "publication",
        "required_materials": {
            "repair": ["performance_proof", "commitment_letter"],
            "objection": ["decision_document", "objection_commitment_letter"],
        },
        "source": "DOMAIN.md：第36号令自2026-04-01施行；公示期自公示之日起算尚未核实。",
        "unverified": True,
        "periods": _PERIODS_CURRENT,
    },
]


def load_departments(Department) -> None:
    bureau, _ = Department.objects.update_or_create(code=BUREAU["code"], defaults={k: v for k, v in BUREAU.items() if k != "code"})
    for code, name, kind, prefix, lead in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "document_prefix": prefix, "is_credit_lead": lead, "parent": bureau},
        )


def load_rule_versions(RuleVersion, PublicationPeriod, ProcessDeadline) -> None:
    """Create the seeded regimes; rows an administrator already has are left as they are."""
    for spec in RULE_VERSIONS:
        fields = {k: v for k, v in spec.items() if k not in ("code", "periods")}
        version, created = RuleVersion.objects.get_or_create(code=spec["code"], defaults=fields)
        if not created:
            continue
        for severity, published, min_m, max_m, repairable, note, unverified in spec["periods"]:
            PublicationPeriod.objects.create(
                rule_version=version, severity=severity, published=published, min_months=min_m, max_months=max_m,
                repairable_when_performed=repairable, note=note, unverified=unverified,
            )
        for key, label, days, note, unverified in _DEADLINES:
            ProcessDeadline.objects.create(
                rule_version=version, key=key, label=label, working_days=days, note=note,
                # The repair deadlines in DOMAIN.md belong to the 22号/order 36 era.
                unverified=unverified or (key.startswith("repair.") and spec["code"] in ("2019-527", "2023-order58")),
            )
