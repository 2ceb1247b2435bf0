#!/usr/bin/env bash
# Publish-to-delivery through the Redis engine: one redis-server, three `pulse serve --engine redis` nodes,
# `pulse bench hub` spreading subscribers and publishers over the three nodes in turn (every publication crosses
# Redis and reaches the subscribers of all three nodes). Loopback only; stops everything it started.
#
#   bench/redis/three-nodes.sh [SUBSCRIBERS] [PUBLISHERS] [SECONDS]
#
# Needs a Release build (dotnet build -c Release src/Pulse.Cli) and redis-server on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
subscribers=${1:-600}
publishers=${2:-24}
seconds=${3:-10}
pulse=(dotnet src/Pulse.Cli/bin/Release/net10.0/Pulse.Cli.dll)
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "nothing listens on $1" >&2; return 1; }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"

urls=()
for node in 1 2 3; do
  port=$(free_port)
  "${pulse[@]}" serve --listen "127.0.0.1:$port" --engine redis --redis "127.0.0.1:$redis_port" --log-level Warning > "$work/node$node.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
  urls+=("ws://127.0.0.1:$port/ws")
done

echo "redis 127.0.0.1:$redis_port, nodes ${urls[*]}, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
IFS=, "${pulse[@]}" bench hub --url "$(IFS=,; echo "${urls[*]}")" --connections "$subscribers" --publishers "$publishers" \
  --window 64 --size 100 --duration "$seconds" --warmup "${WARMUP:-10}" --json
