"""The background worker: runs queued tasks and the periodic jobs.

One process does both so a small server needs no broker and no cron: the
django-tasks database worker loop runs in the main thread, and each job in
settings.PERIODIC_JOBS runs in its own thread, so a slow one (a big outbox,
a flood to check) never holds up another (the count fold).

Stopping: SIGTERM or Ctrl+C asks every loop to stop after what it is doing
(the outbox finishes the email in flight and records it), and the process
exits when they all have; nothing is cut mid-job. A second signal exits at
once. Even `kill -9` repeats at most the one email in flight, since the
outbox records each one as soon as the server accepts it.
"""

import inspect
import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection, transaction
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("core.worker")


def run_periodic_job(path: str, every: float, stop: threading.Event) -> None:
    """Run one job every `every` seconds until `stop` is set; at once again while it reports work done.

    A job that accepts a `stop` argument is given the event, to check
    between the items of a long run.
    """
    function = import_string(path)
    kwargs = {"stop": stop} if "stop" in inspect.signature(function).parameters else {}
    try:
        while not stop.is_set():
            started = time.monotonic()
            try:
                close_old_connections()
                did_work = function(**kwargs)
            except Exception:
                # A failing job must not stop the others; it runs again next time.
                logger.exception("periodic job %s failed", path)
                did_work = False
            if not did_work:
                stop.wait(max(0.0, every - (time.monotonic() - started)))
    finally:
        connection.close()


def start_periodic_jobs(jobs, stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=run_periodic_job, args=(path, every, stop), name=path) for path, every in jobs]
    for thread in threads:
        thread.start()
    return threads


def run_queued_tasks(worker: Worker) -> int:
    """Run every task that is ready now, in this thread; returns how many ran.

    Unlike the worker loop it leaves database connections alone, so it also
    works inside a test's transaction.
    """
    ran = 0
    while True:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is None:
                return ran
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1


class Command(BaseCommand):
    help = "Run queued background tasks and the periodic jobs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.2, help="Seconds to wait when the queue is empty.")
        parser.add_argument(
            "--batch", action="store_true", help="Run the periodic jobs once and all queued tasks, then exit."
        )
        parser.add_argument(
            "--no-periodic", action="store_true", help="Only run queued tasks (for extra worker processes)."
        )

    def handle(self, *args, interval, batch, no_periodic, **options):
        jobs = [] if no_periodic else list(settings.PERIODIC_JOBS)
        # Long-running loops (settings.WORKER_LOOPS, e.g. sending updates), each given the stop event.
        loops = [] if no_periodic else [import_string(path) for path in getattr(settings, "WORKER_LOOPS", [])]
        worker = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
        )
        if batch:
            done = threading.Event()
            done.set()  # each loop does what is due, once
            for path, _ in jobs:
                import_string(path)()
            for loop in loops:
                loop(done)
            run_queued_tasks(worker)
            for path, _ in jobs:  # again, for what the tasks changed
                import_string(path)()
            return
        stop = threading.Event()

        def ask_to_stop(signum, frame):
            if stop.is_set():
                logger.warning("second %s: stopping now", signal.strsignal(signum))
                os._exit(1)
            logger.info("%s: finishing what is in flight, then stopping", signal.strsignal(signum))
            stop.set()
            worker.running = False  # the task loop ends after the task in flight

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, ask_to_stop)
        threads = start_periodic_jobs(jobs, stop)
        threads += [threading.Thread(target=loop, args=(stop,), name=loop.__module__) for loop in loops]
        for thread in threads[len(jobs) :]:
            thread.start()
        try:
            worker.run()
        finally:
            stop.set()
            for thread in threads:
                thread.join()
