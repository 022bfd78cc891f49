"""The background worker: runs queued tasks and the periodic jobs.

One process does both so a small server needs no broker and no cron: the
django-tasks database worker loop runs in the main thread, and a scheduler
thread calls each job in settings.PERIODIC_JOBS on its interval.
"""

import logging
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


def run_periodic_jobs(jobs, stop: threading.Event, tick: float = 0.5) -> None:
    next_run = {path: 0.0 for path, _ in jobs}
    functions = {path: import_string(path) for path, _ in jobs}
    while not stop.is_set():
        now = time.monotonic()
        for path, every in jobs:
            if now >= next_run[path]:
                next_run[path] = now + every
                try:
                    close_old_connections()
                    functions[path]()
                except Exception:
                    # A failing job must not stop the others; it runs again next time.
                    logger.exception("periodic job %s failed", path)
        stop.wait(tick)
    connection.close()


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
        loops = [] if no_periodic else [import_string(path) for path in getattr(settings, "WORKER_LOOPS", [])]
        stop = threading.Event()
        if not batch and jobs:
            threading.Thread(target=run_periodic_jobs, args=(jobs, stop), daemon=True, name="periodic").start()
        # Not daemons: on shutdown each loop finishes what it is doing (e.g. the email in flight).
        threads = [] if batch else [threading.Thread(target=loop, args=(stop,), name=loop.__module__) for loop in loops]
        for thread in threads:
            thread.start()
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
            stop.set()  # each loop does what is due, once
            for path, _ in jobs:
                import_string(path)()
            for loop in loops:
                loop(stop)
            run_queued_tasks(worker)
            for path, _ in jobs:  # again, for what the tasks changed
                import_string(path)()
            return
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
