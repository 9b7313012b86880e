#!/usr/bin/env bash
# Build the vendored front-end static files from frontend/package.json:
#   static/govuk/govuk-frontend.min.css  (GOV.UK Frontend 6.6.0, Arial, no GDS Transport)
#   static/govuk/govuk-frontend.min.js
#   static/govuk/assets/                 (images etc., without fonts/)
#   tests/e2e/vendor/axe.min.js          (axe-core)
# The outputs are committed; re-run this only when upgrading dependencies.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOVUK_OUT="$ROOT/static/govuk"
AXE_OUT="$ROOT/tests/e2e/vendor/axe.min.js"

cd "$ROOT/frontend"
npm ci --no-audit --no-fund

GOVUK_DIST="node_modules/govuk-frontend/dist/govuk"

# Clean outputs first so the build is idempotent.
rm -rf "$GOVUK_OUT"
rm -f "$AXE_OUT"
mkdir -p "$GOVUK_OUT" "$(dirname "$AXE_OUT")"

npx --no-install sass --style=compressed --no-source-map --load-path=node_modules \
  govuk.scss "$GOVUK_OUT/govuk-frontend.min.css"

cp "$GOVUK_DIST/govuk-frontend.min.js" "$GOVUK_OUT/govuk-frontend.min.js"
# The minified JS ends with "//# sourceMappingURL=govuk-frontend.min.js.map" but
# the map is not vendored; drop just that trailing comment (Django's
# ManifestStaticFilesStorage would otherwise fail on the missing .map file).
sed -i 's|//# sourceMappingURL=govuk-frontend\.min\.js\.map$||' "$GOVUK_OUT/govuk-frontend.min.js"

# Assets without fonts/ (GDS Transport is for GOV.UK only and is not used).
mkdir -p "$GOVUK_OUT/assets"
for entry in "$GOVUK_DIST/assets/"*; do
  name="$(basename "$entry")"
  [ "$name" = "fonts" ] && continue
  cp -R "$entry" "$GOVUK_OUT/assets/"
done

cp node_modules/axe-core/axe.min.js "$AXE_OUT"

if grep -q "GDS Transport" "$GOVUK_OUT/govuk-frontend.min.css"; then
  echo "error: GDS Transport found in compiled CSS" >&2
  exit 1
fi

echo "Built:"
( cd "$ROOT" && du -b static/govuk/govuk-frontend.min.css static/govuk/govuk-frontend.min.js tests/e2e/vendor/axe.min.js && find static/govuk/assets -type f | sort )
