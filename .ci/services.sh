#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the ledger tests, on a free loopback port.
#
#   eval "$(bash .ci/services.sh)"      # start (or reuse) it; exports REELGATE_TEST_POSTGRES_URL
#   bash .ci/services.sh stop           # stop it
#
# Installs Debian's postgresql package when initdb/pg_ctl are missing (as root). As root the
# cluster runs as the postgres user (initdb refuses root). Idempotent: a cluster this script
# started under the same REELGATE_PG_ROOT that still runs is reused; a stopped one is restarted.
# Only the export line goes to stdout; progress and errors go to stderr; any failure exits non-zero.
set -euo pipefail

ROOT="${REELGATE_PG_ROOT:-${TMPDIR:-/tmp}/reelgate-postgres-$(id -u)}"
DATA="$ROOT/data"
DB_NAME=reelgate_test
DB_USER=reelgate
# A throwaway cluster that listens on 127.0.0.1 only; the password is no secret.
DB_PASSWORD=reelgate-test-pw

say() { echo "services.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# The directory holding initdb, pg_ctl, psql and createdb of one PostgreSQL version.
find_bin_dir() {
    local dir candidates=()
    if command -v pg_ctl >/dev/null 2>&1; then
        candidates+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")")
    fi
    candidates+=($(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r))
    for dir in "${candidates[@]}"; do
        if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" && -x "$dir/psql" && -x "$dir/createdb" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

install_postgres() {
    [[ $EUID -eq 0 ]] || die "PostgreSQL (initdb, pg_ctl) is not installed and installing it needs root"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get to install it"
    say "installing postgresql with apt-get"
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 </dev/null \
        || die "apt-get install postgresql failed"
}

# Run a PostgreSQL program as the cluster's owner: postgres when we are root, else ourselves.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return 0
    fi
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

url() {
    echo "postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$(cat "$ROOT/port")/$DB_NAME"
}

is_running() {
    [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

prepare_root() {
    mkdir -p "$ROOT" || die "cannot create $ROOT"
    chmod 700 "$ROOT"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "there is no postgres user to run the cluster (is the postgresql package installed?)"
        chown postgres:postgres "$ROOT"
        runuser -u postgres -- test -w "$ROOT" \
            || die "the postgres user cannot write $ROOT (a parent directory is private); set REELGATE_PG_ROOT under /tmp"
    fi
}

init_cluster() {
    say "creating a cluster in $DATA"
    local pwfile="$ROOT/pwfile"
    echo "$DB_PASSWORD" >"$pwfile"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$pwfile"
    as_owner "$BIN/initdb" -D "$DATA" -U "$DB_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$ROOT/initdb.log" 2>&1 \
        || { cat "$ROOT/initdb.log" >&2; die "initdb failed (log above)"; }
    rm -f "$pwfile"
}

start_cluster() {
    local attempt port
    for attempt in 1 2 3; do
        port="$(free_port)" || die "found no free port on 127.0.0.1"
        echo "$port" >"$ROOT/port"
        # fsync off: a test cluster trades durability on power loss for speed.
        if as_owner "$BIN/pg_ctl" start -D "$DATA" -l "$ROOT/server.log" -w -t 60 \
            -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >&2; then
            return 0
        fi
        say "start on port $port failed (attempt $attempt); server log:"
        tail -n 5 "$ROOT/server.log" >&2 || true
    done
    die "could not start PostgreSQL; see $ROOT/server.log"
}

create_database() {
    local port exists
    port="$(cat "$ROOT/port")"
    exists="$(as_owner "$BIN/psql" -h "$ROOT" -p "$port" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" || die "cannot query the cluster on port $port"
    if [[ "$exists" != "1" ]]; then
        as_owner "$BIN/createdb" -h "$ROOT" -p "$port" -U "$DB_USER" "$DB_NAME" >&2 \
            || die "createdb $DB_NAME failed"
    fi
}

main() {
    BIN="$(find_bin_dir)" || { install_postgres; BIN="$(find_bin_dir)" || die "no initdb/pg_ctl after installing postgresql"; }
    if [[ "${1:-start}" == "stop" ]]; then
        if is_running; then
            as_owner "$BIN/pg_ctl" stop -D "$DATA" -m fast -w >&2 || die "pg_ctl stop failed"
        fi
        return 0
    fi
    [[ "${1:-start}" == "start" ]] || die "usage: services.sh [start|stop]"
    if is_running; then
        say "reusing the cluster in $DATA"
    else
        prepare_root
        [[ -f "$DATA/PG_VERSION" ]] || init_cluster
        start_cluster
    fi
    create_database
    echo "export REELGATE_TEST_POSTGRES_URL=$(url)"
}

main "$@"
