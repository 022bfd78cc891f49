"""The database tricks the busiest write paths share, documented once.

Three things, each measured in bench/ before it was kept:

- `one_sqlite_writer()`: on SQLite, writers of this machine queue on a file
  lock before `BEGIN IMMEDIATE`. SQLite lets one writer in at a time and makes
  the others poll: its busy timeout sleeps 1, 2, 5... up to 100 ms between
  tries, so under a burst of signatures the database sat idle while writers
  slept. A lock file next to the database queues them in the kernel instead,
  which wakes the next writer the moment the last one commits. Elsewhere
  (PostgreSQL, in-memory test databases, inside a transaction already) a no-op.
- `insert(instance)`: `instance.save(force_insert=True)` with the statement
  built once per model and process. The ORM's generic insert compiler was a
  fifth of a sign request's CPU. The values go through each field's own
  conversion, as in save(); no save signals are sent, so it refuses a model
  that has receivers, and fields it cannot write (generated columns, database
  defaults). core/tests/test_db.py compares it with save() field by field.
- `checkpoint_wal()`: SQLite copies its write-ahead log into the database
  here, in the worker every second (settings.PERIODIC_JOBS), not at a
  request's commit (`wal_autocheckpoint` in settings.DATABASES): done at
  commit, the fsync cost 14 ms at p99 and held every other writer.
"""

import fcntl
import functools
import os
import threading
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import signals

_writer = {"lock": threading.Lock(), "file": None, "pid": None}


@contextmanager
def one_sqlite_writer():
    """Queue this machine's SQLite writers on a file lock (see the module's docstring); wrap `transaction.atomic()`."""
    if connection.vendor != "sqlite" or connection.in_atomic_block or connection.is_in_memory_db():
        yield
        return
    with _writer["lock"]:  # threads of one process take turns here; processes, on the file
        if _writer["pid"] != os.getpid():  # a forked process must not share its parent's open file
            _writer["file"] = open(f"{connection.settings_dict['NAME']}.writer-lock", "ab")  # noqa: SIM115 - kept open
            _writer["pid"] = os.getpid()
        fcntl.flock(_writer["file"], fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(_writer["file"], fcntl.LOCK_UN)


def insert_fields(model) -> list:
    """The columns `insert` writes: every concrete field but the primary key, as the ORM's INSERT."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    awkward = [f.name for f in fields if f.generated or f.has_db_default()]
    if awkward:
        raise ImproperlyConfigured(f"core.db.insert cannot write {model.__name__}.{awkward}: use save()")
    return fields


@functools.cache
def insert_statement(model, vendor: str) -> tuple[list, str]:
    fields = insert_fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    pk = quote(model._meta.pk.column)
    return fields, f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}) RETURNING {pk}"  # noqa: S608


def insert(instance):
    """`instance.save(force_insert=True)`, faster (see the module's docstring); returns the instance with its pk."""
    model = type(instance)
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise ImproperlyConfigured(f"core.db.insert sends no save signals, and {model.__name__} has receivers: use save()")
    fields, sql = insert_statement(model, connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def checkpoint_wal() -> None:
    """SQLite: copy the write-ahead log into the database (a worker job, every second).

    PASSIVE: it never waits for or blocks the web processes' writers.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:  # (it cannot run inside a transaction)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
