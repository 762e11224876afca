"""``manage.py seed_demo``: demo departments, staff, subjects, records and lists. Idempotent."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from credit import services
from credit.models import (
    CalendarYear,
    CatalogItem,
    Commitment,
    CreditRecord,
    Department,
    InterviewRecord,
    JointAction,
    ListEntry,
    ProcessDeadline,
    PublicationPeriod,
    RecordKind,
    Role,
    RuleVersion,
    Ship,
    Subject,
    SubjectMembership,
    Vehicle,
)
from credit.models import DEFAULT_INDICATORS, CalendarDay
from credit.reference_data import load_departments, load_rule_versions
from credit.validators import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, uscc_check_character
from credit.workdays import load_official_calendar

DEMO_PASSWORD = "Demo-2026"

# username, full name, department code, roles
STAFF = [
    ("admin", "系统管理员", "legal", [Role.ADMIN]),
    ("legal.intake", "王受理（法规科）", "legal", [Role.INTAKE]),
    ("legal.handler", "李承办（法规科）", "legal", [Role.HANDLER]),
    ("legal.reviewer", "赵科长（法规科）", "legal", [Role.REVIEWER]),
    ("legal.leader", "钱局长（分管领导）", "legal", [Role.LEADER]),
    ("enforcement.handler", "孙承办（执法支队）", "enforcement", [Role.HANDLER]),
    ("enforcement.reviewer", "周审核（执法支队）", "enforcement", [Role.REVIEWER]),
    ("enforcement.leader", "吴支队长（执法支队）", "enforcement", [Role.LEADER]),
    ("transport.handler", "郑承办（运管科）", "transport", [Role.HANDLER]),
    ("transport.reviewer", "冯科长（运管科）", "transport", [Role.REVIEWER]),
    ("approval.handler", "陈承办（行政审批科）", "approval", [Role.HANDLER, Role.INTAKE]),
    ("approval.reviewer", "褚科长（行政审批科）", "approval", [Role.REVIEWER]),
    ("highway.handler", "卫承办（公路中心）", "highway-center", [Role.HANDLER]),
    ("highway.reviewer", "蒋审核（公路中心）", "highway-center", [Role.REVIEWER]),
]

COMPANY_WORDS = "顺达 安通 鸿运 捷程 通衢 远航 畅行 联运 恒达 宏远 路桥 嘉禾 天成 新海 瑞丰 华通 金路 银河 东方 启航".split()
COMPANY_KINDS = ["运输有限公司", "物流有限公司", "客运有限公司", "公路工程有限公司", "航运有限公司", "汽车维修有限公司"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超秀英华"
REGIONS = ["350100", "350200", "440100", "440300", "110105", "320100"]


def make_uscc(rng: random.Random, region: str, category: str = "91") -> str:
    body = category + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def make_id_number(rng: random.Random, region: str) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 40))
    body = region + birth.strftime("%Y%m%d") + "%03d" % rng.randint(0, 999)
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


class Command(BaseCommand):
    help = "Load demo data (departments, staff for every role, ~50 subjects, records, lists). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, default=50)
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the service is served, for the printout")

    @transaction.atomic
    def handle(self, *args, subjects: int, url: str, **options):
        rng = random.Random(2026)
        load_departments(Department)
        load_rule_versions(RuleVersion, PublicationPeriod, ProcessDeadline)
        if not CalendarYear.objects.exists():
            load_official_calendar(day_model=CalendarDay, year_model=CalendarYear)
        self.departments = {d.code: d for d in Department.objects.all()}
        self.staff()
        catalog = self.catalog()
        people = self.subjects(rng, subjects)
        self.portal_users(people)
        self.records(rng, people, catalog)
        self.lists_and_more(rng, people)
        self.print_logins(url)

    # -- staff -------------------------------------------------------------

    def staff(self):
        User = get_user_model()
        for username, full_name, department_code, roles in STAFF:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name, "email": f"{username}@bureau.example"})
            if created:
                user.set_password(DEMO_PASSWORD)
                if username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
            for role in roles:
                services.staff_role_grant(user=user, department=self.departments[department_code], role=role)

    # -- catalogue and subjects ------------------------------------------------

    def catalog(self) -> dict:
        items = {}
        sources = {
            RecordKind.PENALTY: "enforcement",
            RecordKind.LICENCE: "approval",
            RecordKind.EVALUATION: "highway-center",
            RecordKind.DISHONESTY: "transport",
            RecordKind.INTERVIEW: "legal",
            RecordKind.JOINT_ACTION: "legal",
        }
        for kind, keys in DEFAULT_INDICATORS.items():
            item, _ = CatalogItem.objects.get_or_create(
                code=f"demo-{kind}",
                defaults={
                    "name": f"{RecordKind(kind).label}信息",
                    "record_kind": kind,
                    "source_department": self.departments[sources[kind]],
                    "indicator_fields": [{"key": key, "label": key} for key in keys],
                    "update_frequency": "7个工作日内",
                },
            )
            items[kind] = item
        return items

    def subjects(self, rng: random.Random, count: int) -> list[Subject]:
        result = []
        for n in range(count):
            # One generator per subject, so a second run draws the same codes whatever the first created.
            rng = random.Random(f"demo-subject-{n}")
            region = REGIONS[n % len(REGIONS)]
            if n % 5 == 4:
                kind, name = Subject.Kind.NATURAL_PERSON, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                codes = {"id_number": make_id_number(rng, region)}
            elif n % 7 == 3:
                kind, name = Subject.Kind.INDIVIDUAL_BUSINESS, f"{rng.choice(COMPANY_WORDS)}汽车修理部（个体）"
                codes = {"uscc": make_uscc(rng, region, "92")}
            else:
                kind = Subject.Kind.LEGAL_PERSON
                name = f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}"
                codes = {"uscc": make_uscc(rng, region)}
            name = f"{name}{n + 1:02d}" if kind != Subject.Kind.NATURAL_PERSON else name
            existing = Subject.objects.filter(**codes).first()
            if existing:
                result.append(existing)
                continue
            result.append(
                services.subject_create(
                    kind=kind, name=name, legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN), region_code=region,
                    contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN), contact_phone="138%08d" % rng.randint(0, 10**8 - 1),
                    contact_email=f"subject{n + 1}@example.com", **codes,
                )
            )
            subject = result[-1]
            if kind == Subject.Kind.LEGAL_PERSON and n % 3 == 0:
                Vehicle.objects.get_or_create(plate_number=f"闽A{n:05d}", defaults={"subject": subject, "vehicle_type": "重型货车"})
            if kind == Subject.Kind.LEGAL_PERSON and n % 10 == 1:
                Ship.objects.get_or_create(registration_no=f"CN2026{n:06d}", defaults={"subject": subject, "name": f"新海{n}号", "gross_tonnage": 800 + n})
        return result

    def portal_users(self, people: list[Subject]):
        User = get_user_model()
        legal = [s for s in people if s.kind == Subject.Kind.LEGAL_PERSON]
        natural = [s for s in people if s.kind == Subject.Kind.NATURAL_PERSON]
        plan = [
            ("company", "张经理（企业经办人）", legal[:2], SubjectMembership.Capacity.AGENT),
            ("company2", "刘经理（另一企业）", legal[2:3], SubjectMembership.Capacity.LEGAL_REPRESENTATIVE),
            ("driver", natural[0].name + "（驾驶员）", natural[:1], SubjectMembership.Capacity.SELF),
        ]
        for username, full_name, subjects, capacity in plan:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name, "email": f"{username}@example.com", "phone": "13900000000"})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            for subject in subjects:
                services.subject_grant_access(subject=subject, user=user, capacity=capacity)

    # -- records ------------------------------------------------------------------

    def records(self, rng: random.Random, people: list[Subject], catalog: dict):
        today = timezone.localdate()
        for n, subject in enumerate(people):
            plan = [RecordKind.PENALTY, RecordKind.LICENCE]
            if n % 3 == 0:
                plan.append(RecordKind.EVALUATION)
            if n % 4 == 0:
                plan.append(RecordKind.PENALTY)
            if n % 9 == 0:
                plan.append(RecordKind.DISHONESTY)
            for m, kind in enumerate(plan):
                number = f"DEMO-{n + 1:03d}-{m + 1}"
                if CreditRecord.objects.filter(subject=subject, indicators__demo_key=number).exists():
                    continue
                self.record(random.Random(number), subject, kind, catalog[kind], today, number, n, m)

    def record(self, rng, subject, kind, item, today, key, n, m):
        decided = today - datetime.timedelta(days=rng.randint(20, 900))
        severity = ""
        department = item.source_department
        title = {
            RecordKind.PENALTY: "未按规定进行车辆维护",
            RecordKind.LICENCE: "道路运输经营许可",
            RecordKind.EVALUATION: "公路施工企业信用评价",
            RecordKind.DISHONESTY: "违反信用承诺",
        }[kind]
        if kind == RecordKind.PENALTY:
            severity = ["minor", "general", "general", "serious"][(n + m) % 4]
            title = rng.choice(["超限超载运输", "未按规定进行车辆维护", "无道路运输证经营", "擅自改装车辆"])
            number = f"{department.document_prefix}罚〔{decided.year}〕{n * 10 + m + 1}号"
        elif kind == RecordKind.LICENCE:
            number = f"{department.document_prefix}许〔{decided.year}〕{n * 10 + m + 1}号"
        else:
            number = f"{department.document_prefix}〔{decided.year}〕{n * 10 + m + 1}号"
        keys = item.indicator_keys
        filled = keys[: max(1, int(len(keys) * rng.choice([0.4, 0.7, 0.9, 1.0])))]
        indicators = {k: f"示例{k}" for k in filled}
        indicators["demo_key"] = key
        services.record_create(
            subject=subject, kind=kind, catalog_item=item, source_department=department, title=title,
            document_number=number, deciding_authority=department.name, legal_basis="《中华人民共和国道路运输条例》",
            decision_date=decided, severity=severity, grade=rng.choice("ABC") if kind == RecordKind.EVALUATION else "",
            obligations_performed_on=decided + datetime.timedelta(days=15) if kind == RecordKind.PENALTY and n % 2 == 0 else None,
            indicators=indicators, publish_on=decided + datetime.timedelta(days=rng.randint(1, 12)),
        )

    def lists_and_more(self, rng, people):
        today = timezone.localdate()
        enforcement, legal, approval = self.departments["enforcement"], self.departments["legal"], self.departments["approval"]
        for n, subject in enumerate(people[5:11]):
            if ListEntry.objects.filter(subject=subject).exists():
                continue
            kind = [ListEntry.ListKind.BLACK, ListEntry.ListKind.FOCUS, ListEntry.ListKind.RED][n % 3]
            basis = subject.records.filter(kind=RecordKind.PENALTY).first() if kind != ListEntry.ListKind.RED else None
            entry = ListEntry.objects.create(
                subject=subject, list_kind=kind, designating_department=enforcement if basis else legal, basis_record=basis,
                designation_standard="《交通运输领域严重失信主体名单认定标准》" if kind != ListEntry.ListKind.RED else "连续三年信用评价AA级",
                legal_basis="《交通运输部关于印发<交通运输行业信用管理办法>的通知》", reason="示例：多次超限超载运输" if basis else "示例：守信激励",
                remedy="可在收到告知书之日起5个工作日内提出异议", measures=["限制参与招投标", "加强日常监管"] if basis else ["优先办理"],
                proposed_on=today - datetime.timedelta(days=60),
            )
            if n % 2 == 0:
                entry.list(on=today - datetime.timedelta(days=40), expires_on=today + datetime.timedelta(days=325))
                entry.save()
                JointAction.objects.create(
                    subject=subject, kind=JointAction.Kind.PUNISHMENT if basis else JointAction.Kind.REWARD, list_entry=entry,
                    measure=entry.measures[0], executing_department=approval, executed_at=timezone.now() - datetime.timedelta(days=10),
                    matter="道路运输经营许可申请",
                )
        for n, subject in enumerate(people[12:18]):
            if Commitment.objects.filter(subject=subject).exists():
                continue
            Commitment.objects.create(
                subject=subject, kind=[Commitment.Kind.TOLERANCE, Commitment.Kind.NOTIFICATION, Commitment.Kind.PUBLIC][n % 3],
                department=approval, matter="道路货物运输经营许可", content="本单位承诺所提交材料真实有效，并在规定期限内补齐容缺材料。",
                missing_materials=["安全生产管理制度文本"] if n % 3 == 0 else [], supplement_due_on=today + datetime.timedelta(days=20) if n % 3 == 0 else None,
            )
        for subject in people[18:20]:
            if InterviewRecord.objects.filter(subject=subject).exists():
                continue
            InterviewRecord.objects.create(
                subject=subject, kind=InterviewRecord.Kind.WARNING, department=enforcement, matter="列入严重失信主体名单后的警示约谈",
                held_at=timezone.now() - datetime.timedelta(days=30), place="市交通运输局三楼会议室", attendees="执法支队：孙承办；企业：法定代表人",
                minutes="告知失信后果，督促整改。", rectification="一个月内完成车辆维护制度整改", rectification_due_on=today,
            )

    def print_logins(self, url: str):
        line = "-" * 64
        self.stdout.write(line)
        self.stdout.write(f"信用交通工作流服务  {url}/")
        self.stdout.write(f"  管理后台     {url}/admin/")
        self.stdout.write(f"  接口文档     {url}/api/docs/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, full_name, department, roles in STAFF:
            self.stdout.write(f"  {username:<22} {full_name}  [{', '.join(Role(r).label for r in roles)}]")
        for membership in SubjectMembership.objects.select_related("user", "subject").order_by("user__username"):
            self.stdout.write(f"  {membership.user.username:<22} 代表 {membership.subject.name}（{membership.subject.display_code}）")
        self.stdout.write(line)
