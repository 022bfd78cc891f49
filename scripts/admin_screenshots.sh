#!/usr/bin/env bash
# Screenshots of the organizers' admin at 1280 px into docs/screens/ (organizer home, campaigns list,
# signatures list, a signature's page). Usage: scripts/admin_screenshots.sh [port]
# Starts its own server on a throwaway SQLite database with the default content and made-up signers.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8766}
DIR=$(mktemp -d)
export DATABASE_URL="sqlite:///$DIR/screens.sqlite3" DEBUG=1 SITE_URL="http://127.0.0.1:$PORT" PAGE_CACHE_STAMP="$DIR/stamp"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_default_content >/dev/null
DJANGO_SUPERUSER_PASSWORD=screens-only-password .venv/bin/python manage.py createsuperuser --noinput \
  --username organizer --email organizer@example.org >/dev/null
.venv/bin/python manage.py shell -c "
import datetime, random
from django.utils import timezone
from signatures.models import Campaign, Signature
random.seed(21)
petition = Campaign.objects.filter(kind='petition').first()
letter = Campaign.objects.filter(kind='letter').first()
names = ['José Núñez', 'Ana Ruiz', 'María Fernández-García', 'Tom O\'Neil', 'Keisha Washington-Brown', 'Nguyễn Văn An',
         'Bob Smith', 'Priya Raghunathan']
places = [('02134', 'Boston', 'MA'), ('60614', 'Chicago', 'IL'), ('48201', 'Detroit', 'MI'), ('94612', 'Oakland', 'CA')]
now = timezone.now()
rows = []
for i in range(300):
    zip_code, city, state = random.choice(places)
    status = random.choice(['verified'] * 6 + ['pending', 'flagged'])
    at = now - datetime.timedelta(hours=random.randint(0, 24 * 20))
    rows.append(Signature(
        campaign=petition, name=random.choice(names), email_hash=f'h{i}', email=f'signer{i}@example.org',
        email_domain='example.org', zip_code=zip_code, city=city, us_state=state, state=status, created_at=at,
        verified_at=None if status == 'pending' else at, checked=True, show_name=i % 2 == 0, wants_updates=i % 3 == 0,
        ip_hash='ab12cd34ef56ab12cd34ef56ab12cd34', flag_reason='over the network burst limit' if status == 'flagged' else ''))
rows.append(Signature(campaign=letter, kind='organization', name='Tracy Rosenberg', organization='Oakland Privacy',
                      role='Advocacy director', email_hash='org', city='Oakland', us_state='CA', state='verified',
                      verified_at=now, checked=True))
Signature.objects.bulk_create(rows)
"
.venv/bin/python manage.py runserver --noreload "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER; rm -rf "$DIR"' EXIT
sleep 4
mkdir -p docs/screens
.venv/bin/python - "$PORT" <<'EOF'
import sys

from playwright.sync_api import sync_playwright

base = f"http://127.0.0.1:{sys.argv[1]}"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "organizer")
    page.fill("#id_password", "screens-only-password")
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")
    signature = page.evaluate("""fetch('/admin/signatures/signature/?q=Núñez').then(r => r.text())
        .then(t => t.match(/signature\\/(\\d+)\\/change/)[1])""")
    for name, path in [("organizer-home", "/admin/"), ("campaigns-list", "/admin/signatures/campaign/"),
                       ("signatures-list", "/admin/signatures/signature/"),
                       ("signature-page", f"/admin/signatures/signature/{signature}/change/")]:
        page.goto(base + path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 1280, f"{path} scrolls sideways at 1280 px ({wide} px)"
        page.screenshot(path=f"docs/screens/{name}-1280.png")
    browser.close()
EOF
ls docs/screens/*-1280.png | grep -E "organizer-home|campaigns-list|signatures-list|signature-page"
