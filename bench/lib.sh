# bench/lib.sh TAG — sourced by the section scripts that bench/run.sh calls with
# WORKDIR RESULTS COMMANDS (target.sh, tls_diet.sh), once they have set W, RES and CMDS.
# Moves to the repository root (ROOT) and gives them:
#   FAILED             0; a script sets it to 1 on a failed row and exits with it
#   log MESSAGE...     a progress line on stderr, tagged [bench TAG]
#   run COMMAND...     records COMMAND in $CMDS (the commands file of the run), then runs it
#   emit SECTION KEYS DATA   one result line in $RES: {"section": SECTION, KEYS, "data": DATA}
BENCH_TAG=$1
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
FAILED=0
log() { printf '[bench %s] %s\n' "$BENCH_TAG" "$*" >&2; }
run() { printf '%s\n' "$*" >>"$CMDS"; "$@"; }
emit() { printf '{"section": "%s", %s, "data": %s}\n' "$1" "$2" "$3" >>"$RES"; }
