"""A throwaway PostgreSQL server in a temporary folder, for the store's tests and `bench.classroom`.

PostgreSQL refuses to run as root: as root, the server is started as the `postgres` user (Debian's
package makes it). `throwaway_postgres()` yields the server (its SQLAlchemy URL, stop and start)
and deletes everything at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.browser import free_port


def postgres_bin(name: str) -> str | None:
    """Where PostgreSQL's `name` (initdb, pg_ctl) is: on PATH or in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return versions[-1] if versions else None


def available() -> bool:
    return bool(postgres_bin("initdb") and postgres_bin("pg_ctl"))


@dataclass
class PostgresServer:
    """A throwaway server: its SQLAlchemy URL, and stop / start to take it down and bring it back."""

    url: str
    run: Callable[..., None]
    pg_ctl: str
    data: Path
    options: str
    log: Path

    def start(self) -> None:
        self.run(self.pg_ctl, "-D", str(self.data), "-o", self.options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self.run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextmanager
def throwaway_postgres(durable: bool = False) -> Iterator[PostgresServer]:
    """Start a fresh server on a free port of 127.0.0.1, in a temporary folder deleted afterwards;
    its URL names the database `postgres`. Not `durable`: commits are not flushed to disk (fsync
    off), which only a crash of the machine would notice; the benchmark keeps PostgreSQL's default."""
    folder = Path(tempfile.mkdtemp(prefix="lab_pg_"))
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(folder, "postgres")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    port = free_port()
    run(
        postgres_bin("initdb") or "initdb",
        "-D",
        str(folder / "data"),
        "-A",
        "trust",
        "-U",
        "lab",
        "--no-sync",
    )
    server = PostgresServer(
        url=f"postgresql+psycopg://lab@127.0.0.1:{port}/postgres",
        run=run,
        pg_ctl=postgres_bin("pg_ctl") or "pg_ctl",
        data=folder / "data",
        options=f"-p {port} -h 127.0.0.1 -k {folder}" + ("" if durable else " -c fsync=off"),
        log=folder / "log",
    )
    server.start()
    try:
        yield server
    finally:
        subprocess.run(
            [*prefix, server.pg_ctl, "-D", str(server.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)
