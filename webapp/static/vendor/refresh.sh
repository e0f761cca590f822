#!/bin/sh
# Refresh the vendored front-end files from the exact versions pinned in package.json, with
# `npm pack` (the registry's tarballs, no install scripts run), and record their SHA-256 sums in
# SHA256SUMS, which tests/webapp/test_vendor.py checks. Run by hand after changing a version;
# CI never calls npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version() { node -e "console.log(require('$here/package.json').dependencies['$1'])"; }

cd "$work"
npm pack --silent "bpmn-js@$(version bpmn-js)" >/dev/null
npm pack --silent "htmx.org@$(version htmx.org)" >/dev/null
mkdir bpmn htmx
tar -xzf bpmn-js-*.tgz -C bpmn
tar -xzf htmx.org-*.tgz -C htmx

rm -rf "$here/bpmn-js" "$here/htmx"
mkdir -p "$here/bpmn-js/assets" "$here/htmx"
# The navigated viewer only: it shows the diagram and lets a person pan and zoom, nothing more.
cp bpmn/package/dist/bpmn-navigated-viewer.production.min.js "$here/bpmn-js/"
cp bpmn/package/dist/assets/bpmn-js.css bpmn/package/dist/assets/diagram-js.css "$here/bpmn-js/assets/"
cp bpmn/package/LICENSE "$here/bpmn-js/LICENSE"
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
find bpmn-js fullcalendar htmx -type f | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
echo "vendored: bpmn-js $(version bpmn-js), htmx.org $(version htmx.org), fullcalendar $(version fullcalendar)"
