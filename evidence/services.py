"""Every change to a city's alert data: upload, queue, import (stage and swap), disposition meanings.

An import never half-happens: the file is read and counted first, in memory,
with nothing written but progress; then the old dataset is deleted and the new
one, its aggregates and its figures are written in **one transaction**. A file
that fails (or a worker that dies) leaves the previous data as it was.
"""

import hashlib
import itertools
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record

from . import csvfile, figures, grid, importer, report, schemas, zones
from .models import Aggregate, AlertDataset, AlertImport, DispositionMapping, ImportStatus
from .tasks import recompute_figures, run_import_task

logger = logging.getLogger("evidence")

UPLOAD_DIR = "evidence/uploads"
PREVIEW_ROWS = 20
CODES_SCAN_ROWS = 20_000
STALE_AFTER_SECONDS = 300  # a running import with no progress for this long has lost its worker


def max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_BYTES


# --- Upload ---------------------------------------------------------------------------


def receive_upload(action, uploaded, user, schema_name: str = "") -> AlertImport:
    """Store an uploaded file privately and look at its shape; raises csvfile.NotCSV (nothing kept) if unreadable."""
    digest = hashlib.sha256()
    size = 0
    for chunk in uploaded.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    shape = csvfile.inspect(uploaded.file if hasattr(uploaded, "file") else uploaded)
    name = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.csv", uploaded)
    schema = schemas.SCHEMAS.get(schema_name) or schemas.guess(shape.header)
    with transaction.atomic():
        alert_import = AlertImport.objects.create(
            action=action,
            upload=name,
            file_name=(uploaded.name or "upload.csv")[:255],
            size_bytes=size,
            sha256=digest.hexdigest(),
            encoding=shape.encoding,
            delimiter=shape.delimiter,
            line_endings=shape.line_endings,
            header=shape.header,
            schema=schema.name if schema else "",
            mapping=initial_mapping(action, shape.header, schema),
            time_zone=(schema.time_zone if schema else "") or zones.for_state(action.state),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        record(user, "evidence.upload", alert_import, data={"file": alert_import.file_name, "bytes": size})
    return alert_import


def initial_mapping(action, header: list[str], schema) -> dict:
    """The known schema's columns, else the columns of this city's last import if they are all here."""
    if schema:
        return schema.mapping_for(header)
    names = {schemas.normalize(h) for h in header}
    last = AlertImport.objects.filter(action=action, status=ImportStatus.DONE).first()
    if last and all(schemas.normalize(col) in names for col in last.mapping.values()):
        return dict(last.mapping)
    return {}


def options_for(alert_import: AlertImport) -> importer.Options:
    action = alert_import.action
    center = (float(action.latitude), float(action.longitude)) if action.latitude is not None else None
    return importer.Options(
        time_zone=alert_import.time_zone,
        dayfirst=alert_import.dayfirst,
        center=center,
        radius_km=alert_import.radius_km,
        state=action.state,
    )


def shape_of(alert_import: AlertImport) -> csvfile.Shape:
    return csvfile.Shape(alert_import.encoding, alert_import.delimiter, alert_import.header, alert_import.line_endings)


# --- Preview ----------------------------------------------------------------------------


def preview(alert_import: AlertImport, mapping: dict) -> dict:
    """The first rows as the import would read them, and the disposition codes of the first rows."""
    fields = importer.resolve(mapping, alert_import.header)
    options = options_for(alert_import)
    width = len(alert_import.header)
    rows, first_rows = [], []
    codes: dict[str, int] = {}
    with default_storage.open(alert_import.upload, "rb") as fileobj:
        reader = csvfile.rows(fileobj, shape_of(alert_import))
        for number, row in enumerate(itertools.islice(reader, CODES_SCAN_ROWS), start=2):
            if number - 2 < PREVIEW_ROWS:
                first_rows.append(row)
                rows.append(_preview_row(number, first_rows, fields, width, options))
            if "disposition" in fields and fields["disposition"] < len(row):
                code = " ".join(row[fields["disposition"]].split()).upper()  # as the import counts them
                if code:  # an empty disposition is always "unknown"
                    codes[code] = codes.get(code, 0) + 1
    return {"rows": rows, "codes": sorted(codes.items(), key=lambda pair: (-pair[1], pair[0]))}


def _preview_row(number: int, first_rows: list, fields: dict, width: int, options) -> dict:
    """The last of `first_rows` as the import reads it: its values, or why it is skipped or merged."""
    if len(first_rows) > 1:
        before = importer.count_rows(first_rows[:-1], fields, width, options).duplicates
        if importer.count_rows(first_rows, fields, width, options).duplicates > before:
            return {"row": number, "kept": False, "merged": True}
    tally = importer.count_rows(first_rows[-1:], fields, width, options)
    found = {"row": number, "kept": bool(tally.kept)}
    if tally.kept:
        found["date"] = tally.first
        found["hour"] = next(iter(tally.hours), None)
        found["type"] = next(iter(tally.types), "")
        found["area"] = next(iter(tally.areas), "")
        found["disposition"] = next(iter(tally.dispositions), "")
        found["located"] = bool(tally.fine_cells)
    else:
        reason = next(iter(tally.skipped))
        found["reason"] = report.reason_sentence(reason, {"radius_km": options.radius_km})
        examples = tally.examples.get(reason) or [[number, ""]]
        found["value"] = examples[0][1]
    return found


# --- Queue and run ------------------------------------------------------------------------


def queue_import(alert_import: AlertImport, mapping: dict, user, *, time_zone=None, dayfirst=None, radius_km=None) -> AlertImport:
    """Save the organizer's choices and hand the import to the worker; raises importer.ImportProblem."""
    importer.resolve(mapping, alert_import.header)
    with transaction.atomic():
        locked = AlertImport.objects.select_for_update().get(pk=alert_import.pk)
        if locked.status not in (ImportStatus.UPLOADED, ImportStatus.FAILED) or not locked.upload:
            raise importer.ImportProblem(_("This import has already been started."))
        running = AlertImport.objects.filter(action=locked.action, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        if running.exclude(pk=locked.pk).exists():
            raise importer.ImportProblem(_("Another import for this city is under way; wait for it to finish."))
        locked.mapping = {field: column for field, column in mapping.items() if column}
        if time_zone:
            locked.time_zone = time_zone
        if dayfirst is not None:
            locked.dayfirst = dayfirst
        if radius_km:
            locked.radius_km = radius_km
        locked.status = ImportStatus.QUEUED
        locked.error = ""
        locked.progress_rows = locked.progress_bytes = 0
        locked.save()
        record(user, "evidence.import.queued", locked, data={"mapping": locked.mapping, "file": locked.file_name})
        run_import_task.enqueue(locked.pk)
    return locked


def run_import(import_id: int) -> str:
    """The worker's job: read the stored upload, then swap the city's data. Returns the final status."""
    claimed = AlertImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    alert_import = AlertImport.objects.select_related("action").get(pk=import_id)
    try:
        with default_storage.open(alert_import.upload, "rb") as fileobj:
            perform(alert_import, fileobj, actor="worker")
    except (OSError, FileNotFoundError):
        _fail(alert_import, _("The uploaded file is no longer there; upload it again."), {})
    if alert_import.status == ImportStatus.DONE:
        default_storage.delete(alert_import.upload)
        AlertImport.objects.filter(pk=import_id).update(upload="")
    return alert_import.status


def import_now(
    action, fileobj, file_name: str, mapping: dict, actor, *, schema_name="", on_progress=None, **choices
) -> AlertImport:
    """Import an open binary file in this process (the command line); returns the finished import."""
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    while chunk := fileobj.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    shape = csvfile.inspect(fileobj)
    importer.resolve(mapping, shape.header)
    alert_import = AlertImport.objects.create(
        action=action,
        status=ImportStatus.RUNNING,
        file_name=file_name[:255],
        size_bytes=size,
        sha256=digest.hexdigest(),
        encoding=shape.encoding,
        delimiter=shape.delimiter,
        line_endings=shape.line_endings,
        header=shape.header,
        schema=schema_name,
        mapping=mapping,
        time_zone=choices.get("time_zone") or zones.for_state(action.state),
        dayfirst=bool(choices.get("dayfirst")),
        radius_km=choices.get("radius_km") or 40,
        started_at=timezone.now(),
    )
    return perform(alert_import, fileobj, actor, on_progress=on_progress)


def perform(alert_import: AlertImport, fileobj, actor, on_progress=None) -> AlertImport:
    """Read the file, and on success replace the city's dataset in one transaction; on failure change nothing."""
    context = {
        "file": alert_import.file_name,
        "radius_km": alert_import.radius_km,
        "has_coordinates": "latitude" in alert_import.mapping,
    }
    last_write = [0.0]

    def progress(rows: int) -> None:
        position = fileobj.tell() if hasattr(fileobj, "tell") else 0
        AlertImport.objects.filter(pk=alert_import.pk).update(
            progress_rows=rows, progress_bytes=position, updated_at=timezone.now()
        )
        last_write[0] = rows
        if on_progress:
            on_progress(rows, position, alert_import.size_bytes)

    try:
        shape = csvfile.inspect(fileobj) if not alert_import.encoding else shape_of(alert_import)
        context.update(encoding=shape.encoding_label, delimiter=shape.delimiter_label, line_endings=shape.line_endings)
        _shape, tally = importer.run(fileobj, alert_import.mapping, options_for(alert_import), progress, shape)
    except csvfile.NotCSV as problem:
        return _fail(alert_import, str(problem), context)
    except importer.ImportProblem as problem:
        return _fail(alert_import, str(problem), {**context, **problem.report})
    except Exception:
        logger.exception("alert import %s failed", alert_import.pk)
        return _fail(alert_import, _("The import stopped because of an error on our side."), context)
    found = report.describe(tally, **context)
    try:
        swap(alert_import, tally, found, actor)
    except Exception:
        # The swap's transaction rolled back: the previous dataset is intact.
        logger.exception("alert import %s failed while storing", alert_import.pk)
        return _fail(alert_import, _("The import stopped because of an error on our side."), found)
    return alert_import


def _fail(alert_import: AlertImport, message: str, found: dict) -> AlertImport:
    alert_import.status = ImportStatus.FAILED
    alert_import.error = message
    alert_import.report = found
    alert_import.finished_at = timezone.now()
    alert_import.save(update_fields=["status", "error", "report", "finished_at", "updated_at"])
    return alert_import


def swap(alert_import: AlertImport, tally, found: dict, actor) -> AlertDataset:
    """The one transaction: the old dataset out, the new one with its aggregates and figures in."""
    action = alert_import.action
    mapping = alert_import.mapping
    lattice = grid.build(tally.fine_cells) or {}
    with transaction.atomic():
        AlertDataset.objects.filter(action=action).delete()
        dataset = AlertDataset.objects.create(
            action=action,
            source_import=alert_import,
            file_name=alert_import.file_name,
            sha256=alert_import.sha256,
            size_bytes=alert_import.size_bytes,
            schema=alert_import.schema,
            mapping=mapping,
            area_kind=schemas.area_kind(mapping["area"]) if mapping.get("area") else "",
            time_zone=alert_import.time_zone,
            rows=tally.rows,
            kept=tally.kept,
            duplicates=tally.duplicates,
            skipped=tally.skipped_total,
            first=tally.first,
            last=tally.last,
            report=found,
            grid={k: v for k, v in lattice.items() if k != "cells"},
            imported_at=timezone.now(),
            imported_by=str(getattr(alert_import.created_by, "username", "") or actor)[:150],
        )
        Aggregate.objects.bulk_create(_aggregates(dataset, tally, lattice), batch_size=2000)
        figures.store(dataset)
        alert_import.status = ImportStatus.DONE
        alert_import.report = found
        alert_import.error = ""
        alert_import.progress_rows = tally.rows
        alert_import.progress_bytes = alert_import.size_bytes
        alert_import.finished_at = timezone.now()
        alert_import.save()
        record(
            actor, "evidence.import.done", alert_import, rows=tally.kept, data={"file": alert_import.file_name, "kept": tally.kept}
        )
    return dataset


def _aggregates(dataset, tally, lattice):
    def rows(dimension, counts, key=str):
        for value, count in counts.items():
            yield Aggregate(dataset=dataset, dimension=dimension, key=key(value)[:200], count=count)

    yield from rows("month", tally.months, lambda m: f"{m // 100:04d}-{m % 100:02d}")
    yield from rows("hour", tally.hours)
    yield from rows("weekday", tally.weekdays)
    yield from rows("area", tally.areas)
    yield from rows("zip", tally.zips)
    yield from rows("type", tally.types)
    yield from rows("disposition", tally.dispositions)
    yield from rows("rounds", tally.rounds)
    yield from rows("cell", lattice.get("cells", {}))


def is_stale(alert_import: AlertImport) -> bool:
    """A running import whose worker stopped reporting progress (killed, restarted)."""
    if alert_import.status != ImportStatus.RUNNING:
        return False
    return (timezone.now() - alert_import.updated_at).total_seconds() > STALE_AFTER_SECONDS


def give_up(alert_import: AlertImport, user) -> None:
    """Mark a stale import failed so it can be started again (its file is kept)."""
    with transaction.atomic():
        AlertImport.objects.filter(pk=alert_import.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            error=_("The import stopped before it finished."),
            finished_at=timezone.now(),
        )
        record(user, "evidence.import.abandoned", alert_import)


# --- Disposition meanings ------------------------------------------------------------------------


def set_meanings(action, meanings: dict[str, str], user) -> int:
    """Save what each disposition code means for this city; the worker recomputes the figures. Returns rows changed."""
    changed = 0
    with transaction.atomic():
        for code, meaning in meanings.items():
            code = " ".join(code.split())[:200]
            if not code:
                continue
            row, created = DispositionMapping.objects.get_or_create(action=action, code=code, defaults={"meaning": meaning})
            if not created and row.meaning != meaning:
                row.meaning = meaning
                row.save(update_fields=["meaning", "updated_at"])
                changed += 1
            changed += created
        if changed:
            record(user, "evidence.dispositions", action, rows=changed, data={"meanings": meanings})
            if AlertDataset.objects.filter(action=action).exists():
                recompute_figures.enqueue(action.pk)
    return changed


def recompute(action_id: int) -> bool:
    dataset = AlertDataset.objects.filter(action_id=action_id).select_related("action").first()
    if dataset is None:
        return False
    figures.store(dataset)
    return True


def purge_uploads(max_age_days: int = 7) -> int:
    """Delete uploaded files of imports left unfinished for a week (they hold exact alert rows)."""
    cutoff = timezone.now() - timedelta(days=max_age_days)
    old = (
        AlertImport.objects.exclude(upload="")
        .filter(updated_at__lt=cutoff)
        .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
    )
    count = 0
    for alert_import in old:
        default_storage.delete(alert_import.upload)
        AlertImport.objects.filter(pk=alert_import.pk).update(upload="")
        count += 1
    return count
