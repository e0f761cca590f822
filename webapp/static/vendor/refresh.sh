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

cd "$here"
find bpmn-js htmx -type f | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
echo "vendored: bpmn-js $(version bpmn-js), htmx.org $(version htmx.org)"
