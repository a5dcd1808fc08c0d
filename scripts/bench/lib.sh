# Shared helpers of the benchmark scripts (sourced, not run). Everything listens on
# 127.0.0.1 only; every server is started in a temporary folder and stopped by its pid.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # port [seconds]
  local deadline=$(( $(date +%s) + ${2:-30} ))
  until (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "port $1 did not open" >&2; return 1; }
    sleep 0.1
  done
}

wait_http() { # url [seconds]
  local deadline=$(( $(date +%s) + ${2:-60} ))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$1 did not answer" >&2; return 1; }
    sleep 0.2
  done
}

PG_BIN=${FEEDPROXY_PG_BIN:-/usr/lib/postgresql/15/bin}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# start_postgres <dir> : a private PostgreSQL 15 cluster (trust auth, TCP 127.0.0.1:$PG_PORT).
start_postgres() {
  PG_DIR=$1; PG_PORT=$(free_port)
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1
  pg_ctl_start
  PG_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Timeout=5"
}

pg_ctl_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=${PG_SYNCHRONOUS_COMMIT:-off} -c full_page_writes=off" start >/dev/null
}

pg_ctl_restart() { as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 restart -l "$PG_DIR/postgres.log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=${PG_SYNCHRONOUS_COMMIT:-off} -c full_page_writes=off" >/dev/null; }

stop_postgres() { [ -n "${PG_DIR:-}" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; }

# start_redis <dir> : redis-server in the foreground of a background job, persistence off.
start_redis() {
  REDIS_DIR=$1; REDIS_PORT=${REDIS_PORT:-$(free_port)}
  mkdir -p "$REDIS_DIR"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
    --logfile "$REDIS_DIR/redis.log" --daemonize no &
  REDIS_PID=$!
  wait_port "$REDIS_PORT" 10
}

kill_redis() { [ -n "${REDIS_PID:-}" ] && kill -9 "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=; }

# start_feedproxy <publish-dir> <work-dir> <port> [extra env...] : the published Release build.
start_feedproxy() {
  local publish=$1 work=$2 port=$3; shift 3
  mkdir -p "$work"
  ( cd "$work" && exec env Urls="http://127.0.0.1:$port" \
      FeedProxy__RateLimit__PermitsPerMinute=0 \
      Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning \
      "$@" "$publish/FeedProxy" >"$work/feedproxy.log" 2>&1 ) &
  FP_PID=$!   # the subshell execs the server, so this is the server's pid
  wait_http "http://127.0.0.1:$port/healthz" 90
}

stop_feedproxy() { [ -n "${FP_PID:-}" ] && kill "$FP_PID" 2>/dev/null; wait "${FP_PID:-}" 2>/dev/null || true; FP_PID=; }

# start_nginx <root> <work-dir> [server directives...] : nginx serving <root> statically on
# 127.0.0.1:$NGINX_PORT (sendfile, keep-alive without limit, no access log, .ics as
# text/calendar; charset=utf-8), its pid in NGINX_PID. Extra arguments are added to the server
# block, one directive each. <work-dir> must be readable by nginx's unprivileged workers.
start_nginx() {
  local root=$1 work=$2 directive; shift 2
  NGINX_PORT=$(free_port)
  mkdir -p "$work/logs" "$work/tmp"
  {
    cat <<CONF
worker_processes auto;
daemon off;
master_process on;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 4294967295;   # unlimited in practice: nginx has no "off"
  keepalive_timeout 75s;
  types { text/calendar ics; }
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $root;
    charset utf-8;
    charset_types text/calendar;
CONF
    for directive in "$@"; do echo "    $directive;"; done
    echo "  }"
    echo "}"
  } >"$work/nginx.conf"
  nginx -c "$work/nginx.conf" -p "$work" -e "$work/logs/error.log" &
  NGINX_PID=$!
  wait_port "$NGINX_PORT" 10
}

stop_nginx() { [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; wait "${NGINX_PID:-}" 2>/dev/null || true; NGINX_PID=; }

# mirror_feeds <feedproxy-url> <capture-dir> <nginx-root> <path>... : FeedProxy's bytes of each
# <path>.ics, identity and gzip with their headers, kept in <capture-dir> (the ceiling serves
# exactly those); <nginx-root> gets the identity bytes and, for gzip_static, their `gzip -9`
# copy (what an operator of a static server would deploy), both with FeedProxy's Last-Modified
# as their mtime (nginx answers If-Modified-Since from it).
mirror_feeds() {
  local fp=$1 capture=$2 root=$3 path c lm; shift 3
  for path in "$@"; do
    c="$capture/$path.ics"
    mkdir -p "$(dirname "$c")" "$root/$(dirname "$path")"
    curl -fsS "$fp/$path.ics" -D "$c.headers" -o "$c"
    # A miss answers with a fast gzip and the best one replaces it off the request path (same
    # ETag): capture the body once two fetches a second apart agree.
    curl -fsS -H 'Accept-Encoding: gzip' "$fp/$path.ics" -D "$c.gz.headers" -o "$c.gz"
    for _ in $(seq 1 30); do
      sleep 1
      curl -fsS -H 'Accept-Encoding: gzip' "$fp/$path.ics" -D "$c.gz.headers" -o "$c.gz.next"
      if cmp -s "$c.gz" "$c.gz.next"; then break; fi
      mv "$c.gz.next" "$c.gz"
    done
    rm -f "$c.gz.next"
    grep -qi '^content-encoding: gzip' "$c.gz.headers" || { echo "FeedProxy sent no gzip for $path" >&2; return 1; }
    cp "$c" "$root/$(dirname "$path")/"
    gzip -9 -n -c "$c" >"$root/$path.ics.gz"
    lm=$(awk -F': ' 'tolower($1)=="last-modified" {gsub("\r",""); print $2}' "$c.headers")
    touch -d "$lm" "$root/$path.ics" "$root/$path.ics.gz"
  done
}

# same_bytes <server-url> <capture-dir> <path> [gzip|gzip-decoded] : fails unless the server
# sends the captured bytes of <path>.ics; with "gzip", also the captured gzip bytes; with
# "gzip-decoded", a gzip body (Content-Encoding: gzip) that decodes to the identity bytes
# (nginx's `gzip -9` copy is smaller than FeedProxy's).
same_bytes() {
  cmp -s <(curl -fsS "$1/$3.ics") "$2/$3.ics" || { echo "$1: identity bytes of $3 differ" >&2; return 1; }
  case ${4:-} in
    gzip) cmp -s <(curl -fsS -H 'Accept-Encoding: gzip' "$1/$3.ics") "$2/$3.ics.gz" \
      || { echo "$1: gzip bytes of $3 differ" >&2; return 1; } ;;
    gzip-decoded)
      header_value "$1/$3.ics" content-encoding -H 'Accept-Encoding: gzip' | grep -qx gzip \
        && cmp -s <(curl -fsS -H 'Accept-Encoding: gzip' "$1/$3.ics" | gzip -dc) "$2/$3.ics" \
        || { echo "$1: no gzip body of $3 decoding to the identity bytes" >&2; return 1; } ;;
  esac
}

# expect_304 <url> <request header> : fails unless that conditional request gets 304.
expect_304() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$2" "$1")" = 304 ] || { echo "$1: no 304 for $2" >&2; return 1; }
}

# header_value <url> <lower-case field name> [curl args...] : one response header's value.
header_value() {
  local url=$1 name=$2; shift 2
  curl -fsS -o /dev/null -D - "$@" "$url" | awk -F': ' -v n="$name" 'tolower($1)==n {gsub("\r",""); print $2}'
}

# rss_sampler <pid> <out-file> : VmRSS in kB every 0.5 s until the process ends or the job is killed.
rss_sampler() {
  while [ -r "/proc/$1/status" ]; do
    awk -v t="$(date +%s.%N)" '/^VmRSS:/ {print t, $2}' "/proc/$1/status" >>"$2" 2>/dev/null || true
    sleep 0.5
  done
}

max_rss_mb() { awk 'BEGIN{m=0} $2>m{m=$2} END{printf "%.1f", m/1024}' "$1"; }

# ensure_tools <command[:debian-package]>... : installs what is missing with apt-get (Debian 12),
# as root or through non-interactive sudo; fails with a clear message otherwise.
ensure_tools() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}" >&2
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { "${sudo[@]}" apt-get update >/dev/null 2>&1 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; } \
    || { echo "cannot install ${missing[*]}: install them, then run again" >&2; return 1; }
}
