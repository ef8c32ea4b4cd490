#!/usr/bin/env bash
# Starts the Release gateway for tests/bench/relay-vs-postfix.sh: listening on 127.0.0.1:$SAFEMAIL_PORT, relaying
# everything to 127.0.0.1:$SINK_PORT in clear (the sink speaks no TLS), with a fresh data directory on the same disk
# as Postfix's queue, the shipping policy, and 8 delivery connections for 8 client sessions.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DLL=$ROOT/src/Miraie.SafeMail.Gateway/bin/Release/net10.0/safemail-gateway.dll
[ -f "$DLL" ] || dotnet build -c Release "$ROOT/src/Miraie.SafeMail.Gateway" -nologo -v q >&2
DATA=${SAFEMAIL_DATA:-/var/tmp/safemail-bench}
rm -rf "$DATA"; mkdir -p "$DATA"
export SafeMail__Gateway__DataDirectory=$DATA
export SafeMail__Smtp__Endpoints__0__Address=127.0.0.1 SafeMail__Smtp__Endpoints__0__Port=${SAFEMAIL_PORT:?}
export SafeMail__Smtp__MaxMessageBytes=$((64 * 1024 * 1024))
export SafeMail__Delivery__Smarthost__Host=127.0.0.1 SafeMail__Delivery__Smarthost__Port=${SINK_PORT:?} SafeMail__Delivery__Smarthost__Tls=None
export SafeMail__Delivery__MaxParallel=${SAFEMAIL_PARALLEL:-8}
export SafeMail__Policy__InternalDomains__0=example.co.jp
export Logging__LogLevel__Default=${SAFEMAIL_LOG_LEVEL:-Information}
# As the systemd unit in docs/deploy does: tier up hot methods without waiting for JIT activity to settle (ADR-005).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
exec dotnet "$DLL"
