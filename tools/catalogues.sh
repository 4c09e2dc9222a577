#!/usr/bin/env bash
# The public site's gettext catalogues (README, "Languages"), with the same options everywhere:
#   tools/catalogues.sh extract [FILE]   the template of every string to translate (data/translations/messages.pot)
#   tools/catalogues.sh update           extract, then add new strings to every language's catalogue, untranslated
#   tools/catalogues.sh compile          the .mo files the app reads (make install runs this)
# Strings are marked _() and ngettext() in templates, _l()/lazy_ngettext() in forms, N_()/Nn_() in the domain.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
TEMPLATE=data/translations/messages.pot

extract() {
  "$BIN/pybabel" --quiet extract -F babel.cfg -k N_ -k Nn_:1,2 -k _l -k lazy_ngettext:1,2 --no-location --sort-output \
    --project "Safe Space Directory" --copyright-holder "Safe Space Directory" --msgid-bugs-address "" \
    -o "$1" .
}

case "${1:-}" in
  extract) extract "${2:-$TEMPLATE}" ;;
  update)
    extract "$TEMPLATE"
    "$BIN/pybabel" --quiet update -i "$TEMPLATE" -d data/translations --no-fuzzy-matching --ignore-obsolete ;;
  compile) "$BIN/pybabel" --quiet compile -d data/translations ;;
  *) echo "usage: $0 extract [FILE] | update | compile" >&2; exit 2 ;;
esac
