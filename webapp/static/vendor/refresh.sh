#!/bin/sh
# Refresh the vendored front-end files from the exact versions pinned in package.json, with
# `npm pack` (the registry's tarballs, no install scripts run), and record their SHA-256 sums in
# SHA256SUMS, which tests/webapp/test_vendor.py checks. Run by hand after changing a version;
# CI never calls npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version() { node -e "const p = require('$here/package.json'); console.log((p.dependencies[process.argv[1]] || p.devDependencies[process.argv[1]]))" "$1"; }

cd "$work"
npm pack --silent "bpmn-js@$(version bpmn-js)" >/dev/null
npm pack --silent "htmx.org@$(version htmx.org)" >/dev/null
mkdir bpmn htmx
tar -xzf bpmn-js-*.tgz -C bpmn
tar -xzf htmx.org-*.tgz -C htmx

# The properties panel ships no browser build: install it (no install scripts) with the pinned
# bundler and bundle panel-entry.js into one IIFE exposing the global BpmnJSPropertiesPanel.
bpmn_js=$(version bpmn-js); panel=$(version bpmn-js-properties-panel)
panel_core=$(version @bpmn-io/properties-panel); esbuild=$(version esbuild)
mkdir panel
cd panel
printf '{"name": "lieta-panel-build", "private": true, "dependencies": {"bpmn-js": "%s", "bpmn-js-properties-panel": "%s", "@bpmn-io/properties-panel": "%s", "esbuild": "%s"}}\n' \
  "$bpmn_js" "$panel" "$panel_core" "$esbuild" > package.json
# panel-lock.json pins the bundle's transitive dependencies too (npm ci refuses a lock that no
# longer matches the pins: after changing a version, delete it and it is written afresh).
if [ -f "$here/panel-lock.json" ]; then
  cp "$here/panel-lock.json" package-lock.json
  npm ci --silent --ignore-scripts --no-audit --no-fund >/dev/null
else
  npm install --silent --ignore-scripts --no-audit --no-fund >/dev/null
  cp package-lock.json "$here/panel-lock.json"
fi
cp "$here/panel-entry.js" entry.js
node node_modules/esbuild/bin/esbuild entry.js --bundle --minify --format=iife \
  --global-name=BpmnJSPropertiesPanel --legal-comments=eof --target=es2020 \
  --outfile=bpmn-js-properties-panel.min.js >/dev/null
cd "$work"

rm -rf "$here/bpmn-js" "$here/htmx" "$here/bpmn-js-properties-panel"
mkdir -p "$here/bpmn-js/assets" "$here/htmx" "$here/bpmn-js-properties-panel/assets"
# The navigated viewer shows a diagram (pan and zoom); the modeler edits one (the analysts' page).
cp bpmn/package/dist/bpmn-navigated-viewer.production.min.js "$here/bpmn-js/"
cp bpmn/package/dist/bpmn-modeler.production.min.js "$here/bpmn-js/"
cp bpmn/package/dist/assets/bpmn-js.css bpmn/package/dist/assets/diagram-js.css "$here/bpmn-js/assets/"
cp bpmn/package/dist/assets/bpmn-font/css/bpmn.css "$here/bpmn-js/assets/bpmn-font.css"
mkdir -p "$here/bpmn-js/font"
cp bpmn/package/dist/assets/bpmn-font/font/bpmn.woff2 "$here/bpmn-js/font/"
cp bpmn/package/LICENSE "$here/bpmn-js/LICENSE"
cp panel/bpmn-js-properties-panel.min.js "$here/bpmn-js-properties-panel/"
cp panel/node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css "$here/bpmn-js-properties-panel/assets/"
cp panel/node_modules/bpmn-js-properties-panel/LICENSE "$here/bpmn-js-properties-panel/LICENSE"
cp panel/node_modules/@bpmn-io/properties-panel/LICENSE "$here/bpmn-js-properties-panel/LICENSE.properties-panel"
# The bundle also holds preact and the small bpmn.io helpers: their licences travel with it.
for dep in preact min-dash min-dom diagram-js ids @bpmn-io/extract-process-variables array-move; do
  if [ -f "panel/node_modules/$dep/LICENSE" ]; then
    cp "panel/node_modules/$dep/LICENSE" "$here/bpmn-js-properties-panel/LICENSE.$(echo "$dep" | tr '/@' '-_')"
  fi
done
cp htmx/package/dist/htmx.min.js "$here/htmx/"
cp htmx/package/LICENSE "$here/htmx/LICENSE"

# FullCalendar 7 (6.x injects <style> elements, which the strict CSP refuses): the all-plugins
# browser build, its skeleton and classic theme stylesheets, the theme plugin and the Latvian locale.
npm pack --silent "fullcalendar@$(version fullcalendar)" >/dev/null
mkdir fullcalendar
tar -xzf fullcalendar-*.tgz -C fullcalendar
rm -rf "$here/fullcalendar"
mkdir -p "$here/fullcalendar/themes/classic" "$here/fullcalendar/locales"
cp fullcalendar/package/all/global.js "$here/fullcalendar/fullcalendar.js"
cp fullcalendar/package/skeleton.css "$here/fullcalendar/"
cp fullcalendar/package/themes/classic/global.js fullcalendar/package/themes/classic/theme.css \
   fullcalendar/package/themes/classic/palette.css "$here/fullcalendar/themes/classic/"
cp fullcalendar/package/locales/lv/global.js "$here/fullcalendar/locales/lv.js"
cp fullcalendar/package/LICENSE.md "$here/fullcalendar/LICENSE.md"

cd "$here"
find bpmn-js bpmn-js-properties-panel fullcalendar htmx -type f | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
echo "vendored: bpmn-js $(version bpmn-js), bpmn-js-properties-panel $(version bpmn-js-properties-panel), htmx.org $(version htmx.org), fullcalendar $(version fullcalendar)"
