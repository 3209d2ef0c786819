# Shell functions shared by the fetch scripts (sourced; POSIX sh).
# Callers define log() first.

# Run an apt command, waiting and retrying while another apt/dpkg holds
# the lock (never touching the other process).
with_lock_retry() {
    _tries=0
    _errf=$(mktemp)
    while :; do
        if "$@" 2>"$_errf"; then
            cat "$_errf" >&2; rm -f "$_errf"; return 0
        else
            _rc=$?
        fi
        cat "$_errf" >&2
        if grep -qi 'lock' "$_errf" && [ $_tries -lt 120 ]; then
            _tries=$((_tries + 1))
            log "apt/dpkg lock held, waiting (try $_tries)..."
            sleep 5
        else
            rm -f "$_errf"; return $_rc
        fi
    done
}
