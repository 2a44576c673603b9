#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster on 127.0.0.1:5432 with a password for the postgres user,
# so tests can reach it at postgres://postgres:postgres@127.0.0.1:5432/postgres.
set -euo pipefail
if ! pg_lsclusters -h | grep -q '^15 *main'; then
  pg_createcluster 15 main
fi
conf=/etc/postgresql/15/main
sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "$conf/postgresql.conf"
grep -q '^max_connections = 300' "$conf/postgresql.conf" || echo 'max_connections = 300' >> "$conf/postgresql.conf"
grep -q '^fsync = off' "$conf/postgresql.conf" || printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> "$conf/postgresql.conf"
pg_ctlcluster 15 main start 2>/dev/null || pg_ctlcluster 15 main restart
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
echo "PostgreSQL ready on 127.0.0.1:5432"
