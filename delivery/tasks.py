from django_tasks import task


@task()
def build_delivery(delivery_id: int) -> int | None:
    """Build a delivery's packet in the worker (a million signers take seconds, not a request's time)."""
    from . import services  # services enqueues this task: imported here, not at the top

    return services.build(delivery_id)
