#!/usr/bin/env bash
# A whole Tollgate channel on this machine, over TLS on loopback, and a short story through it.
#
#   vendor (root)
#   ├── ga-europe    ── ra-dach, ra-france
#   └── ga-americas  ── ra-usa,  ra-brazil
#
# Installs system packages (Deploy/setup-system.sh), builds `tollgate` in release, makes a throwaway
# CA and a server certificate for 127.0.0.1/localhost, creates the seven nodes, serves each with
# `tollgate node serve` over HTTPS (each agent syncing with its parent), wires their certificates
# through the operator API, then sells (through an agent, and by the vendor directly under a
# certificate it delegates to itself), activates, rehosts, handles an emergency and an offline
# activation, verifies offline with only the vendor's key, shows a tiered subscription going
# through its warning, grace and downgrade, refunds one license (its machine refuses it after its
# next status check), upgrades a license and sells an add-on (the machines keep their
# activations), converts a trial offline, sells a metered license whose machines cross the
# allowance (one carries its usage as a file), serves three floating seats to five machines from a
# closed site (one crashing, one borrowing; its log carried out as a file), shows refused sales, waits for the sales and usage
# to sync up to the vendor, bills the usage and audits there, shows /healthz and /metrics, and stops every node with
# SIGTERM, checking that each exits 0.
#
# Usage: Deploy/local-network.sh [options]
#   --work DIR        work directory (default: a fresh one under /tmp); a directory this script made
#                     before is wiped and reused, anything else must be empty or absent
#   --keep-running    leave the nodes running at the end and print their URLs and how to stop them
#   --fixed-ports     listen on 7401–7408 (the site last) instead of ephemeral ports read from --port-file
#   --binary PATH     use this tollgate binary instead of building one
#   --scratch-path D  build with `swift build --scratch-path D` (default: SwiftPM's .build)
#   --skip-setup      do not run Deploy/setup-system.sh
# Exits non-zero as soon as any step fails (after stopping the nodes it started).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work=""
keep_running=0
fixed_ports=0
binary=""
scratch=()
skip_setup=0
while [ $# -gt 0 ]; do
    case "$1" in
        --work) work="$2"; shift 2 ;;
        --keep-running) keep_running=1; shift ;;
        --fixed-ports) fixed_ports=1; shift ;;
        --binary) binary="$2"; shift 2 ;;
        --scratch-path) scratch=(--scratch-path "$2"); shift 2 ;;
        --skip-setup) skip_setup=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------------------------------------
# Output helpers

bold=$'\033[1m'; dim=$'\033[2m'; green=$'\033[32m'; red=$'\033[31m'; reset=$'\033[0m'
if [ ! -t 1 ]; then bold=""; dim=""; green=""; red=""; reset=""; fi
chapter() { printf '\n%s== %s%s\n' "$bold" "$*" "$reset"; }
note() { printf '%s%s%s\n' "$dim" "$*" "$reset"; }
fail() { printf '%sFAILED: %s%s\n' "$red" "$*" "$reset" >&2; exit 1; }
# `shown ARGS…` prints a command line as one would type it (arguments with spaces in quotes).
shown() {
    local words=() word
    for word in "$@"; do
        if [[ "$word" =~ [[:space:]] ]]; then words+=("\"$word\""); else words+=("$word"); fi
    done
    printf '%s' "${words[*]}"
}

# ---------------------------------------------------------------------------------------------
# Build and work directory

if [ "$skip_setup" -eq 0 ]; then
    chapter "System packages"
    "$repo/Deploy/setup-system.sh"
fi
for tool in openssl curl python3; do command -v "$tool" >/dev/null || fail "$tool is not installed (run Deploy/setup-system.sh)"; done

if [ -z "$binary" ]; then
    chapter "Building tollgate (release)"
    (cd "$repo" && swift build -c release --product tollgate "${scratch[@]}")
    binary="$(cd "$repo" && swift build -c release --product tollgate "${scratch[@]}" --show-bin-path)/tollgate"
fi
[ -x "$binary" ] || fail "no tollgate binary at $binary"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

marker=".tollgate-local-network"
if [ -z "$work" ]; then
    work="$(mktemp -d /tmp/tollgate-network.XXXXXX)"
elif [ -e "$work/$marker" ]; then
    rm -rf "${work:?}"/* "${work:?}"/.[!.]* 2>/dev/null || true
elif [ -d "$work" ] && [ -n "$(ls -A "$work")" ]; then
    fail "$work is not empty and was not made by this script; choose another --work"
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
touch "$work/$marker"
mkdir -p "$work/tls" "$work/logs" "$work/files" "$work/machines"
cd "$work"
note "work directory: $work"
note "tollgate: $binary"

# `tg ARGS…` runs tollgate, echoing the command line first.
tg() {
    printf '%s$ tollgate %s%s\n' "$bold" "$(shown "$@")" "$reset"
    "$binary" "$@"
}

# ---------------------------------------------------------------------------------------------
# A throwaway CA and a server certificate for the loopback address

chapter "TLS: a throwaway EC P-256 CA and a server certificate for 127.0.0.1 / localhost"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out tls/ca.key 2>/dev/null
openssl req -x509 -new -key tls/ca.key -sha256 -days 2 -subj "/CN=Tollgate local network CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out tls/ca.crt
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out tls/server.key 2>/dev/null
chmod 600 tls/ca.key tls/server.key
openssl req -new -key tls/server.key -subj "/CN=localhost" -out tls/server.csr
cat > tls/server.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EOF
openssl x509 -req -in tls/server.csr -CA tls/ca.crt -CAkey tls/ca.key -CAcreateserial -days 2 -sha256 \
    -extfile tls/server.ext -out tls/server.crt 2>/dev/null
openssl verify -CAfile tls/ca.crt tls/server.crt
ca="$work/tls/ca.crt"

# ---------------------------------------------------------------------------------------------
# Nodes

nodes=(vendor ga-europe ga-americas ra-dach ra-france ra-usa ra-brazil)
declare -A parent=([ga-europe]=vendor [ga-americas]=vendor [ra-dach]=ga-europe [ra-france]=ga-europe
                   [ra-usa]=ga-americas [ra-brazil]=ga-americas)
declare -A pid=() url=()
stopped=0

stop_nodes() {
    # SIGTERM drains each node; a node that does not exit within 15 s is killed and reported.
    local status=0 name
    for name in "${nodes[@]}"; do
        [ -n "${pid[$name]:-}" ] && kill -TERM "${pid[$name]}" 2>/dev/null || true
    done
    for name in "${nodes[@]}"; do
        local p="${pid[$name]:-}"
        [ -n "$p" ] || continue
        local waited=0
        while kill -0 "$p" 2>/dev/null && [ "$waited" -lt 150 ]; do
            sleep 0.1; waited=$((waited + 1))
            # A signal that arrives before the node armed its handler is ignored: repeat it.
            [ $((waited % 10)) -eq 0 ] && kill -TERM "$p" 2>/dev/null || true
        done
        if kill -0 "$p" 2>/dev/null; then
            kill -KILL "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
            printf '  %-12s did not stop within 15 s: killed\n' "$name"
            status=1
        else
            local code=0
            wait "$p" || code=$?
            printf '  %-12s exit %s\n' "$name" "$code"
            [ "$code" -eq 0 ] || status=1
        fi
        pid[$name]=""
    done
    stopped=1
    return "$status"
}

on_exit() {
    local code=$?
    if [ "$stopped" -eq 0 ] && { [ "$keep_running" -eq 0 ] || [ "$code" -ne 0 ]; }; then
        [ "$code" -eq 0 ] || printf '%sstopping the nodes after a failure (logs in %s/logs)%s\n' "$red" "$work" "$reset" >&2
        stop_nodes >/dev/null 2>&1 || true
    fi
}
trap on_exit EXIT

chapter "Creating the vendor's root and six agents"
tg root init --dir vendor --name vendor >/dev/null
for name in "${nodes[@]:1}"; do
    "$binary" node init --dir "$name" --name "$name" --anchor vendor/anchor.pub >/dev/null
done
note "made ${nodes[*]} (each: node.key 0600, node.pub, anchor.pub, node.sqlite, operator.token 0600)"

# `serve_node NAME` serves node NAME over TLS in the background and waits until it answers /healthz.
port_number=7401
serve_node() {
    local name="$1"
    local port_args sync_args port
    if [ "$fixed_ports" -eq 1 ]; then
        port_args=(--port "$port_number")
    else
        port_args=(--port 0 --port-file "$name/port")
    fi
    sync_args=()
    if [ -n "${parent[$name]:-}" ]; then
        sync_args=(--parent "${url[${parent[$name]}]}" --parent-ca "$ca" --sync-interval 2)
    fi
    "$binary" node serve --dir "$name" --host 127.0.0.1 "${port_args[@]}" \
        --tls-cert tls/server.crt --tls-key tls/server.key "${sync_args[@]}" >"logs/$name.log" 2>&1 &
    pid[$name]=$!
    port=""
    for _ in $(seq 1 300); do
        if [ "$fixed_ports" -eq 1 ]; then
            grep -q "serving on" "logs/$name.log" 2>/dev/null && port="$port_number"
        elif [ -s "$name/port" ]; then
            port="$(tr -d '[:space:]' < "$name/port")"
        fi
        [ -n "$port" ] && break
        kill -0 "${pid[$name]}" 2>/dev/null || fail "$name exited while starting: $(cat "logs/$name.log")"
        sleep 0.1
    done
    [ -n "$port" ] || fail "$name is not listening after 30 s: $(cat "logs/$name.log")"
    port_number=$((port_number + 1))
    url[$name]="https://127.0.0.1:$port"
    curl -fsS --cacert "$ca" "${url[$name]}/healthz" >/dev/null || fail "$name does not answer /healthz over TLS"
    printf '  %-12s %s  (pid %s%s)\n' "$name" "${url[$name]}" "${pid[$name]}" \
        "${parent[$name]:+, syncs with ${parent[$name]} every 2 s}"
}

chapter "Serving all seven over TLS on loopback (parents first: each agent syncs with its parent)"
for name in "${nodes[@]}"; do
    serve_node "$name"
done

# `command_words CMD ARGS…` sets `words` to the command's words (a group's subcommand included, as
# in `list certificates`: options may only follow them) and `rest` to its arguments.
command_words() {
    words=("$1"); shift
    case "${words[0]}" in
        list|report|machine|node|root|sim|site) words+=("$1"); shift ;;
    esac
    rest=("$@")
}

# `op NODE CMD ARGS…` runs an operator command against the running node over HTTPS.
op() {
    local name="$1"; shift
    local words rest
    command_words "$@"
    printf '%s[%s]$ tollgate %s%s\n' "$bold" "$name" "$(shown "${words[@]}" "${rest[@]}")" "$reset"
    "$binary" "${words[@]}" --node "${url[$name]}" --token-file "$name/operator.token" --ca "$ca" "${rest[@]}"
}

# `refused NODE CMD ARGS…` runs an operator command that must fail, and shows why it did.
refused() {
    local name="$1"; shift
    local words rest
    command_words "$@"
    printf '%s[%s]$ tollgate %s%s\n' "$bold" "$name" "$(shown "${words[@]}" "${rest[@]}")" "$reset"
    local output
    if output="$("$binary" "${words[@]}" --node "${url[$name]}" --token-file "$name/operator.token" --ca "$ca" "${rest[@]}" 2>&1)"; then
        fail "tollgate ${words[*]} was accepted but must be refused: $output"
    fi
    printf '%s  refused as it should be: %s%s\n' "$green" "$output" "$reset"
}

# `machine NAME CMD ARGS…` runs a `tollgate machine` command in machine NAME's wallet.
machine() {
    local name="$1" command="$2"; shift 2
    printf '%s[machine %s]$ tollgate machine %s%s\n' "$bold" "$name" "$(shown "$command" "$@")" "$reset"
    "$binary" machine "$command" --dir "machines/$name" "$@"
}

chapter "Wiring the channel: delegate on the parent, accept on the child (operator API over HTTPS)"
note "each [node] command runs with --node <its URL> --token-file <node>/operator.token --ca tls/ca.crt"
op vendor delegate --subject ga-europe --subject-key ga-europe/node.pub --seats 100000 \
    --countries DE,AT,CH,FR,IT,ES --product cad-pro=export,render,simulate --product cad-lite=export \
    --tier cad-pro:basic=export --tier cad-pro:pro=export,render \
    --models perpetual,subscription,trial,metered,floating --floating lease=1h,borrow=7d --price-floor EUR:40.00 \
    --price-floor CHF:45.00 --sync-within 14d --feature-floor EUR:render=15.00 --trials 14/1 --out files/ga-europe.chain
op vendor delegate --subject ga-americas --subject-key ga-americas/node.pub --seats 100000 \
    --countries US,CA,BR,MX --product cad-pro=export,render,simulate --product cad-lite=export \
    --models perpetual,subscription,trial --price-floor USD:45.00 --price-floor BRL:220.00 --sync-within 14d \
    --out files/ga-americas.chain
op ga-europe accept files/ga-europe.chain
op ga-americas accept files/ga-americas.chain >/dev/null
op ga-europe delegate --subject ra-dach --subject-key ra-dach/node.pub --seats 10000 --countries DE,AT,CH \
    --product cad-pro=export,render --models perpetual,subscription,trial,metered,floating --price-floor EUR:45.00 --price-floor CHF:50.00 \
    --sync-within 7d --out files/ra-dach.chain
op ga-europe delegate --subject ra-france --subject-key ra-france/node.pub --seats 10000 --countries FR \
    --product cad-pro=export,render --product cad-lite=export --models perpetual,subscription \
    --price-floor EUR:45.00 --price-floor CHF:50.00 --sync-within 7d --out files/ra-france.chain
op ga-americas delegate --subject ra-usa --subject-key ra-usa/node.pub --seats 10000 --countries US,CA \
    --models perpetual,subscription --price-floor USD:50.00 --price-floor BRL:250.00 --sync-within 7d --out files/ra-usa.chain
op ga-americas delegate --subject ra-brazil --subject-key ra-brazil/node.pub --seats 5000 --countries BR \
    --product cad-lite=export --models perpetual --price-floor USD:45.00 --price-floor BRL:220.00 --sync-within 7d \
    --out files/ra-brazil.chain
for name in ra-dach ra-france ra-usa ra-brazil; do
    op "$name" accept "files/$name.chain" >/dev/null
done
note "ra-dach, ra-france, ra-usa and ra-brazil accepted their chains"
op ga-europe list certificates
op ga-americas list certificates

chapter "Sell: ra-dach issues a two-seat subscription; ra-usa sells in the Americas"
op ra-dach issue --customer "Muster GmbH" --country DE --territory DE,AT --product cad-pro --model subscription \
    --days 365 --price EUR:49.00 --seats 2 --out files/muster.license
op ra-usa issue --customer "Acme Corp" --country US --territory US,CA --product cad-pro --model perpetual \
    --price USD:59.00 --out files/acme.license

chapter "The vendor sells directly, under a certificate it delegates to itself"
note "(carved from the vendor's serial space like any delegation, so its serials never meet an agent's)"
op vendor delegate --to-self --seats 1000 --countries DE,AT,CH,US --product cad-pro=export,render,simulate \
    --models perpetual,subscription --price-floor EUR:55.00 --price-floor USD:60.00 --out files/vendor-own.chain
op vendor issue --customer "Großkunde AG" --country DE --product cad-pro --model perpetual --price EUR:59.00 --seats 10 \
    --out files/grosskunde.license

chapter "Activate a customer machine online (ws-01)"
machine ws-01 init --anchor vendor/anchor.pub --product cad-pro
machine ws-01 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/muster.license

chapter "Rehost: ws-01 gives its seat back with its signed proof, ws-02 takes it"
machine ws-01 deactivate --node "${url[ra-dach]}" --ca "$ca"
machine ws-02 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-02 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/muster.license
ws02_activation="$("$binary" machine check --dir machines/ws-02 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["activation"])')"
[ -n "$ws02_activation" ] || fail "ws-02 holds no activation"

chapter "Emergency: ws-02 has failed; the spare ws-03 stands in for it for at most 72 hours"
machine ws-03 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-03 emergency --node "${url[ra-dach]}" --ca "$ca" --replaces "$ws02_activation" --country DE \
    --license files/muster.license

chapter "Offline activation: the air-gapped ws-04 in Austria, by request and response files"
machine ws-04 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-04 request --license files/muster.license --country AT --out files/ws-04.request
note "(the request file travels to the reseller on a USB stick)"
op ra-dach answer files/ws-04.request --out files/ws-04.response
note "(and the response file travels back)"
machine ws-04 install files/ws-04.response
op ra-dach list activations
machine ws-02 status --node "${url[ra-dach]}" --ca "$ca"

chapter "Verify offline with nothing but the vendor's public key"
openssl pkey -in machines/ws-04/machine.key -pubout -out files/ws-04.pub
tg verify --anchor vendor/anchor.pub --activation machines/ws-04/activation.jws --machine-key files/ws-04.pub \
    machines/ws-04/license.json
machine ws-04 check
machine ws-03 check
tg verify --anchor vendor/anchor.pub files/grosskunde.license

chapter "Tiers, and a subscription that lapses: a warning, a grace period, then the basic tier"
note "(ra-dach's certificate inherits ga-europe's tiers that fit it: basic = export, pro = export,render)"
# Taken before the sale, so the days counted from it never fall short of the term by a second.
started=$(date +%s)
op ra-dach issue --customer "Kurz KG" --country DE --product cad-pro --tier pro --model subscription --days 30 \
    --price EUR:49.00 --warn-days 7 --grace-days 5 --then downgrade:basic --out files/kurz.license
machine ws-05 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-05 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/kurz.license >/dev/null
note "(machine check --at shows ws-05's own view on days 25, 31 and 36 of its 30-day term)"
for day in 25 31 36; do
    machine ws-05 check --at $((started + day * 86400))
done

chapter "A refund: ra-dach revokes one license; the machine refuses it after its next status check"
sale="$(op ra-dach issue --customer "Storno GmbH" --country DE --product cad-pro --model perpetual --price EUR:59.00 \
    --out files/storno.license)"
printf '%s\n' "$sale"
storno="$(sed -n 's/.*issued license \([^ ]*\) to .*/\1/p' <<<"$sale")"
[ -n "$storno" ] || fail "no license id in the issue output: $sale"
machine ws-06 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-06 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/storno.license >/dev/null
machine ws-06 check
op ra-dach revoke --license "$storno" --reason refund
machine ws-06 status --node "${url[ra-dach]}" --ca "$ca"
printf '%s[machine ws-06]$ tollgate machine check%s\n' "$bold" "$reset"
if "$binary" machine check --dir machines/ws-06; then fail "ws-06 still accepts a refunded license"; fi

chapter "An upgrade keeps the machine's activation; an add-on; a trial converted offline"
note "(ra-dach inherits ga-europe's feature floor, render at EUR 15.00, and its trials: 14 days, 1 per customer)"
# `license_id OUTPUT` is the license id an issue prints.
license_id() { sed -n 's/.*issued license \([^ ]*\) to .*/\1/p' <<<"$1"; }
sale="$(op ra-dach issue --customer "Aufstieg GmbH" --country DE --product cad-pro --tier basic --model perpetual \
    --price EUR:49.00 --out files/aufstieg.license)"
printf '%s\n' "$sale"
aufstieg="$(license_id "$sale")"
[ -n "$aufstieg" ] || fail "no license id in the issue output: $sale"
machine ws-07 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-07 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/aufstieg.license >/dev/null
refused ra-dach upgrade --license "$aufstieg" --tier pro --price EUR:5.00 --out files/aufstieg-cheap.license
op ra-dach upgrade --license "$aufstieg" --tier pro --price EUR:15.00 --out files/aufstieg-pro.license
note "(ws-07 asks the node: it installs the upgrade and keeps its activation)"
machine ws-07 status --node "${url[ra-dach]}" --ca "$ca"
machine ws-07 check
sale="$(op ra-dach issue --customer "Zusatz AG" --country DE --product cad-pro --tier basic --model perpetual \
    --price EUR:49.00 --out files/zusatz.license)"
printf '%s\n' "$sale"
zusatz="$(license_id "$sale")"
[ -n "$zusatz" ] || fail "no license id in the issue output: $sale"
machine ws-08 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-08 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/zusatz.license >/dev/null
op ra-dach addon --license "$zusatz" --feature render --price EUR:15.00 --out files/zusatz-render.addon
note "(the add-on file is carried to ws-08)"
machine ws-08 install files/zusatz-render.addon
sale="$(op ra-dach issue --customer "Probe KG" --country DE --product cad-pro --model trial --price EUR:0 --days 14 \
    --out files/probe-trial.license)"
printf '%s\n' "$sale"
probe="$(license_id "$sale")"
[ -n "$probe" ] || fail "no license id in the issue output: $sale"
machine ws-09 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-09 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/probe-trial.license >/dev/null
refused ra-dach issue --customer "Probe KG" --country DE --product cad-pro --model trial --price EUR:0 --days 14 \
    --out files/probe-again.license
op ra-dach convert --trial "$probe" --price EUR:49.00 --days 365 --tier pro --out files/probe-paid.license
note "(the paid license file is carried to ws-09, which never asks the node: no re-activation)"
machine ws-09 install files/probe-paid.license
machine ws-09 check

chapter "Refused sales"
refused ra-dach issue --customer "Cheap AG" --country DE --product cad-pro --model perpetual --price EUR:1.00 \
    --out files/cheap.license
refused ra-dach issue --customer "Faraway Inc" --country US --product cad-pro --model perpetual --price USD:90.00 \
    --out files/faraway.license
refused vendor issue --customer "Billig GmbH" --country DE --product cad-pro --model perpetual --price EUR:20.00 \
    --out files/billig.license
refused ra-brazil issue --customer "Loja Ltda" --country BR --product cad-pro --model perpetual --price BRL:300.00 \
    --out files/loja.license

chapter "Metered use: a render studio pays per render, crosses its allowance, one machine offline"
note "(1000 renders a month per machine; past that allowed up to ×1.5, each render over billed at EUR 0.02)"
op ra-dach issue --customer "Render Studio GmbH" --country DE --product cad-pro --model metered --days 365 \
    --price EUR:49.00 --seats 2 --allowance render=1000 --overage allow:1.5 --unit-price EUR:0.02 --out files/render.license
# `usage NAME SUB ARGS…` runs `tollgate machine usage SUB` in machine NAME's wallet.
usage() {
    local name="$1" sub="$2"; shift 2
    printf '%s[machine %s]$ tollgate machine usage %s%s\n' "$bold" "$name" "$(shown "$sub" "$@")" "$reset"
    "$binary" machine usage "$sub" --dir "machines/$name" "$@"
}
machine ws-10 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-10 activate --node "${url[ra-dach]}" --ca "$ca" --country DE --license files/render.license >/dev/null
machine ws-10 use --feature render --units 800
machine ws-10 use --feature render --units 400
printf '%s[machine ws-10]$ tollgate machine use --feature render --units 400%s\n' "$bold" "$reset"
if "$binary" machine use --dir machines/ws-10 --feature render --units 400; then fail "ws-10 used past its allow:1.5 ceiling"; fi
note "(refused offline: 1600 would pass the ceiling of 1500, so nothing was recorded)"
usage ws-10 upload --node "${url[ra-dach]}" --ca "$ca"
note "(the air-gapped ws-11 is activated by files and carries its usage to the reseller the same way)"
machine ws-11 init --anchor vendor/anchor.pub --product cad-pro >/dev/null
machine ws-11 request --license files/render.license --country DE --out files/ws-11.request >/dev/null
op ra-dach answer files/ws-11.request --out files/ws-11.response >/dev/null
machine ws-11 install files/ws-11.response >/dev/null
machine ws-11 use --feature render --units 300
usage ws-11 export --out files/ws-11.usage
op ra-dach answer-usage files/ws-11.usage --out files/ws-11.usage-receipt
usage ws-11 install files/ws-11.usage-receipt

chapter "Floating seats: a closed site serves 3 seats to 5 machines; one crashes, one borrows"
note "(8-second leases keep the story short; a real site sells minutes to hours)"
op ra-dach issue --customer "Werkhalle GmbH" --country DE --product cad-pro --model floating --days 365 --price EUR:49.00 \
    --seats 3 --lease 8s --borrow 1d --out files/werkhalle.license
tg node init --dir site --name werkhalle-site --role site --anchor vendor/anchor.pub >/dev/null
tg site request --dir site --license files/werkhalle.license --out files/site.request
note "(the site's request is carried to ra-dach, and its answer back)"
op ra-dach answer files/site.request --out files/site.response >/dev/null
tg site bind --dir site files/site.response
nodes+=(site)
serve_node site
# `lease_refused NAME CMD` runs a lease command in machine NAME's wallet that must be refused.
lease_refused() {
    local name="$1" command="$2"; shift 2
    printf '%s[machine %s]$ tollgate machine %s%s\n' "$bold" "$name" "$(shown "$command" "$@")" "$reset"
    local output
    if output="$("$binary" machine "$command" --dir "machines/$name" "$@" 2>&1)"; then fail "$name was given a seat: $output"; fi
    printf '%s  refused as it should be: %s%s\n' "$green" "$output" "$reset"
}
for name in fl-01 fl-02 fl-03 fl-04 fl-05; do
    "$binary" machine init --dir "machines/$name" --anchor vendor/anchor.pub --product cad-pro >/dev/null
done
for name in fl-01 fl-02 fl-03; do
    machine "$name" lease --node "${url[site]}" --ca "$ca" --license files/werkhalle.license >/dev/null
done
note "(fl-01, fl-02 and fl-03 hold the three seats)"
lease_refused fl-04 lease --node "${url[site]}" --ca "$ca" --license files/werkhalle.license
lease_refused fl-05 lease --node "${url[site]}" --ca "$ca" --license files/werkhalle.license
note "(fl-01 borrows its seat and goes offline)"
machine fl-01 borrow --node "${url[site]}" --ca "$ca" >/dev/null
machine fl-01 check
note "(fl-03 crashes and never heartbeats; fl-02 heartbeats; fl-04 asks again until fl-03's lease ends)"
seated=0
for _ in $(seq 1 30); do
    sleep 1
    "$binary" machine heartbeat --dir machines/fl-02 --node "${url[site]}" --ca "$ca" >/dev/null
    if "$binary" machine lease --dir machines/fl-04 --node "${url[site]}" --ca "$ca" >/dev/null 2>&1; then seated=1; break; fi
done
[ "$seated" -eq 1 ] || fail "fl-03's seat did not come back to fl-04 after its lease ended"
machine fl-04 check
lease_refused fl-03 heartbeat --node "${url[site]}" --ca "$ca"
lease_refused fl-05 lease --node "${url[site]}" --ca "$ca" --license files/werkhalle.license
note "(month end: the site stops, its log is exported, carried to ra-dach and taken in)"
kill -TERM "${pid[site]}"
site_exit=0
wait "${pid[site]}" || site_exit=$?
pid[site]=""
[ "$site_exit" -eq 0 ] || fail "the site server exited $site_exit"
tg site export --dir site --out files/site.log
op ra-dach site ingest files/site.log
op ra-dach report freshness

chapter "Sync and audit: the sales reach the vendor through ga-europe and ga-americas"
note "(each regional agent pushes its log to its general agent, which relays it to the vendor with its own)"
synced=0
for _ in $(seq 1 120); do
    if "$binary" report quota --json --node "${url[vendor]}" --token-file vendor/operator.token --ca "$ca" 2>/dev/null \
        | python3 -c 'import json, sys
rows = {row["name"]: row for row in json.load(sys.stdin).get("quota") or []}
sys.exit(0 if rows.get("ra-dach", {}).get("issued", 0) >= 2 and rows.get("ra-usa", {}).get("issued", 0) >= 1 else 1)' \
        && "$binary" report freshness --json --node "${url[vendor]}" --token-file vendor/operator.token --ca "$ca" 2>/dev/null \
        | python3 -c 'import json, sys
rows = json.load(sys.stdin).get("freshness") or []
sys.exit(0 if any(row["name"].startswith("site of Werkhalle") and row["status"] == "fresh" for row in rows) else 1)'; then
        synced=1
        break
    fi
    sleep 0.5
done
[ "$synced" -eq 1 ] || fail "the vendor has not seen the regional agents' sales after 60 s of syncing"
op vendor report quota
op vendor report freshness
note "(month end: the vendor bills the render studio's usage from the synced logs, each record once)"
billed=0
for _ in $(seq 1 120); do
    if "$binary" report usage --json --node "${url[vendor]}" --token-file vendor/operator.token --ca "$ca" 2>/dev/null \
        | python3 -c 'import json, sys
rows = json.load(sys.stdin).get("usage") or []
sys.exit(0 if sum(row["records"] for row in rows) >= 3 else 1)'; then
        billed=1
        break
    fi
    sleep 0.5
done
[ "$billed" -eq 1 ] || fail "the vendor has not seen the render studio's usage records after 60 s of syncing"
op vendor report usage --period "$(date -u +%Y-%m)"
op vendor audit
note "(the subscriptions sold so far, as the back office reads them: what falls due, and what it will bring)"
op vendor report renewals --days 400
op vendor report forecast

chapter "Health and metrics of ra-dach"
printf '%s$ curl --cacert tls/ca.crt %s/healthz%s\n' "$bold" "${url[ra-dach]}" "$reset"
curl -fsS --cacert "$ca" "${url[ra-dach]}/healthz"
printf '%s$ curl --cacert tls/ca.crt %s/metrics%s\n' "$bold" "${url[ra-dach]}" "$reset"
curl -fsS --cacert "$ca" "${url[ra-dach]}/metrics" | grep -v '^#'

if [ "$keep_running" -eq 1 ]; then
    chapter "Still running"
    for name in "${nodes[@]}"; do printf '  %-12s %s  pid %s  token %s\n' "$name" "${url[$name]}" "${pid[$name]}" "$work/$name/operator.token"; done
    printf '%s\n' "${pid[@]}" > pids
    echo
    echo "CA certificate: $ca   (curl --cacert $ca ${url[vendor]}/healthz)"
    echo "Web console of the whole channel: ${url[vendor]}/console (log in with the token in $work/vendor/operator.token)"
    echo "Stop them all (each drains and exits 0): kill -TERM \$(cat $work/pids)"
    echo "Logs: $work/logs"
    exit 0
fi

chapter "Stopping every node (SIGTERM, drain, exit code)"
stop_nodes || fail "a node did not stop cleanly (logs in $work/logs)"
printf '\n%sThe local network story completed; everything is in %s%s\n' "$green" "$work" "$reset"
