#!/usr/bin/env bash
# The README's offline walk-through: root → general agent → regional agent → license → verify.
# Usage: Deploy/walkthrough.sh [WORKDIR]   (default: a fresh temporary directory)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cd "$repo"
swift build --product tollgate >/dev/null
tollgate="$repo/.build/debug/tollgate"
cd "$work"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$tollgate" root init --dir vendor --name vendor
step "$tollgate" node init --dir ga-europe --name ga-europe --anchor vendor/anchor.pub
step "$tollgate" node init --dir ra-dach --name ra-dach --anchor vendor/anchor.pub
step "$tollgate" delegate --dir vendor --subject ga-europe --subject-key ga-europe/node.pub \
    --seats 100000 --countries DE,AT,CH,FR,IT --product cad-pro=export,render,simulate --product cad-lite=export \
    --models perpetual,subscription,trial --price-floor EUR:40.00 --price-floor CHF:45.00 --sync-within 14d \
    --out ga-europe.chain
step "$tollgate" accept --dir ga-europe ga-europe.chain
step "$tollgate" delegate --dir ga-europe --subject ra-dach --subject-key ra-dach/node.pub \
    --seats 10000 --countries DE,AT,CH --product cad-pro=export,render --models perpetual,subscription \
    --price-floor EUR:45.00 --price-floor CHF:50.00 --sync-within 7d --out ra-dach.chain
step "$tollgate" accept --dir ra-dach ra-dach.chain
step "$tollgate" issue --dir ra-dach --customer "Muster GmbH" --country DE --territory DE,AT \
    --product cad-pro --model subscription --days 365 --price EUR:49.00 --seats 5 --out muster.license
step "$tollgate" verify --anchor vendor/anchor.pub muster.license
# Refusals: below the floor, and a regional certificate wider than its parent.
if "$tollgate" issue --dir ra-dach --customer "Cheap AG" --country CH --product cad-pro --model perpetual \
    --price CHF:1.00 --out cheap.license; then echo "a below-floor sale was accepted" >&2; exit 1; fi
if "$tollgate" delegate --dir ga-europe --subject ra-us --subject-key ra-dach/node.pub --seats 10 --countries US \
    --out ra-us.chain; then echo "a widening delegation was accepted" >&2; exit 1; fi
# A tampered license fails verification with the rule that broke.
python3 - <<'PY'
import json
f = json.load(open("muster.license"))
h, p, s = f["license"].split(".")
f["license"] = h + "." + p + "." + ("A" if s[0] != "A" else "B") + s[1:]
json.dump(f, open("tampered.license", "w"))
PY
if "$tollgate" verify --anchor vendor/anchor.pub tampered.license; then echo "a tampered license verified" >&2; exit 1; fi
echo
echo "walk-through complete in $work"
