"""Shared fixtures: databases on SQLite and on a real PostgreSQL server the suite starts itself, a headless
Chromium and a live API server.

- ``database_url`` (parametrised ``sqlite`` / ``postgresql``): a fresh database already at the newest schema, a
  copy of a template migrated once per session and per xdist worker (SQLite: a file copy; PostgreSQL: one
  database per worker, emptied between tests, or cloned again when a test changed its schema).
- ``empty_database_url``: the same, but with no schema (for migration tests).
- ``engine`` / ``settings``: an engine and a ``Settings`` on that database.
- ``browser`` / ``page``: Debian's chromium through Playwright; ``live_server``: the app on a loopback port.
- ``local_ray``: a local Ray (2 CPUs, no dashboard) for the batch engine's Ray path, once per session and worker.

Without PostgreSQL binaries, chromium or Ray those tests are skipped with a message, unless
``QINGLANG_TEST_REQUIRE_POSTGRES=1`` / ``QINGLANG_TEST_REQUIRE_BROWSER=1`` / ``QINGLANG_TEST_REQUIRE_RAY=1``
(as in CI): then they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from qinglang.testing.postgres import DatabaseCloner, PostgresServer, PostgresUnavailable

# The machine running CI is small and shared: time-based health checks would only make tests flaky.
hypothesis_settings.register_profile(
    "qinglang", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("qinglang")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """Users made by the tests get argon2 hashes at the lowest cost (1 pass, 1 MiB) instead of the production
    cost (about 50 ms and 64 MiB each), which would otherwise dominate the suite's time on two cores. Checking a
    password reads the cost from its hash, so sign-in works the same; servers started as subprocesses keep the
    production cost."""
    from argon2 import PasswordHasher

    from qinglang.services.review import users

    patch = pytest.MonkeyPatch()
    patch.setattr(users, "hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    patch.undo()


def _required(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false", "no")


def _unavailable(message: str, require_env: str) -> None:
    if _required(require_env):
        pytest.fail(f"{message} ({require_env}=1, so this is an error; run .ci/run to install it)", pytrace=False)
    pytest.skip(f"{message}; install it (or run .ci/run) to run these tests")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# --- Ray --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def local_ray():
    """A Ray of its own for this test process (``address="local"``: never a cluster found on the machine), with
    2 CPUs, no dashboard, workers' logs kept out of the test output and a small object store; shut down at the
    end of the session. ``RayEngine`` finds it connected and uses it."""
    try:
        import ray
    except ImportError:
        _unavailable("Ray is not installed (the dev extra installs it: pip install -e '.[dev]')",
                     "QINGLANG_TEST_REQUIRE_RAY")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=80 * 1024 * 1024)
    yield ray
    ray.shutdown()


# --- PostgreSQL --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """One server per test process (per xdist worker), on 127.0.0.1, stopped at the end of the session."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        _unavailable(f"PostgreSQL is not available: {exc}", "QINGLANG_TEST_REQUIRE_POSTGRES")
    yield server
    server.stop()


def _migrate(url: str) -> None:
    from qinglang.storage.db import make_engine
    from qinglang.storage.migrate import upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_cloner(postgres_server) -> DatabaseCloner:
    name = f"qinglang_template_{_worker()}"
    _migrate(postgres_server.create_database(name))
    return DatabaseCloner.for_template(postgres_server, name)


def _fresh_sqlite(tmp_path: Path, template: Path | None) -> str:
    path = tmp_path / "qinglang.db"
    if template is not None:
        shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A fresh database at the newest schema, on each backend in turn."""
    if request.param == "sqlite":
        return _fresh_sqlite(tmp_path, request.getfixturevalue("_sqlite_template"))
    return request.getfixturevalue("_postgres_cloner").fresh(f"qinglang_test_{_worker()}")


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    """A fresh database with no schema at all, on each backend in turn."""
    if request.param == "sqlite":
        yield _fresh_sqlite(tmp_path, None)
        return
    server = request.getfixturevalue("postgres_server")
    name = f"qinglang_empty_{_worker()}"
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def engine(database_url):
    from qinglang.storage.db import make_engine

    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url, tmp_path):
    from qinglang.config import DatabaseSettings, Settings

    return Settings(database=DatabaseSettings(url=database_url), data_dir=tmp_path / "data")


# --- browser and live server ---------------------------------------------------------------------------------


def _chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    """Debian's headless chromium driven by Playwright (no browser download)."""
    executable = _chromium_path()
    if executable is None:
        _unavailable("chromium is not installed (apt-get install chromium)", "QINGLANG_TEST_REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_server(settings):
    """The API app (``qinglang.api.app:create_app``) served by uvicorn on a free 127.0.0.1 port."""
    from qinglang.testing.live_server import LiveServer

    server = LiveServer.start(settings)
    yield server
    server.stop()


@pytest.fixture
def figures(request):
    """Record what a test measured (``figures(actions_doubled=0, ...)``): one JSON line per call appended to the
    file named by ``QINGLANG_FIGURES``, when set. docs/reliability.md quotes these lines."""
    import json

    path = os.environ.get("QINGLANG_FIGURES")

    def record(**values) -> None:
        if path:
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"test": request.node.nodeid, **values}, ensure_ascii=False) + "\n")

    return record
