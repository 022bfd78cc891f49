#!/usr/bin/env bash
# Screenshots of the public pages at 360 and 1280 px, English and Spanish, into docs/screens/.
# Usage: scripts/screenshots.sh [port]   (starts its own server on a throwaway SQLite database)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8765}
DB=$(mktemp -d)/screens.sqlite3
export DATABASE_URL="sqlite:///$DB" DEBUG=1 SITE_URL="http://127.0.0.1:$PORT"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_default_content >/dev/null
.venv/bin/python manage.py runserver --noreload "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 3
mkdir -p docs/screens
pages=(
  "home:/"
  "petition:/petition/stop-surveilling-our-communities/"
  "embed:/petition/stop-surveilling-our-communities/embed/"
  "open-letter:/letter/stop-selling-surveillance/"
  "explainer:/racist-data/"
  "profits:/profits/"
  "who-we-are:/who-we-are/"
  "our-demands:/our-demands/"
  "news:/news/"
  "get-involved:/get-involved/"
  "map:/local/"
  "local-fight:/local/detroit-mi/"
)
for entry in "${pages[@]}"; do
  name=${entry%%:*}; path=${entry#*:}
  for lang in en es; do
    prefix=""; [ "$lang" = es ] && prefix="/es"
    for width in 360 1280; do
      chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=$width,1400 \
        --screenshot="docs/screens/$name-$lang-$width.png" "http://127.0.0.1:$PORT$prefix$path" >/dev/null 2>&1
    done
  done
done
ls docs/screens | wc -l
