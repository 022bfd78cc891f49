"""The worker's jobs: run an import, recompute a fact sheet's figures."""

from django_tasks import task


@task()
def run_import_task(import_id: int) -> str:
    from .services import run_import

    return run_import(import_id)


@task()
def recompute_figures(action_id: int) -> bool:
    from .services import recompute

    return recompute(action_id)
