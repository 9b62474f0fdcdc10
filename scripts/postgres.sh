# Source this file: starts a throwaway PostgreSQL on a free loopback port and exports
# TEST_POSTGRES_URL. Installs the server from Debian's packages when it is missing and we are
# root (as in CI). Returns non-zero (without exiting the caller) when no server can be had.
# The server is stopped when the calling shell exits.

_lovende_pg_start() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing PostgreSQL from Debian packages…"
        apt-get update -qq >/dev/null && \
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -n "$bin" ] || return 1
    local dir port run=""
    dir=$(mktemp -d /tmp/lovende-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root; use the postgres account the package created.
        id postgres >/dev/null 2>&1 || useradd --system postgres
        chown postgres "$dir"
        run="runuser -u postgres --"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    $run "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null || return 1
    $run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        >/dev/null || return 1
    export TEST_POSTGRES_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
    export LOVENDE_PG_DIR="$dir"
    trap "$run '$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$dir'" EXIT
    echo "PostgreSQL for tests on 127.0.0.1:$port"
}
_lovende_pg_start
