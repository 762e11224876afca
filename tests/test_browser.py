"""In real Chromium: a subject files an objection on the portal, the credit office accepts it in
the workbench, and the subject's open case page shows the new status without a reload.

The service runs as in production: daphne (HTTP and websockets) with ``DEBUG=0`` and collected
static files, on the test database and the test Redis, Celery eager in the server process so an
in-app notification goes through the Redis channel layer to the browser's websocket. Playwright
drives Debian's Chromium (``/usr/bin/chromium``, or ``CHROMIUM_PATH``); ``./scripts/test``
installs it when it is missing, and without it this test fails rather than skips.
"""

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import global_settings
from django.db import connection
from django.utils import timezone

from credit import services as credit_services
from credit.models import Department
from tests.factories import make_staff, make_subject_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "pass-12345"  # tests.factories' password for every user
WAIT_MS = 15_000  # the longest any step may take before the test fails
# Where the screenshots of the two pages go (the test's tmp_path unless set), to look at them.
SCREENSHOT_DIR = os.environ.get("BROWSER_SCREENSHOT_DIR")


def tiny_pdf() -> bytes:
    """A small valid PDF (one empty A4 page, correct cross-reference table), as a scanner would send."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# Records in the page every websocket it opens and whether the server's "hello" came on it, so
# the test knows the page listens before staff act (else a notification could beat the socket).
SOCKET_PROBE = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
      this.addEventListener("message", (event) => {
        try { if (JSON.parse(event.data).type === "hello") this.__hello = true; } catch (err) {}
      });
    }
  };
})();
"""
LISTENING = "() => window.__sockets.some((ws) => ws.__hello && ws.readyState === WebSocket.OPEN)"


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the database this test runs on (``test_`` + the configured name)."""
    db = connection.settings_dict
    quote = urllib.parse.quote
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_environment(tmp_path: Path, port: int) -> dict:
    from django.conf import settings

    assert connection.vendor == "postgresql" and settings.REDIS_URL, "the browser test needs PostgreSQL and Redis (./scripts/test)"
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "1",  # deliveries run in the server, right after the step's commit
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def chromium_or_fail() -> str:
    """Chromium's path. A missing browser fails the test with what to do: a browser test never skips."""
    path = shutil.which(CHROMIUM)
    if path is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run ./scripts/test (it installs Debian's chromium), "
            "or `apt-get install chromium`, or set CHROMIUM_PATH to Chromium's executable.",
            pytrace=False,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("The playwright package is missing: pip install -r requirements-dev.txt (./scripts/test does).", pytrace=False)
    return path


@pytest.fixture
def service(transactional_db, tmp_path):
    """The service under daphne on a free port, on this test's database: ``.url`` and ``.log``."""
    port = free_port()
    env = server_environment(tmp_path, port)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert collected.returncode == 0, f"collectstatic failed:\n{collected.stderr[-3000:]}"

    log = tmp_path / "daphne.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "workflow_service.asgi:application"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"daphne exited with {server.returncode}:\n{log_tail(log)}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"daphne did not answer /healthz within 30 s:\n{log_tail(log)}")
            time.sleep(0.2)
        yield SimpleNamespace(url=url, log=log)
    finally:
        # Before the database is flushed and dropped: the server holds connections to it.
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    errors = [line for line in log_tail(log, 500).splitlines() if "Traceback" in line or " ERROR " in line]
    assert not errors, f"the server logged errors:\n{log_tail(log, 80)}"


# --- the walk -------------------------------------------------------------------------------------

# viewflow's task pages: the raised button submits (领取 on the assign page, 办理 on the execute
# page); the other one, "... and continue", goes on to the user's next task. Their labels are
# viewflow's (untranslated English today), so they are found by their place, not their text.
VIEWFLOW_SUBMIT = "form.vf-form button.mdc-button--raised"


def log_in(page, base_url: str, username: str):
    from playwright.sync_api import expect

    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()  # logged in


def test_subject_sees_objection_accepted_live_on_open_case_page(service, settings, tmp_path):
    chromium = chromium_or_fail()
    # The server checks passwords with the default hashers, not the tests' fast MD5 one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    _, subject = make_subject_user(username="applicant")
    make_staff("legal", "intake", username="legal.clerk")
    make_staff("enforcement", "handler", username="enf.handler")  # the verification task's recipients
    decided = timezone.localdate() - datetime.timedelta(days=30)
    credit_services.record_create(
        subject=subject, kind="penalty", severity="general",
        source_department=Department.objects.get(code="enforcement"),
        title="未按规定携带道路运输证", document_number="交执罚〔2026〕7号",
        deciding_authority="市交通运输综合行政执法支队", decision_date=decided, publish_on=decided + datetime.timedelta(days=3),
    )
    shots = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    base = service.url

    # No ORM from here on: Playwright's sync API runs an event loop, and Django refuses
    # database access while one runs.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)  # a fresh profile each launch
        subject_side = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        staff_side = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        for context in (subject_side, staff_side):
            context.set_default_timeout(WAIT_MS)
        subject_side.add_init_script(SOCKET_PROBE)
        portal, workbench = subject_side.new_page(), staff_side.new_page()
        try:
            # The subject files an objection on the portal, with a PDF.
            log_in(portal, base, "applicant")
            portal.goto(base + "/portal/")
            portal.locator("#records tr", has_text="未按规定携带道路运输证").get_by_role("link", name="提出异议").click()
            portal.get_by_label("异议类型").select_option(label="信息错误")
            portal.get_by_label("异议陈述").fill("处罚决定书载明的违法日期与事实不符，请予核查更正。")
            portal.get_by_label("决定/撤销/复议/判决文书").set_input_files(
                files=[{"name": "行政复议决定书.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}]
            )
            portal.get_by_role("button", name="提交异议").click()

            expect(portal).to_have_url(re.compile(re.escape(base) + r"/portal/objections/\d+/$"))
            expect(portal.locator("#case-status")).to_have_text("待受理")
            expect(portal.locator("#record-status")).to_have_text("异议处理中")
            expect(portal.locator("main")).to_contain_text("行政复议决定书.pdf")
            reference = portal.locator("h1").inner_text().removeprefix("异议案件").strip()
            assert re.fullmatch(r"YY\d{10}", reference), reference
            portal.wait_for_function(LISTENING)  # the page's websocket is open and greeted
            unread_before = int(portal.locator("#inbox-badge").inner_text())
            assert unread_before >= 1  # told of the filing
            portal.evaluate("window.__sameDocument = true")  # gone if the page were reloaded
            portal.screenshot(path=str(shots / "browser-portal-case-filed.png"), full_page=True)

            # The credit office's intake clerk claims the task in the workbench and accepts it.
            log_in(workbench, base, "legal.clerk")
            workbench.goto(base + "/workbench/")
            workbench.locator("tr", has_text=reference).get_by_role("link", name="领取").click()
            expect(workbench).to_have_url(re.compile(r"/assign/$"))
            workbench.locator(VIEWFLOW_SUBMIT).click()
            expect(workbench).not_to_have_url(re.compile(r"/assign/$"))
            workbench.goto(base + "/workbench/")
            workbench.locator("tr", has_text=reference).get_by_role("link", name="办理").click()
            expect(workbench).to_have_url(re.compile(r"/execute/$"))
            expect(workbench.locator(".case-summary")).to_contain_text(reference)
            workbench.screenshot(path=str(shots / "browser-staff-task.png"), full_page=True)
            workbench.get_by_label("受理", exact=True).check()
            workbench.locator(VIEWFLOW_SUBMIT).click()
            expect(workbench).not_to_have_url(re.compile(r"/execute/$"))

            # The subject's page, never reloaded, follows.
            expect(portal.locator("#case-status")).to_have_text("核查中")
            expect(portal.locator("#inbox-badge")).to_have_text(str(unread_before + 1))
            expect(portal.locator("#documents")).to_contain_text("异议受理通知书")
            expect(portal.locator("#timeline")).to_contain_text("受理异议")
            assert portal.evaluate("window.__sameDocument === true"), "the subject's page was reloaded"
            portal.screenshot(path=str(shots / "browser-portal-case-accepted.png"), full_page=True)
        except Exception:
            for name, page in (("portal", portal), ("staff", workbench)):
                try:
                    page.screenshot(path=str(shots / f"browser-failure-{name}.png"), full_page=True)
                except Exception:  # a crashed page has no picture; the failure itself matters more
                    pass
            print(f"Screenshots in {shots}; server log {service.log}:\n{log_tail(service.log)}")
            raise
        finally:
            browser.close()
