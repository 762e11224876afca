"""Importing the dishonest-subject lists province and city send down, through the import page.

Every row is checked; a bad row is reported with its row number (the header is row 1) and
every reason, the good rows become interview cases in the designating department, and a
list entry already imported is never imported again, however the file comes back.
"""

import codecs
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credit.models import Subject
from processes.interview.flows import InterviewFlow
from processes.interview.models import ImportBatch, ImportedRow, WarningInterview
from tests.factories import next_id_number, next_uscc

from .support import D, HEADER, csv_file, open_task, upload, workbench, xlsx_file

pytestmark = pytest.mark.usefixtures("monday")

VALID_USCC = "91350100M000100Y43"  # DOMAIN.md's example
BAD_USCC = "91350100M000100Y44"  # check character should be 3
VALID_ID = "11010519491231002X"


@pytest.fixture
def rows(people):
    """A list as the province sends it: three good rows (one an existing subject) and four bad ones."""
    return [
        [people.subject.name, people.subject.uscc, "一年内三次超限超载运输", "交通运输综合行政执法支队", "2026-02-10", "省", "警示约谈"],
        ["闽运物流有限公司", VALID_USCC, "拒不履行行政处罚决定", "transport", "2026/2/11", "市", ""],
        ["王建国", VALID_ID, "驾驶员记分周期内累计记满12分", "交通运输综合行政执法支队", "2026年2月12日", "省级", "提示"],
        ["错码运输有限公司", BAD_USCC, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "省", "警示约谈"],
        ["", "", "", "不存在的科室", "2026-13-40", "县", "批评约谈"],
        ["未来运输有限公司", next_uscc(), "超限运输", "交通运输综合行政执法支队", "2026-03-09", "省", ""],
        ["改名运输有限公司", people.subject.uscc, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "市", ""],
    ]


def result(response) -> ImportBatch:
    assert response.status_code == 302, response.context["form"].errors if response.context else response.status_code
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == batch.get_absolute_url()
    return batch


def lines(batch, outcome) -> dict[int, list[str]]:
    return {line["row"]: line["reasons"] for line in batch.report if line["result"] == outcome}


def test_good_rows_are_imported_and_every_bad_row_is_reported_with_all_its_reasons(client, people, rows):
    batch = result(upload(client, people.clerk, csv_file(rows)))

    assert (batch.total_rows, batch.imported_count, batch.duplicate_count, batch.invalid_count) == (7, 3, 0, 4)
    assert batch.file_format == "csv" and batch.encoding == "UTF-8"
    invalid = lines(batch, "invalid")
    assert sorted(invalid) == [5, 6, 7, 8]
    assert invalid[5] == ["统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。"]
    assert invalid[6] == [
        "主体名称为空。",
        "统一社会信用代码/身份证号为空。",
        "失信事由为空。",
        "认定部门“不存在的科室”不是本局的部门（请填写部门全称或代码，如“交通运输综合行政执法支队”或“enforcement”）。",
        "列入日期“2026-13-40”无法识别（应为 2026-03-01 这样的日期）。",
        "来源“县”无效（应为“省”或“市”）。",
        "约谈类型“批评约谈”无效（应为“提示约谈”或“警示约谈”，留空按提示约谈）。",
    ]
    assert invalid[7] == ["列入日期 2026-03-09 晚于今天。"]
    assert invalid[8] == [f"主体名称“改名运输有限公司”与该代码在本系统登记的名称“{people.subject.name}”不一致，请核对代码。"]

    # the good rows: an interview each, in the department named in the row (谁认定、谁约谈)
    by_code = {i.subject.code: i for i in WarningInterview.objects.select_related("subject", "department")}
    assert set(by_code) == {people.subject.uscc, VALID_USCC, VALID_ID}
    existing = by_code[people.subject.uscc]
    assert existing.subject == people.subject and existing.department.code == "enforcement" and existing.kind == "warning"
    assert existing.origin == "import" and existing.list_source == "province" and existing.listed_on == D(2026, 2, 10)
    assert existing.basis == "一年内三次超限超载运输"
    company = by_code[VALID_USCC]
    assert company.department.code == "transport" and company.kind == "prompt" and company.list_source == "city"
    assert company.subject.kind == Subject.Kind.LEGAL_PERSON and company.subject.name == "闽运物流有限公司"
    driver = by_code[VALID_ID]
    assert driver.subject.kind == Subject.Kind.NATURAL_PERSON and driver.subject.id_number == VALID_ID and driver.listed_on == D(2026, 2, 12)
    assert open_task(existing, InterviewFlow.prepare).department.code == "enforcement"
    assert open_task(company, InterviewFlow.prepare).department.code == "transport"
    assert existing in workbench(client, people.handler)["queue"] and company not in workbench(client, people.handler)["queue"]

    # what the importer reads
    client.force_login(people.clerk)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "共 7 行：导入 3 行，重复未导入 0 行，有误未导入 4 行。" in page
    assert "第5行" in page and "校验位错误" in page and "第8行" in page and existing.reference in page


def test_loading_the_same_file_again_imports_nothing_twice(client, people, rows):
    first = result(upload(client, people.clerk, csv_file(rows)))
    cases = set(WarningInterview.objects.values_list("pk", flat=True))

    again = result(upload(client, people.clerk, csv_file(rows, name="名单（重发）.csv")))

    assert (again.imported_count, again.duplicate_count, again.invalid_count) == (0, 3, 4)
    assert set(WarningInterview.objects.values_list("pk", flat=True)) == cases
    assert ImportedRow.objects.count() == 3
    duplicate = lines(again, "duplicate")
    assert sorted(duplicate) == [2, 3, 4]
    case = WarningInterview.objects.get(subject=people.subject)
    assert duplicate[2] == [
        f"该名单条目已于2026-03-02 09:00随“{first.file_name}”第2行导入（案件 {case.reference}），未重复导入。"
    ]
    assert "重复未导入 3 行" in client.get(again.get_absolute_url()).content.decode()


def test_the_same_entry_sent_by_city_after_province_or_twice_in_one_file_is_imported_once(client, people):
    code = next_uscc()
    row = ["重发运输有限公司", code, "超限  超载运输", "交通运输综合行政执法支队", "2026-02-10", "省", ""]
    # the city forwards the same entry: other source, other spelling of the date and spaces in the reason
    again = ["重发运输有限公司", code.lower(), "超限 超载运输", "enforcement", "2026/02/10", "市", "警示"]

    batch = result(upload(client, people.clerk, csv_file([row, again])))

    assert (batch.imported_count, batch.duplicate_count) == (1, 1)
    assert lines(batch, "duplicate") == {3: ["与本文件第2行是同一名单条目，未重复导入。"]}
    later = result(upload(client, people.clerk, csv_file([again])))
    assert (later.imported_count, later.duplicate_count) == (0, 1)
    # a different reason is a different entry
    other = result(upload(client, people.clerk, csv_file([[*row[:2], "未按规定维护车辆", *row[3:]]])))
    assert other.imported_count == 1
    assert WarningInterview.objects.filter(subject__uscc=code).count() == 2


def test_a_gbk_csv_as_excel_saves_it_on_a_chinese_windows_is_read(client, people):
    code = next_uscc()
    file = csv_file([["闽江运输有限公司", code, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "市", "警示约谈"]], encoding="gbk")

    batch = result(upload(client, people.clerk, file))

    assert batch.encoding == "GBK" and batch.imported_count == 1
    assert Subject.objects.get(uscc=code).name == "闽江运输有限公司"
    assert WarningInterview.objects.get(subject__uscc=code).basis == "超限运输"


def test_a_utf8_csv_with_bom_and_semicolons_is_read(client, people):
    code = next_uscc()
    text = ";".join(HEADER) + "\r\n" + ";".join(["榕城运输有限公司", code, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "省", ""]) + "\r\n"
    file = SimpleUploadedFile("名单.csv", codecs.BOM_UTF8 + text.encode("utf-8"), content_type="text/csv")

    batch = result(upload(client, people.clerk, file))

    assert batch.encoding == "UTF-8-BOM" and batch.imported_count == 1 and Subject.objects.get(uscc=code).name == "榕城运输有限公司"


def test_an_excel_list_with_date_cells_and_numbers_is_read_row_by_row(client, people):
    code, driver = next_uscc(), next_id_number()
    file = xlsx_file([
        ["海峡运输有限公司", code, "超限运输", "交通运输综合行政执法支队", datetime.datetime(2026, 2, 10), "省", "警示约谈"],
        # an ID number typed into a number cell loses its last digits: reported, not imported
        ["李四", 110105194912310021, "记满12分", "交通运输综合行政执法支队", datetime.date(2026, 2, 11), "市", ""],
        ["张三", driver, "记满12分", "交通运输综合行政执法支队", "2026-02-11", "市", "提示约谈"],
        [None, None, None, None, None, None, None],  # an empty row is no row
    ])

    batch = result(upload(client, people.clerk, file))

    assert batch.file_format == "xlsx" and (batch.total_rows, batch.imported_count, batch.invalid_count) == (3, 2, 1)
    [reason] = lines(batch, "invalid")[3]
    assert reason.startswith("居民身份证号码校验位错误")
    assert WarningInterview.objects.get(subject__uscc=code).listed_on == D(2026, 2, 10)
    assert WarningInterview.objects.get(subject__id_number=driver).kind == "prompt"
    again = result(upload(client, people.clerk, xlsx_file([["海峡运输有限公司", code, "超限运输", "enforcement", datetime.date(2026, 2, 10), "省", ""]])))
    assert again.duplicate_count == 1 and again.imported_count == 0


def test_a_department_imports_only_the_entries_it_designated(client, people):
    mine, theirs = next_uscc(), next_uscc()
    file = csv_file([
        ["甲运输有限公司", mine, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "省", ""],
        ["乙运输有限公司", theirs, "超限运输", "运管科", "2026-02-10", "省", ""],
    ])

    batch = result(upload(client, people.handler, file))

    assert batch.imported_count == 1
    assert lines(batch, "invalid") == {3: ["您无权导入运管科认定的名单（谁认定、谁约谈：由该部门或法规科导入）。"]}
    assert not Subject.objects.filter(uscc=theirs).exists()


@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("名单.csv", "主体名称,失信事由\r\n某公司,超限\r\n".encode(), content_type="text/csv"),
         "第1行（表头）缺少列：统一社会信用代码/身份证号、认定部门、列入日期、来源（省/市）。请使用导入模板的列名。"),
        (SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64), "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后导入。"),
        (SimpleUploadedFile("名单.xlsx", b"PK\x03\x04 not really a workbook"), "文件不是有效的 Excel（.xlsx）文件。"),
        (SimpleUploadedFile("名单.csv", (",".join(HEADER) + "\r\n").encode(), content_type="text/csv"), "文件中没有数据行。"),
    ],
    ids=["missing-columns", "xls", "broken-xlsx", "header-only"],
)
def test_a_file_that_cannot_be_read_as_a_list_imports_nothing(client, people, file, message):
    response = upload(client, people.clerk, file)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert not ImportBatch.objects.exists() and not WarningInterview.objects.exists()


def test_the_import_page_is_for_staff_and_a_batch_for_those_who_may_see_it(client, people, rows):
    batch = result(upload(client, people.handler, csv_file(rows[:1])))

    client.force_login(people.company)
    assert client.get(reverse("interview:import")).status_code == 403
    client.force_login(people.outsider)
    assert client.get(batch.get_absolute_url()).status_code == 404  # another department's import
    client.force_login(people.clerk)
    assert client.get(batch.get_absolute_url()).status_code == 200  # the credit office sees every import
    client.force_login(people.handler)
    page = client.get(reverse("interview:import")).content.decode()
    assert "名单.csv" in page
    client.logout()
    assert client.get(reverse("interview:import")).status_code == 302


def test_the_sample_list_in_the_readme_imports_as_the_readme_says(client, people, clock):
    from django.conf import settings

    clock(datetime.datetime(2026, 11, 23, 9, 0))
    content = (settings.BASE_DIR / "docs" / "samples" / "interview-list.csv").read_bytes()

    batch = result(upload(client, people.handler, SimpleUploadedFile("interview-list.csv", content, content_type="text/csv")))

    assert batch.encoding == "UTF-8-BOM"
    assert (batch.imported_count, batch.duplicate_count, batch.invalid_count) == (3, 1, 3)
    assert sorted(lines(batch, "invalid")) == [5, 6, 7] and sorted(lines(batch, "duplicate")) == [8]
    assert "您无权导入运管科认定的名单（谁认定、谁约谈：由该部门或法规科导入）。" in lines(batch, "invalid")[6]
    again = result(upload(client, people.handler, SimpleUploadedFile("interview-list.csv", content, content_type="text/csv")))
    assert (again.imported_count, again.duplicate_count, again.invalid_count) == (0, 4, 3)
