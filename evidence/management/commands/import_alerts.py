"""Import a city's ShotSpotter alert export for a local fight, from the command line.

    manage.py import_alerts chicago-il ShotSpotter_Alerts.csv
    manage.py import_alerts cincinnati-oh calls.csv --schema cincinnati
    manage.py import_alerts oakland-ca alerts.csv --map datetime="Incident Date" --map type=Kind

Prints the same report as the admin. A failed import changes nothing.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence import csvfile, importer, report, schemas, services
from evidence.models import ImportStatus
from local_actions.models import LocalAction


def parse_map(items: list[str]) -> dict:
    mapping = {}
    for item in items:
        field, sep, column = item.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise CommandError(f"--map takes FIELD=COLUMN, for example --map date=DATE (got “{item}”).")
        if field not in schemas.FIELDS:
            raise CommandError(f"“{field}” is not a field we know. The fields are: {', '.join(schemas.FIELDS)}.")
        mapping[field] = column.strip()
    return mapping


class Command(BaseCommand):
    help = "Import a city's alert data (CSV) for a local fight and compute its fact sheet."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The local fight's address, as in /local/<address>/.")
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument("--schema", choices=sorted(schemas.SCHEMAS), help="A saved mapping for a known city export.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"Which column holds a field (repeatable). Fields: {', '.join(schemas.FIELDS)}.",
        )
        parser.add_argument("--time-zone", help="The city's time zone (default: from the state, e.g. America/Chicago).")
        parser.add_argument("--radius-km", type=int, default=40, help="Alerts farther from the city centre are skipped.")
        parser.add_argument("--day-first", action="store_true", help="Dates are written day before month (31/12/2023).")

    def handle(self, *args, slug, file, schema, map, time_zone, radius_km, day_first, **options):
        self.verbosity = options["verbosity"]
        action = LocalAction.objects.filter(slug=slug).first()
        if action is None:
            known = ", ".join(LocalAction.objects.order_by("slug").values_list("slug", flat=True)[:20])
            raise CommandError(f"No local fight has the address “{slug}”. Some that do: {known}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        overrides = parse_map(map)
        with path.open("rb") as fileobj:
            try:
                shape = csvfile.inspect(fileobj)
            except csvfile.NotCSV as problem:
                raise CommandError(str(problem)) from None
            chosen = schemas.SCHEMAS[schema] if schema else schemas.guess(shape.header)
            mapping = chosen.mapping_for(shape.header) if chosen else {}
            mapping.update(overrides)
            if not chosen and "datetime" not in mapping and "date" not in mapping:
                raise CommandError(
                    "We do not recognise this file's columns ("
                    + ", ".join(shape.header)
                    + "). Say which column holds what with --map, for example --map datetime=DATE --map type=TYPE."
                )
            if chosen:
                self.stderr.write(f"Reading it as: {chosen.label}")
            try:
                done = services.import_now(
                    action,
                    fileobj,
                    path.name,
                    mapping,
                    "manage.py import_alerts",
                    schema_name=chosen.name if chosen else "",
                    on_progress=self.progress,
                    time_zone=time_zone or (chosen.time_zone if chosen else ""),
                    radius_km=radius_km,
                    dayfirst=day_first,
                )
            except (csvfile.NotCSV, importer.ImportProblem) as problem:
                raise CommandError(str(problem)) from None
        if done.report.get("rows") is not None:
            self.stdout.write(report.text(done.report))
        if done.status != ImportStatus.DONE:
            raise CommandError(f"{done.error} Nothing was changed.")
        self.stdout.write(self.style.SUCCESS(f"The fact sheet is at /local/{action.slug}/facts/."))

    def progress(self, rows: int, position: int, size: int) -> None:
        if sys.stderr.isatty() or self.verbosity > 1:
            share = f" ({100 * position // size}%)" if size else ""
            self.stderr.write(f"  read {rows:,} rows{share}")
