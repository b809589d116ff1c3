"""The class store (`lab.classroom.store`) on a real SQLite file and a real PostgreSQL server: the
same tests on both."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.postgres import available, throwaway_postgres
from lab.classroom import store as store_module
from lab.classroom.store import (
    CODE_ALPHABET,
    DAY,
    MIGRATIONS,
    PURGE_EVERY,
    Limits,
    Store,
    StoreError,
    normal_code,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    if not available():
        if os.environ.get("REQUIRE_BROWSER"):  # CI: .ci/run installs it
            raise RuntimeError(
                "REQUIRE_BROWSER is set but PostgreSQL is missing (apt-get install postgresql)"
            )
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)")
    with throwaway_postgres() as server:
        yield server.url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'classes.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"t{abs(hash(request.node.name)) % 10**9}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    admin.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_an_empty_database_migrates_to_the_last_version_once(url: str) -> None:
    store = Store(url)
    assert store.version() == len(MIGRATIONS)
    assert Store(url).version() == len(MIGRATIONS)  # a second process finds it done
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"schema_version", "classes", "answers", "reveals", "handins"} <= tables


def test_a_database_at_version_one_migrates_and_keeps_its_answers(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
    old = Store(url)
    code, _ = old.create_class("Lecture 9")
    old.answer(code, "s1", "saturation", "strong_d", 2)
    assert old.version() == 1 and "handins" not in sa.inspect(old.engine).get_table_names()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    new = Store(url)
    assert new.version() == len(MIGRATIONS)
    assert new.tally(code, "saturation", "strong_d", 3) == [0, 0, 1]
    assert new.hand_in(code, "s1", "", "gan_playground", 10, {}, b"png", b"run") > 0


def test_codes_are_short_and_random_and_only_the_keys_hash_is_kept(url: str) -> None:
    store = Store(url)
    made = [store.create_class("Class") for _ in range(20)]
    codes = {code for code, _ in made}
    assert len(codes) == 20 and all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    code, key = made[0]
    assert store.is_teacher(code, key) and store.is_teacher(code.lower(), f" {key} ")
    assert not store.is_teacher(code, made[1][1]) and not store.is_teacher(code, "")
    with store.engine.connect() as c:
        stored = [tuple(row) for row in c.execute(sa.text("SELECT * FROM classes"))]
    assert not any(key in str(row) for row in stored for _, key in made)
    assert store.find_class(code.lower()).code == code and store.find_class("NOPE00") is None
    code, _ = store.create_class("Lecture 9", ["gan_playground", "saturation", "no such; page"])
    assert store.find_class(code).lessons == ("gan_playground", "saturation")


def test_one_answer_per_student_and_scenario_the_last_one_kept(url: str) -> None:
    store = Store(url)
    code, _ = store.create_class("Class")
    for student, choice in [("a", 0), ("b", 1), ("a", 2), ("c", 2), ("a", 1)]:
        store.answer(code, student, "saturation", "strong_d", choice)
    store.answer(code, "a", "gan_playground", "collapse", 0)
    assert store.tally(code, "saturation", "strong_d", 3) == [0, 2, 1]
    assert store.tally(code, "gan_playground", "collapse", 3) == [1, 0, 0]
    assert store.answered(code) == [("saturation", "strong_d"), ("gan_playground", "collapse")]
    other, _ = store.create_class("Another class")
    assert store.tally(other, "saturation", "strong_d", 3) == [0, 0, 0]


def test_many_students_answering_at_once_are_all_recorded(url: str) -> None:
    store = Store(url)
    code, _ = store.create_class("Class")
    threads = [
        threading.Thread(target=store.answer, args=(code, f"s{i}", "saturation", "strong_d", i % 3))
        for i in range(30)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.tally(code, "saturation", "strong_d", 3) == [10, 10, 10]


def test_only_the_teacher_key_reveals_an_answer(url: str) -> None:
    store = Store(url)
    code, key = store.create_class("Class")
    with pytest.raises(StoreError, match="teacher key"):
        store.reveal(code, "wrong", "saturation", "strong_d")
    store.reveal(code, key, "saturation", "strong_d")
    store.reveal(code, key, "saturation", "strong_d")
    assert store.revealed(code) == {("saturation", "strong_d")}


def test_what_a_student_sends_is_capped(url: str) -> None:
    limits = Limits(
        answers_per_class=3, handin_bytes=100, handins_per_student=2, handins_per_class=3, name=10
    )
    store = Store(url, limits=limits)
    code, _ = store.create_class("x" * 500)
    assert len(store.find_class(code).title) == limits.title
    for i in range(3):
        store.answer(code, f"s{i}", "vae", "gap", 0)
    with pytest.raises(StoreError, match="as many answers"):
        store.answer(code, "s9", "vae", "gap", 0)
    store.answer(code, "s0", "vae", "gap", 1)  # replacing one's own answer is always possible
    with pytest.raises(StoreError, match="too large"):
        store.hand_in(code, "s0", "", "vae", 1, {}, b"p" * 60, b"r" * 60)
    name = "**bold** <script>alert(1)</script>"
    first = store.hand_in(code, "s0", name, "vae", 1, {"ELBO": -3.5}, b"p", b"r")
    store.hand_in(code, "s0", "", "vae", 2, {}, b"p", b"r")
    with pytest.raises(StoreError, match="You have handed in 2"):
        store.hand_in(code, "s0", "", "vae", 3, {}, b"p", b"r")
    store.hand_in(code, "s1", "", "vae", 4, {}, b"p", b"r")
    with pytest.raises(StoreError, match="as many runs"):
        store.hand_in(code, "s2", "", "vae", 5, {}, b"p", b"r")
    shown = store.handins(code)
    assert [h.name for h in shown] == [name[:10], "anonymous", "anonymous"]  # stored as data, cut
    assert shown[0].numbers == {"ELBO": -3.5} and store.handin_files(code, first) == (b"p", b"r")
    assert store.size() == 6


def test_a_class_past_its_expiry_is_deleted_with_everything_in_it(url: str) -> None:
    clock = Clock()
    store = Store(url, limits=Limits(days=2), clock=clock)
    code, key = store.create_class("Class")
    store.answer(code, "a", "vae", "gap", 1)
    store.hand_in(code, "a", "", "vae", 1, {}, b"p", b"r")
    clock.now += 1.9 * DAY
    assert store.find_class(code) is not None
    clock.now += 0.2 * DAY
    assert store.find_class(code) is None  # expired: not found, and deleted (the last purge was hours ago)
    with pytest.raises(StoreError, match="no longer exists"):
        store.answer(code, "a", "vae", "gap", 0)
    assert store.find_class(code) is None and not store.is_teacher(code, key)
    with store.engine.connect() as c:
        for table in ("answers", "handins", "classes"):
            assert c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_what_was_acknowledged_survives_the_process_that_wrote_it(url: str) -> None:
    """A lab process records an answer and a hand-in, says so, and is killed at once: a new process
    finds both."""
    writer = (
        "import os, sys\n"
        "from lab.classroom.store import Store\n"
        "store = Store(sys.argv[1])\n"
        "code, _ = store.create_class('Class')\n"
        "store.answer(code, 'a', 'vae', 'gap', 2)\n"
        "store.hand_in(code, 'a', 'Ada', 'vae', 7, {'ELBO': -1.0}, b'p', b'r')\n"
        "print(code, flush=True)\n"
        "os._exit(0)  # no clean shutdown\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", writer, url], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    code = done.stdout.strip()
    assert normal_code(code) == code, done.stderr
    store = Store(url)
    assert store.tally(code, "vae", "gap", 3) == [0, 0, 1]
    assert [(h.name, h.step) for h in store.handins(code)] == [("Ada", 7)]


def test_an_unreachable_database_says_so() -> None:
    with pytest.raises(sa.exc.OperationalError):
        Store("postgresql+psycopg://lab@127.0.0.1:9/postgres?connect_timeout=2")


def test_all_hand_ins_download_as_one_zip_with_their_numbers(url: str) -> None:
    store = Store(url)
    code, _ = store.create_class("Class")
    store.hand_in(code, "a", "Ada <b>", "vae", 7, {"ELBO": -90.5}, b"png", b"run-a")
    store.hand_in(code, "b", "", "gan_playground", 12, {}, b"", b"run-b")
    other, _ = store.create_class("Another class")
    store.hand_in(other, "c", "Cy", "vae", 1, {}, b"p", b"run-c")
    with zipfile.ZipFile(io.BytesIO(store.handins_zip(code))) as archive:
        names = sorted(archive.namelist())
        assert names == [
            "001-Ada_b_-vae-step7.labrun",
            "001-Ada_b_-vae-step7.png",
            "002-anonymous-gan_playground-step12.labrun",
            "handins.csv",
        ]
        assert archive.read("001-Ada_b_-vae-step7.labrun") == b"run-a"
        rows = list(csv.reader(io.StringIO(archive.read("handins.csv").decode())))
    assert rows[1][1:] == ["Ada <b>", "vae", "7", "ELBO = -90.5"] and len(rows) == 3


def test_an_expired_class_is_never_found_and_is_deleted_at_the_next_purge(url: str) -> None:
    clock = Clock()
    store = Store(url, limits=Limits(days=1), clock=clock)
    code, _ = store.create_class("Class")
    clock.now += DAY - 10
    assert store.find_class(code) is not None  # looks purge now and then: this one did
    clock.now += 20  # expired 10 s ago; the last purge was 20 s ago
    assert store.find_class(code) is None
    with store.engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM classes")).scalar() == 1  # not deleted yet
    clock.now += PURGE_EVERY
    assert store.find_class(code) is None
    with store.engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM classes")).scalar() == 0
