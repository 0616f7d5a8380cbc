# Shared set-up for scripts/run, scripts/test and .ci/run (sourced, not executed):
# a .venv with the project installed from its own files (pyproject.toml).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

pick_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "PartnerBot needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

ensure_venv() {
    if [ ! -x .venv/bin/python ]; then
        local python
        python="$(pick_python)"
        echo "==> creating .venv with $python"
        "$python" -m venv .venv
    fi
    # Reinstall when pyproject.toml changed since the last install.
    if [ ! -f .venv/.partnerbot-installed ] || [ pyproject.toml -nt .venv/.partnerbot-installed ]; then
        echo "==> installing PartnerBot and its development tools into .venv"
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e '.[dev]'
        touch .venv/.partnerbot-installed
    fi
}

# Make sure PostgreSQL answers on 127.0.0.1:5432 (start the local cluster if there is one)
# and, unless TEST_DATABASE_URL names another one, that the database `test` exists.
# Returns 1 when PostgreSQL cannot be had.
ensure_postgres() {
    command -v pg_isready >/dev/null 2>&1 || return 1
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
            local version
            version="$(ls /etc/postgresql | sort -V | tail -n 1)"
            echo "==> starting PostgreSQL $version"
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        fi
        for _ in $(seq 1 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 && break
            sleep 1
        done
        pg_isready -q -h 127.0.0.1 -p 5432 || return 1
    fi
    if [ -z "${TEST_DATABASE_URL:-}" ] && command -v psql >/dev/null 2>&1; then
        if ! psql -w -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='test'" \
            2>/dev/null | grep -q 1; then
            echo "==> creating the PostgreSQL database 'test'"
            psql -w -h 127.0.0.1 -U postgres -c "create database test" >/dev/null
        fi
    fi
    return 0
}

# Node packages for the Teams end-to-end test (Agents Playground), pinned in package.json.
ensure_node_packages() {
    [ -f package.json ] || return 0
    if ! command -v npm >/dev/null 2>&1; then
        echo "==> npm not found: the Agents Playground test will not run" >&2
        return 0
    fi
    if [ -d node_modules ] && [ -f package-lock.json ] && [ node_modules -nt package-lock.json ] \
        && [ -z "${CI:-}" ]; then
        return 0
    fi
    echo "==> installing node packages"
    if [ -f package-lock.json ]; then
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    else
        npm install --ignore-scripts --no-audit --no-fund --loglevel=error
    fi
    touch node_modules
}
