#!/usr/bin/env bash
# Runs every Pulse test on this machine, installing what the tests need when it is missing:
# Debian's python3-websockets (interop peer), chromium and firefox-esr (browser tests), nginx (the reverse-proxy
# test), redis-server, redis-tools and redis-sentinel (scale-out tests: one Redis, a Redis Cluster, a Sentinel
# group, all run on free ports by the tests themselves), and the npm packages of
# tests/peers (Node ws, playwright-core driving the system Chromium, puppeteer-core driving the system Firefox).
# pulse.js's Node tests (clients/js) count too.
# The last line is always "Tests: N passed, M failed"; the exit code is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

passed=0
failed=0
say() { printf '\n== %s\n' "$*"; }
finish() {
  echo
  echo "Tests: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
}

# --- What the tests need -------------------------------------------------------------------------
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_missing=()
/usr/bin/python3 -c 'import websockets' 2>/dev/null || apt_missing+=(python3-websockets)
[[ -x /usr/bin/chromium ]] || apt_missing+=(chromium)
[[ -x /usr/bin/firefox-esr ]] || apt_missing+=(firefox-esr)
[[ -x /usr/sbin/nginx ]] || apt_missing+=(nginx)
command -v redis-server >/dev/null || apt_missing+=(redis-server)
command -v redis-cli >/dev/null || apt_missing+=(redis-tools)
command -v redis-sentinel >/dev/null || apt_missing+=(redis-sentinel)
if ((${#apt_missing[@]})); then
  say "Installing Debian packages: ${apt_missing[*]}"
  # The tests start their own servers on free ports: keep the packages' services from starting on install.
  no_start=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    no_start=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$no_start" >/dev/null && as_root chmod +x "$no_start"
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
  [[ -n $no_start ]] && as_root rm -f "$no_start"
fi
if [[ ! -f tests/peers/node_modules/ws/package.json || ! -f tests/peers/node_modules/playwright-core/package.json ||
      ! -f tests/peers/node_modules/puppeteer-core/package.json ]]; then
  say "Installing npm packages of tests/peers"
  npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
fi
if [[ ! -f clients/js/node_modules/typescript/package.json ]]; then
  say "Installing npm packages of clients/js (TypeScript, to check pulse.d.ts)"
  npm ci --prefix clients/js --no-audit --no-fund --loglevel=error
fi

# --- Build and style -----------------------------------------------------------------------------
say "Build"
if ! dotnet build Pulse.slnx -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  failed=$((failed + 1))
  finish
fi

say "Format (dotnet format --verify-no-changes)"
if dotnet format Pulse.slnx --verify-no-changes --no-restore -v quiet; then
  passed=$((passed + 1))
else
  echo "dotnet format found changes to make: run 'dotnet format Pulse.slnx'"
  failed=$((failed + 1))
fi

# --- .NET test projects, one after another (2 cores: parallel runs only add noise) ---------------
for project in tests/*/*Tests.csproj; do
  name=$(basename "$project" .csproj)
  say "$name"
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" -- RunConfiguration.TestSessionTimeout=540000
  trx="$results/$name.trx"
  if [[ -f $trx ]]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
    # Anything that did not pass (failed, timed out, aborted, not executed) counts as failed.
    f=$(( ${total:-0} - ${p:-0} > ${f:-0} ? ${total:-0} - ${p:-0} : ${f:-0} ))
    passed=$((passed + ${p:-0}))
    failed=$((failed + f))
  else
    echo "$name produced no results: counted as one failure"
    failed=$((failed + 1))
  fi
done

# --- pulse.js (clients/js): Node's test runner, against a scripted hub and the server built above ---------
say "clients/js (node --test)"
tap="$results/clients-js.tap"
(cd clients/js && node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" test/*.test.js)
node_exit=$?
p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
f=$(sed -n 's/^# \(fail\|cancelled\) \([0-9]*\)$/\2/p' "$tap" 2>/dev/null | awk '{s+=$1} END {print s+0}')
if [[ -z $p ]]; then
  echo "clients/js produced no results: counted as one failure"
  f=$((f + 1))
elif [[ $node_exit -ne 0 && $f -eq 0 ]]; then
  echo "node --test exited with $node_exit: counted as one failure"
  f=1
fi
passed=$((passed + ${p:-0}))
failed=$((failed + f))

finish
