"""The delivery packet at scale: `python -m bench.delivery` (about 5 minutes per database).

Seeds a fresh database with N confirmed signatures (a million by default),
then, each in its own process so its peak memory is its own:

- ours: the worker's job (delivery.services.build): the PDF, the CSV, the
  manifest with a hash per signature, stored; time and peak RSS (VmHWM);
- reportlab: the same rows, the same font and page layout, drawn with
  ReportLab's canvas (PDF only: no CSV, manifest or hashes), for the choice
  of writer (delivery/pdf.py says why we keep our own).

The load average is recorded before and after each measurement: the machine is
shared, and a busy neighbour slows every number. Results go to
bench/results/<date>-delivery-<database>.{json,md}.

    python -m bench.delivery --db sqlite --rows 1000000
    python -m bench.delivery --quick            # 2,000 rows, for the smoke test
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.site import PYTHON, ROOT, Site, drop_templates, postgres_reachable

TARGET_SECONDS, TARGET_MB = 60, 200


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- the measurements, in a child process with the site's settings ------------------
def _rss_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def child_ours() -> dict:
    from django.core.files.storage import default_storage

    from bench.probe import campaign
    from delivery import services
    from delivery.models import Delivery
    from delivery.selection import Filters

    rss_before = _rss_mb("VmRSS")
    delivery = services.request_delivery(
        None, campaign=campaign(), recipient="The CEO of SoundThinking", delivered_on=datetime.date.today(), filters=Filters()
    )
    t0 = time.perf_counter()
    count = services.build(delivery.pk)
    seconds = time.perf_counter() - t0
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert delivery.status == Delivery.Status.READY, delivery.error
    sizes = {name: default_storage.size(getattr(delivery, name).name) for name in ("pdf", "csv", "manifest")}
    return {
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(count / seconds),
        "pages": delivery.pages,
        "bytes": sizes,
        "rss_before_mb": rss_before,
        "peak_rss_mb": _rss_mb("VmHWM"),
    }


def child_reportlab() -> dict:
    """The same rows and layout through ReportLab's canvas (only the PDF)."""
    import tempfile

    try:
        from reportlab.pdfbase import pdfmetrics
    except ImportError:
        return {"skipped": "reportlab is not installed (pip install reportlab): it is only the comparison"}
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from bench.probe import campaign
    from delivery import packet
    from delivery.selection import Filters, rows

    rss_before = _rss_mb("VmRSS")
    pdfmetrics.registerFont(TTFont("DejaVu", str(packet.FONTS / "DejaVuSans.ttf")))
    c = campaign()
    t0 = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
        pdf = canvas.Canvas(out.name, pagesize=(packet.WIDTH, packet.HEIGHT), pageCompression=1)
        y, page, count = None, 0, 0
        for _pk, _kind, name, _role, city, us_state, _zip in rows(c, Filters()):
            if y is None or y < packet.BOTTOM_Y:
                if y is not None:
                    pdf.showPage()
                page += 1
                pdf.setFont("DejaVu", packet.SMALL)
                pdf.drawString(packet.MARGIN, packet.HEAD_Y, c.title)
                pdf.drawString(packet.MARGIN, packet.FOOT_Y, f"Page {page}")
                pdf.setFont("DejaVu", packet.SIZE)
                y = packet.TOP_Y
            count += 1
            pdf.drawRightString(packet.NUMBER_RIGHT, y, str(count))
            pdf.drawString(packet.NAME_X, y, name)
            pdf.drawString(packet.PLACE_X, y, f"{city}, {us_state}")
            y -= packet.LEAD
        pdf.showPage()
        pdf.save()
        size = os.path.getsize(out.name)
    seconds = time.perf_counter() - t0
    return {
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(count / seconds),
        "pages": page,
        "bytes": {"pdf": size},
        "rss_before_mb": rss_before,
        "peak_rss_mb": _rss_mb("VmHWM"),
    }


def child(what: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(json.dumps({"ours": child_ours, "reportlab": child_reportlab}[what]()))


# --- the orchestration ------------------------------------------------------------
def measure(site: Site, what: str) -> dict:
    before = loadavg()
    out = subprocess.run(
        [PYTHON, "-m", "bench.delivery", "child", what], cwd=ROOT, env=site.env, capture_output=True, text=True, timeout=1800
    )
    if out.returncode:
        raise RuntimeError(f"{what} failed:\n{out.stdout}\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["loadavg_before"], result["loadavg_after"] = before, loadavg()
    return result


def run(db: str, args) -> dict:
    result = {"db": db, "rows": args.rows, "loadavg_at_start": loadavg()}
    with Site(db, "delivery") as site:
        site.env["MEDIA_ROOT"] = str(site.dir / "media")  # the packets stay in the site's temp dir
        site.prepare()
        seeded = site.probe("seed", str(args.rows), "verified")
        log(f"{db}: seeded {seeded['rows']:,} confirmed signatures in {seeded['seconds']} s")
        site.manage("recount")  # as the worker would have: every row checked and counted
        for engine in args.engines:
            result[engine] = r = measure(site, engine)
            if "skipped" in r:
                log(f"{db}: {engine}: {r['skipped']}")
                continue
            log(
                f"{db}: {engine}: {r['rows']:,} rows in {r['seconds']} s ({r['rows_per_s']:,}/s), {r['pages']:,} pages, "
                f"peak RSS {r['peak_rss_mb']} MB, load {r['loadavg_before']} -> {r['loadavg_after']}"
            )
    return result


def write(results: list[dict], args, out: Path) -> Path:
    today = datetime.date.today().isoformat()
    payload = {"date": today, "machine": report.machine(), "rows": args.rows, "note": args.note, "runs": results}
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{today}-delivery-{'-'.join(r['db'] for r in results)}"
    (out / f"{stem}.json").write_text(json.dumps(payload, indent=1) + "\n")
    lines = [
        f"# Delivery packet at {args.rows:,} signatures ({today})",
        "",
        f"Machine: {payload['machine']['nproc']} cores, {payload['machine']['cpu']}, {payload['machine']['ram_gb']} GB, "
        f"Python {payload['machine']['python']}. Target: under {TARGET_SECONDS} s and {TARGET_MB} MB.",
        "",
        "`ours` is the worker's whole job (PDF, CSV, manifest with a hash per signature, stored); "
        "`reportlab` draws the same rows with ReportLab's canvas, PDF only.",
        "",
        "| database | engine | rows | seconds | rows/s | pages | PDF MB | peak RSS MB | load avg before -> after | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        for engine in args.engines:
            m = r.get(engine)
            if not m or "skipped" in m:
                continue
            met = m["seconds"] < TARGET_SECONDS and m["peak_rss_mb"] < TARGET_MB
            lines.append(
                f"| {r['db']} | {engine} | {m['rows']:,} | {m['seconds']} | {m['rows_per_s']:,} | {m['pages']:,} | "
                f"{m['bytes']['pdf'] / 1e6:.1f} | {m['peak_rss_mb']} | {m['loadavg_before']} -> {m['loadavg_after']} | "
                f"{'met' if met else 'NOT MET'} |"
            )
    if args.note:
        lines += ["", args.note]
    md = out / f"{stem}.md"
    md.write_text("\n".join(lines) + "\n")
    return md


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        child(argv[1])
        return 0
    p = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--engines", default="ours,reportlab", help="comma-separated: ours, reportlab")
    p.add_argument("--note", default="", help="a line about this run for the results file")
    p.add_argument("--out", type=Path, default=report.RESULTS)
    p.add_argument("--quick", action="store_true", help="2,000 rows, for the smoke test")
    args = p.parse_args(argv)
    if args.quick:
        args.rows = 2000
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.db == "both" and not postgres_reachable():
        dbs = ["sqlite"]
    results = []
    try:
        for db in dbs:
            results.append(run(db, args))
    finally:
        drop_templates()
    md = write(results, args, args.out)
    log(f"results in {md}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
