#!/usr/bin/env bash
# Side-by-side benchmark: Pulse (`pulse serve`), a plain ASP.NET Core WebSockets server, uWebSockets.js v20,
# Node ws and Python websockets, each with an equivalent /echo and /broadcast, each pinned to one core while
# `pulse bench` runs the same scenarios from the other core. Writes the table into docs/benchmarks.md
# (between the compare.sh markers) and every raw JSON report into artifacts/bench/<time>/.
#
# Usage: bench/compare.sh [--long] [--servers "pulse aspnet uws ws python"] [--no-doc]
#   --long     longer measured periods and warm-ups (about 3x the default run time)
#   --servers  which servers to measure, in order (default: all five)
#   --no-doc   leave docs/benchmarks.md alone (results stay in artifacts/bench/)
# Default run time: about 8 minutes on a 2-core machine. Needs 2 CPUs or more, Debian, .NET 10 SDK, Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

long=0
servers="pulse aspnet uws ws python"
write_doc=1
while (($#)); do
  case $1 in
    --long) long=1 ;;
    --servers) servers=$2; shift ;;
    --no-doc) write_doc=0 ;;
    *) echo "compare.sh: unknown argument '$1' (see the header of bench/compare.sh)" >&2; exit 2 ;;
  esac
  shift
done

if (($(nproc) < 2)); then
  echo "compare.sh: needs 2 CPUs or more (one for the server, one for the generator); nproc says $(nproc)" >&2
  exit 2
fi

# --- Durations (seconds) and workloads: the issue's conditions --------------------------------------------------
# A .NET server runs its hot paths unoptimized until tiered compilation catches up, which on a core the server
# keeps busy took 15-20 s of load (docs/benchmarks.md): it gets a warm-up of every path first, and a longer
# warm-up inside each scenario.
if ((long)); then duration=20 warmup=5 dotnet_warmup=90 dotnet_scenario_warmup=15; else duration=5 warmup=2 dotnet_warmup=30 dotnet_scenario_warmup=8; fi
server_cpu=0
generator_cpu=1
idle_connections=${IDLE_CONNECTIONS:-19000}
sources=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4

say() { printf '== %s\n' "$*" >&2; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# --- The peers ------------------------------------------------------------------------------------------------------
if ! /usr/bin/python3 -c 'import websockets' 2>/dev/null; then
  say "Installing Debian's python3-websockets"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-websockets >/dev/null
fi
if [[ ! -f bench/peers/node_modules/uwebsockets/package.json || ! -f bench/peers/node_modules/ws/package.json ]]; then
  say "Installing the npm peers (uwebsockets, ws)"
  (cd bench/peers && npm install --no-audit --no-fund --silent)
fi
say "Building pulse and the ASP.NET Core peer (Release)"
dotnet build -c Release -v q -nologo src/Pulse.Cli >/dev/null
dotnet build -c Release -v q -nologo bench/peers/aspnet >/dev/null
pulse_dll=$root/src/Pulse.Cli/bin/Release/net10.0/Pulse.Cli.dll
aspnet_dll=$root/bench/peers/aspnet/bin/Release/net10.0/AspNetPeer.dll

# Both sides hold a socket per idle connection.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < idle_connections + 500)); then
  idle_connections=$(($(ulimit -n) - 500))
  say "Descriptor limit $(ulimit -n): the idle scenario opens $idle_connections connections"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/artifacts/bench/$stamp
mkdir -p "$out"
commands=$out/commands.txt
: >"$commands"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for_port() {
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
deadline = time.time() + 60
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("compare.sh: the server did not listen within 60 s")
PY
}

server_pid=
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

start_server() {
  local name=$1 port=$2
  local -a command
  case $name in
    pulse) command=(dotnet "$pulse_dll" serve --listen "127.0.0.1:$port" --log-level Warning) ;;
    aspnet) command=(dotnet "$aspnet_dll" "$port") ;;
    uws) command=(node bench/peers/uws_server.js "$port") ;;
    ws) command=(node bench/peers/ws_server.js "$port") ;;
    python) command=(/usr/bin/python3 bench/peers/python_server.py "$port") ;;
    *) echo "compare.sh: unknown server '$name'" >&2; exit 2 ;;
  esac
  echo "taskset -c $server_cpu ${command[*]/#$root\//}" >>"$commands"
  taskset -c "$server_cpu" "${command[@]}" >"$out/$name.log" 2>&1 &
  server_pid=$!
  wait_for_port "$port"
}

# Runs `pulse bench SCENARIO ARGS...` on the generator's core; the JSON report goes to $out/NAME-SCENARIO.json.
bench() {
  local name=$1 scenario=$2
  shift 2
  local shown="taskset -c $generator_cpu dotnet src/Pulse.Cli/bin/Release/net10.0/Pulse.Cli.dll bench $scenario $* --server-pid \$SERVER --json"
  echo "$shown" >>"$commands"
  say "$name: bench $scenario $*"
  taskset -c "$generator_cpu" dotnet "$pulse_dll" bench "$scenario" "$@" --server-pid "$server_pid" --json \
    >"$out/$name-$scenario.json" 2>"$out/$name-$scenario.progress" || say "$name: bench $scenario exited non-zero (see $out/$name-$scenario.progress)"
}

uptime >"$out/load-before.txt"
for name in $servers; do
  port=$(free_port)
  echo "# $name" >>"$commands"
  say "$name: starting on core $server_cpu, port $port"
  start_server "$name" "$port"
  url=ws://127.0.0.1:$port
  if [[ $name == pulse || $name == aspnet ]]; then
    # Tiered compilation needs the hot paths to run a while before they are optimized (docs/benchmarks.md).
    say "$name: warming up for ${dotnet_warmup} s (.NET tiered compilation), not measured"
    echo "# warm-up, not measured: bench echo, bench broadcast (and bench hub for pulse) for $dotnet_warmup s in all" >>"$commands"
    taskset -c "$generator_cpu" dotnet "$pulse_dll" bench echo --url "$url/echo" --duration $((dotnet_warmup / 3)) --warmup 0 >/dev/null 2>&1 || true
    taskset -c "$generator_cpu" dotnet "$pulse_dll" bench broadcast --url "$url/broadcast" --connections 200 --duration $((dotnet_warmup / 3)) --warmup 0 >/dev/null 2>&1 || true
    if [[ $name == pulse ]]; then
      taskset -c "$generator_cpu" dotnet "$pulse_dll" bench hub --url "$url/ws" --connections 200 --duration $((dotnet_warmup / 3)) --warmup 0 >/dev/null 2>&1 || true
    fi
    w=$dotnet_scenario_warmup
  else
    w=$warmup
  fi
  bench "$name" echo --url "$url/echo" --connections 64 --inflight 16 --size 32 --duration $duration --warmup $w
  bench "$name" broadcast --url "$url/broadcast" --connections 2000 --size 100 --window 16 --duration $duration --warmup $w
  if [[ $name == pulse ]]; then
    bench "$name" hub --url "$url/ws" --connections 2000 --size 100 --window 16 --duration $duration --warmup $w
  fi
  bench "$name" latency --url "$url/echo" --connections 1000 --rate 20000 --size 32 --duration $duration --warmup $w
  bench "$name" churn --url "$url/echo" --connections 32 --sources $sources --duration $duration --warmup $w
  bench "$name" idle --url "$url/echo" --connections "$idle_connections" --sources $sources --duration 3 --warmup $warmup
  stop_server
done
uptime >"$out/load-after.txt"

say "Results in ${out#$root/}"
if ((write_doc)); then
  /usr/bin/python3 bench/render_compare.py "$out" docs/benchmarks.md
  say "Table written into docs/benchmarks.md"
else
  /usr/bin/python3 bench/render_compare.py "$out" -
fi
