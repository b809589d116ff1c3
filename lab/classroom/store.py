"""The class's store: classes, the students' answers to a scenario's question, and their hand-ins.

One SQL database every replica of the lab shares: a SQLite file by default (nothing to install),
PostgreSQL when `LAB_DATABASE_URL` names one. SQLAlchemy Core writes the SQL for both, every query
parameterised; the schema grows by numbered migrations (`MIGRATIONS`), applied in order on start
and recorded in `schema_version`. A call returns only once its transaction is committed: what the
app acknowledges to a student survives a restart of every lab process.

Nothing here trusts what a student sends: names, answers and runs are capped in size and count
(`Limits`), stored as data and returned as data; codes and keys come from `secrets`, and a
teacher key is kept only as its SHA-256 (it is 128 random bits, so no slow hash is needed).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import os
import re
import secrets
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6  # 32^6 ≈ 10^9 codes
DAY = 86_400.0
PURGE_EVERY = 60.0  # seconds: a page run looks a class up; expired ones are deleted at most this often


class StoreError(RuntimeError):
    """What a student or lecturer is told: the message is meant for them."""


@dataclass(frozen=True)
class Limits:
    """What one class may hold: sizes in characters or bytes, counts per student and per class."""

    title: int = 80
    name: int = 40
    answers_per_class: int = 20_000
    handin_bytes: int = 8_000_000  # the saved run and its picture together
    handins_per_student: int = 5
    handins_per_class: int = 300
    days: float = float(os.environ.get("LAB_CLASS_DAYS", 14))  # then the class and all in it are deleted


# ---------------------------------------------------------------------------------- the schema
metadata = sa.MetaData()
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, primary_key=True))
classes = sa.Table(
    "classes",
    metadata,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("lessons", sa.String(400), nullable=False),  # the lessons' pages, comma-separated
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("expires", sa.Float, nullable=False),
)
answers = sa.Table(
    "answers",
    metadata,
    sa.Column(
        "code", sa.String(CODE_LENGTH), sa.ForeignKey("classes.code", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("student", sa.String(64), primary_key=True),
    sa.Column("run", sa.String(40), primary_key=True),
    sa.Column("scenario", sa.String(40), primary_key=True),
    sa.Column("choice", sa.Integer, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
reveals = sa.Table(
    "reveals",
    metadata,
    sa.Column(
        "code", sa.String(CODE_LENGTH), sa.ForeignKey("classes.code", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("run", sa.String(40), primary_key=True),
    sa.Column("scenario", sa.String(40), primary_key=True),
)
handins = sa.Table(
    "handins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "code", sa.String(CODE_LENGTH), sa.ForeignKey("classes.code", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("student", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("run", sa.String(40), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("numbers", sa.Text, nullable=False),  # JSON: {"modes covered": 7, ...}
    sa.Column("picture", sa.LargeBinary, nullable=False),  # PNG
    sa.Column("saved_run", sa.LargeBinary, nullable=False),  # the .labrun file
    sa.Column("at", sa.Float, nullable=False),
)

MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    lambda c: metadata.create_all(c, tables=[classes, answers, reveals]),  # 1: classes and answers
    lambda c: metadata.create_all(c, tables=[handins]),  # 2: hand-ins
)
"""Migration n + 1 takes the schema from version n to n + 1; a new one is appended, never edited."""


def database_url() -> str:
    """`LAB_DATABASE_URL`, else a SQLite file `classes.db` in `LAB_DATA_DIR` (default `.lab_data/`)."""
    url = os.environ.get("LAB_DATABASE_URL")
    if url:
        return url
    folder = Path(os.environ.get("LAB_DATA_DIR", ".lab_data"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'classes.db'}"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 10})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer

        return engine
    # a server that is down answers at once; one that cannot be reached is given 3 s, not minutes
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"connect_timeout": 3}
    )


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class ClassInfo:
    code: str
    title: str
    lessons: tuple[str, ...]  # the pages (pages/<name>.py) the lecturer chose for it
    expires: float


@dataclass(frozen=True)
class HandIn:
    """A run handed in: who (the name they gave, or "anonymous"), which lesson, its step and numbers."""

    id: int
    name: str
    run: str
    step: int
    numbers: dict[str, float]
    at: float


class Store:
    """The class store on `url` (a SQLAlchemy URL); `migrate()` runs on construction."""

    def __init__(
        self, url: str | None = None, limits: Limits = Limits(), clock: Callable[[], float] = time.time
    ):
        self.url = url or database_url()
        self.limits, self.clock = limits, clock
        self._purged = -math.inf  # when expired classes were last deleted (`find_class` does it now and then)
        self.engine = _engine(self.url)
        self.migrate()

    # ------------------------------------------------------------------------------ schema
    def version(self) -> int:
        with self.engine.connect() as c:
            if not sa.inspect(c).has_table("schema_version"):
                return 0
            return c.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    def migrate(self) -> int:
        """Apply every migration past the database's version, each in its own transaction; two
        processes migrating at once: the second finds the version taken and goes on. The version."""
        with self.engine.begin() as c:
            schema_version.create(c, checkfirst=True)
        for number, step in enumerate(MIGRATIONS, start=1):
            if number <= self.version():
                continue
            try:
                with self.engine.begin() as c:
                    c.execute(schema_version.insert().values(version=number))  # claims the step first
                    step(c)
            except sa.exc.IntegrityError:
                continue  # another process applied it
        return self.version()

    # ------------------------------------------------------------------------------ classes
    def create_class(self, title: str, lessons: Sequence[str] = ()) -> tuple[str, str]:
        """A new class on `lessons` (page names): (code, teacher key). The key is shown once; only
        its hash is kept."""
        title = title.strip()[: self.limits.title] or "A class"
        chosen = ",".join(name for name in lessons if name.isidentifier())[:400]
        key, now = secrets.token_urlsafe(16), self.clock()
        for _ in range(10):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self.engine.begin() as c:
                    c.execute(
                        classes.insert().values(
                            code=code,
                            title=title,
                            lessons=chosen,
                            key_hash=_hash(key),
                            created=now,
                            expires=now + self.limits.days * DAY,
                        )
                    )
                return code, key
            except sa.exc.IntegrityError:
                continue  # that code is taken: draw again
        raise StoreError("Could not find a free class code; try again.")

    def find_class(self, code: str) -> ClassInfo | None:
        """The class of `code` (any case), or None: unknown or expired (expired classes are deleted
        at most every PURGE_EVERY seconds, not at every look)."""
        code = normal_code(code)
        if code is None:
            return None
        if self.clock() - self._purged > PURGE_EVERY:
            self.purge_expired()
        with self.engine.connect() as c:
            row = c.execute(sa.select(classes).where(classes.c.code == code)).first()
        if row is None or row.expires < self.clock():
            return None
        return ClassInfo(row.code, row.title, tuple(filter(None, row.lessons.split(","))), row.expires)

    def is_teacher(self, code: str, key: str) -> bool:
        code_ = normal_code(code)
        with self.engine.connect() as c:
            stored = c.execute(sa.select(classes.c.key_hash).where(classes.c.code == code_)).scalar()
        return stored is not None and hmac.compare_digest(stored, _hash(key.strip()))

    def purge_expired(self) -> int:
        """Delete every class past its expiry with its answers and hand-ins; how many classes."""
        now = self._purged = self.clock()
        with self.engine.begin() as c:
            old = [row.code for row in c.execute(sa.select(classes.c.code).where(classes.c.expires < now))]
            for table in (
                answers,
                reveals,
                handins,
            ):  # explicit: SQLite's cascade needs a pragma per connection
                c.execute(table.delete().where(table.c.code.in_(old)))
            c.execute(classes.delete().where(classes.c.code.in_(old)))
        return len(old)

    def _live_class(self, c: Connection, code: str) -> str:
        code_ = normal_code(code)
        row = c.execute(sa.select(classes.c.expires).where(classes.c.code == code_)).first()
        if row is None or row.expires < self.clock():
            raise StoreError("This class no longer exists (it may have expired).")
        return code_  # type: ignore[return-value]

    # ------------------------------------------------------------------------------ answers
    def answer(self, code: str, student: str, run: str, scenario: str, choice: int) -> None:
        """Record a student's answer (a new one replaces theirs); returns once it is committed."""
        with self.engine.begin() as c:
            code_ = self._live_class(c, code)
            key = {"code": code_, "student": student[:64], "run": run[:40], "scenario": scenario[:40]}
            where = sa.and_(*(answers.c[name] == value for name, value in key.items()))
            if c.execute(sa.select(sa.func.count()).select_from(answers).where(where)).scalar():
                c.execute(answers.update().where(where).values(choice=int(choice), at=self.clock()))
                return
            held = c.execute(
                sa.select(sa.func.count()).select_from(answers).where(answers.c.code == code_)
            ).scalar()
            if held >= self.limits.answers_per_class:
                raise StoreError("This class has recorded as many answers as it can hold.")
            try:
                c.execute(answers.insert().values(**key, choice=int(choice), at=self.clock()))
            except sa.exc.IntegrityError:  # the same student's answer from another tab, a moment ago
                c.execute(answers.update().where(where).values(choice=int(choice), at=self.clock()))

    def tally(self, code: str, run: str, scenario: str, choices: int) -> list[int]:
        """How many students of the class chose each of the `choices` answers."""
        counts = [0] * choices
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(answers.c.choice, sa.func.count())
                .where(
                    answers.c.code == normal_code(code), answers.c.run == run, answers.c.scenario == scenario
                )
                .group_by(answers.c.choice)
            )
            for choice, count in rows:
                if 0 <= choice < choices:
                    counts[choice] = count
        return counts

    def answered(self, code: str) -> list[tuple[str, str]]:
        """(run, scenario) of every question the class has answered, first answered first."""
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(answers.c.run, answers.c.scenario, sa.func.min(answers.c.at).label("first"))
                .where(answers.c.code == normal_code(code))
                .group_by(answers.c.run, answers.c.scenario)
                .order_by("first")
            )
            return [(row.run, row.scenario) for row in rows]

    def reveal(self, code: str, key: str, run: str, scenario: str) -> None:
        """The lecturer shows the class what the run showed for this question."""
        if not self.is_teacher(code, key):
            raise StoreError("That is not this class's teacher key.")
        with self.engine.begin() as c:
            code_ = self._live_class(c, code)
            row = {"code": code_, "run": run, "scenario": scenario}
            if not c.execute(sa.select(reveals).filter_by(**row)).first():
                c.execute(reveals.insert().values(**row))

    def revealed(self, code: str) -> set[tuple[str, str]]:
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(reveals.c.run, reveals.c.scenario).where(reveals.c.code == normal_code(code))
            )
            return {(row.run, row.scenario) for row in rows}

    # ------------------------------------------------------------------------------ hand-ins
    def hand_in(
        self,
        code: str,
        student: str,
        name: str,
        run: str,
        step: int,
        numbers: dict[str, float],
        picture: bytes,
        saved_run: bytes,
    ) -> int:
        """Record a run handed in; its id, once committed. The caller has checked that `saved_run`
        loads as a run of `run` (`lab.saved_run`)."""
        if len(picture) + len(saved_run) > self.limits.handin_bytes:
            raise StoreError(
                f"This run is too large to hand in (over {self.limits.handin_bytes / 1e6:g} MB)."
            )
        shown = (name.strip() or "anonymous")[: self.limits.name]
        with self.engine.begin() as c:
            code_ = self._live_class(c, code)
            count = sa.select(sa.func.count()).select_from(handins).where(handins.c.code == code_)
            if (
                c.execute(count.where(handins.c.student == student)).scalar()
                >= self.limits.handins_per_student
            ):
                raise StoreError(
                    f"You have handed in {self.limits.handins_per_student} runs, as many as a student can."
                )
            if c.execute(count).scalar() >= self.limits.handins_per_class:
                raise StoreError("This class has received as many runs as it can hold.")
            values = {key: float(value) for key, value in list(numbers.items())[:12]}
            result = c.execute(
                handins.insert().values(
                    code=code_,
                    student=student[:64],
                    name=shown,
                    run=run[:40],
                    step=int(step),
                    numbers=json.dumps(values),
                    picture=picture,
                    saved_run=saved_run,
                    at=self.clock(),
                )
            )
            return int(result.inserted_primary_key[0])

    def handins(self, code: str) -> list[HandIn]:
        """The class's hand-ins, oldest first (without their files)."""
        columns = [handins.c[name] for name in ("id", "name", "run", "step", "numbers", "at")]
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(*columns).where(handins.c.code == normal_code(code)).order_by(handins.c.id)
            )
            return [HandIn(r.id, r.name, r.run, r.step, json.loads(r.numbers), r.at) for r in rows]

    def handin_files(self, code: str, handin_id: int) -> tuple[bytes, bytes] | None:
        """(picture, saved run) of one hand-in of the class, or None."""
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(handins.c.picture, handins.c.saved_run).where(
                    handins.c.code == normal_code(code), handins.c.id == int(handin_id)
                )
            ).first()
        return (bytes(row.picture), bytes(row.saved_run)) if row else None

    def handins_zip(self, code: str) -> bytes:
        """Every hand-in of the class as files (`<id>-<name>-<lesson>-step<n>.labrun` and `.png`)
        and `handins.csv`, one row of numbers per hand-in, in one zip."""
        buffer, table = io.BytesIO(), io.StringIO()
        rows = csv.writer(table, lineterminator="\n")
        rows.writerow(["file", "name", "lesson", "step", "numbers"])
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for handin in self.handins(code):
                files = self.handin_files(code, handin.id)
                if files is None:
                    continue
                name = re.sub(r"[^A-Za-z0-9]+", "_", handin.name)[:30]
                stem = f"{handin.id:03d}-{name}-{handin.run}-step{handin.step}"
                picture, saved_run = files
                archive.writestr(f"{stem}.labrun", saved_run)
                if picture:
                    archive.writestr(f"{stem}.png", picture)
                numbers = "; ".join(f"{key} = {value:g}" for key, value in handin.numbers.items())
                rows.writerow([stem, handin.name, handin.run, handin.step, numbers])
            archive.writestr("handins.csv", table.getvalue())
        return buffer.getvalue()

    def size(self) -> int:
        """Bytes the store holds in its hand-ins' files (the bulk of it)."""
        with self.engine.connect() as c:
            total = c.execute(
                sa.select(
                    sa.func.sum(sa.func.length(handins.c.picture) + sa.func.length(handins.c.saved_run))
                )
            ).scalar()
        return int(total or 0)


def normal_code(code: str) -> str | None:
    """A class code as typed or linked (any case, spaces ignored), or None if it cannot be one."""
    code = "".join(code.split()).upper()
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else None


def share(counts: Sequence[int]) -> list[float]:
    """Each choice's share of the answers (0 where nobody answered)."""
    total = sum(counts)
    return [count / total if total else 0.0 for count in counts]
