#!/bin/sh
# Scheduled pg_dump of the Crisis Center database (docker-compose.yml, service `backup`;
# docs/operations.md, "Backups"). Custom format (pg_restore can restore one table, in
# parallel, and lists what a dump holds). A dump is written under a temporary name, checked
# with pg_restore --list and only then renamed, so a file named *.dump is always whole.
# Dumps older than BACKUP_RETENTION_DAYS are deleted, but never the newest one.
#
# Connection from the usual libpq variables: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
#   BACKUP_DIR              where dumps go (default /backups)
#   BACKUP_INTERVAL_HOURS   hours between dumps (default 6)
#   BACKUP_RETENTION_DAYS   days a dump is kept (default 14)
#   BACKUP_ONCE             1: one dump and exit (cron, a test, or by hand before an upgrade)
set -eu

BACKUP_DIR="${BACKUP_DIR:-/backups}"
INTERVAL_HOURS="${BACKUP_INTERVAL_HOURS:-6}"
RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"
DATABASE="${PGDATABASE:-crisiscenter}"

case "$INTERVAL_HOURS$RETENTION_DAYS" in
    *[!0-9]*) echo "backup: BACKUP_INTERVAL_HOURS and BACKUP_RETENTION_DAYS must be whole numbers" >&2; exit 2 ;;
esac
if [ "$INTERVAL_HOURS" -lt 1 ] || [ "$RETENTION_DAYS" -lt 1 ]; then
    echo "backup: BACKUP_INTERVAL_HOURS and BACKUP_RETENTION_DAYS must be at least 1" >&2
    exit 2
fi

log() { echo "backup: $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; }

dump_once() {
    mkdir -p "$BACKUP_DIR"
    name="$DATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
    partial="$BACKUP_DIR/.$name.partial"
    started=$(date +%s)
    if ! pg_dump --format=custom --compress=6 --no-owner --dbname="$DATABASE" --file="$partial"; then
        rm -f "$partial"
        log "FAILED: pg_dump of $DATABASE exited non-zero; the previous dumps are kept"
        return 1
    fi
    if ! pg_restore --list "$partial" >/dev/null; then
        rm -f "$partial"
        log "FAILED: the dump of $DATABASE cannot be read back; the previous dumps are kept"
        return 1
    fi
    mv "$partial" "$BACKUP_DIR/$name"
    log "wrote $BACKUP_DIR/$name ($(wc -c <"$BACKUP_DIR/$name") bytes, $(($(date +%s) - started)) s)"
    prune
}

prune() {
    newest=$(ls -1t "$BACKUP_DIR"/"$DATABASE"-*.dump 2>/dev/null | head -n 1)
    find "$BACKUP_DIR" -maxdepth 1 -name "$DATABASE-*.dump" -mtime +"$((RETENTION_DAYS - 1))" -print |
        while read -r old; do
            if [ "$old" != "$newest" ]; then
                rm -f "$old"
                log "deleted $old (older than $RETENTION_DAYS days)"
            fi
        done
    find "$BACKUP_DIR" -maxdepth 1 -name ".*.partial" -mmin +720 -exec rm -f {} +
}

if [ "${BACKUP_ONCE:-0}" = "1" ]; then
    dump_once
    exit $?
fi

log "every $INTERVAL_HOURS h to $BACKUP_DIR, kept $RETENTION_DAYS days"
while true; do
    # A failed dump is logged and tried again at the next interval; the loop never exits.
    dump_once || true
    sleep "$((INTERVAL_HOURS * 3600))"
done
