#!/bin/sh
# Starts the PHP shop: examples/shop/php/serve.sh --port <port>   (or env PORT; default 8080)
# Runs `php -S` with PHP_CLI_SERVER_WORKERS (default 4) on 127.0.0.1 (env HOST), with a fresh state dir
# unless SHOP_STATE_DIR is set, waits until GET /healthz answers, then prints one line
# `listening on http://<host>:<port>` to stdout. php -S logs requests to stderr.
set -eu
port="${PORT:-8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || { echo "serve.sh: --port needs a value" >&2; exit 2; }; port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    *) echo "serve.sh: unknown argument $1 (usage: serve.sh --port <port>)" >&2; exit 2 ;;
  esac
done
case "$port" in
  ''|*[!0-9]*) echo "serve.sh: --port/PORT must be a port number 1-65535, found \"$port\"" >&2; exit 2 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "serve.sh: --port/PORT must be a port number 1-65535, found \"$port\"" >&2; exit 2
fi
host="${HOST:-127.0.0.1}"
dir="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f "${SHOP_GEN_DIR:-$dir/../gen}/php/autoload.php" ]; then
  echo "serve.sh: no generated code in ${SHOP_GEN_DIR:-$dir/../gen}: run examples/shop/generate.sh first" >&2; exit 2
fi
fresh=""
if [ -z "${SHOP_STATE_DIR:-}" ]; then
  SHOP_STATE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/contractgen-shop.XXXXXX")"
  fresh="$SHOP_STATE_DIR"
  export SHOP_STATE_DIR
fi
PHP_CLI_SERVER_WORKERS="${PHP_CLI_SERVER_WORKERS:-4}" php -S "$host:$port" "$dir/router.php" >&2 &
child=$!
# The php -S master does not stop its workers when it is killed: stop them by parent pid, then the master.
stop() {
  pkill -TERM -P "$child" 2>/dev/null || true
  kill -TERM "$child" 2>/dev/null || true
  [ -z "$fresh" ] || rm -rf "$fresh"
}
trap 'stop; exit 143' TERM INT HUP
tries=0
until php -r '$c = @file_get_contents($argv[1]); exit($c === false ? 1 : 0);' "http://$host:$port/healthz" 2>/dev/null; do
  if ! kill -0 "$child" 2>/dev/null; then echo "serve.sh: php -S exited before it was ready" >&2; exit 1; fi
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ]; then echo "serve.sh: php -S not ready after 10 s" >&2; stop; exit 1; fi
  sleep 0.05
done
echo "listening on http://$host:$port"
wait "$child" || true
stop
