#!/bin/sh
# fwupdate.sh FW_PUSH FW_DEVICE RELEASE_KEY: the secure firmware update example
# (c-examples/fwupdate) end to end over mutual TLS (listener MTLS): a 1 MiB
# image installed; every refusal (older or same version, unsigned manifest,
# another key, a manifest edited after signing, a tampered chunk, a truncated
# image) with its exit status and nothing installed; a refused manifest delivered
# again ignored with one counted line, a new one still checked; a SIGKILL of the device
# in the middle of a download resumed after restart; a connection dropped in the
# middle resumed on the same session; a device that comes late asks for what it
# missed. Prints the counts.
. "$(dirname "$0")/lib.sh"

FW_PUSH=$1
FW_DEVICE=$2
RELEASE_KEY=$3
need_pki
TLS="-h $HOST -p $PORT_MTLS --cafile $PKI/ca.crt --cert $PKI/client.crt --key $PKI/client.key"
STATE=$W/state
mkdir -p "$STATE"
SENT=0
RESENT=0
REFUSALS=0
DEV_PID=

stop_device() {
    if [ -n "$DEV_PID" ]; then
        kill "$DEV_PID" 2>/dev/null || true
        DEV_PID=
    fi
}
trap stop_device EXIT

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/other.key" 2>/dev/null ||
    fail "openssl could not make a key"
head -c 1048576 /dev/urandom >"$W/v2.bin"
head -c 1048576 /dev/urandom >"$W/v3.bin"
head -c 65536 /dev/urandom >"$W/v1.bin"

# release NAME VERSION IMAGE KEY: NAME.txt (manifest) and NAME.sig (its signature).
release() {
    "$FW_PUSH" --make-manifest --image "$3" --fw-version "$2" --chunk-size 4096 >"$W/$1.txt" ||
        fail "fw_push --make-manifest $1"
    openssl dgst -sha256 -sign "$4" -out "$W/$1.sig" "$W/$1.txt" || fail "signing $1"
}
release v1 1 "$W/v1.bin" "$RELEASE_KEY"
release v2 2 "$W/v2.bin" "$RELEASE_KEY"
release v3 3 "$W/v3.bin" "$RELEASE_KEY"
release v3-other 3 "$W/v3.bin" "$W/other.key"
sed 's/^size=.*/size=1000000/' "$W/v3.txt" >"$W/v3-edited.txt"

# start_device NAME ID: fw_device in the background, returns once it subscribed.
start_device() {
    "$FW_DEVICE" $TLS -t "$TOPIC/$1" -i "$2" --state "$STATE" >>"$W/$1.dev.out" 2>>"$W/$1.dev.err" &
    DEV_PID=$!
    await_line "$DEV_PID" "$W/$1.dev.out" "session" 20 "$1: fw_device (subscribing)"
}

# counts NAME: adds fw_push's "chunks sent N, resent R" to the totals.
counts() {
    line=$(grep "chunks sent" "$W/$1.push.out") || fail "$1: no counts from fw_push"
    s=$(echo "$line" | sed 's/.*chunks sent \([0-9]*\), resent \([0-9]*\).*/\1/')
    r=$(echo "$line" | sed 's/.*chunks sent \([0-9]*\), resent \([0-9]*\).*/\2/')
    SENT=$((SENT + s))
    RESENT=$((RESENT + r))
}

# update NAME WANT_DEVICE_STATUS WANT_REASON PUSH_ARGS...: one device run, one push.
update() {
    name=$1
    want=$2
    reason=$3
    shift 3
    start_device "$name" "dev-$name-$$"
    if "$FW_PUSH" $TLS -t "$TOPIC/$name" -i "push-$name-$$" --wait 30 "$@" >"$W/$name.push.out" 2>&1; then
        push=0
    else
        push=$?
    fi
    if wait "$DEV_PID"; then dev=0; else dev=$?; fi
    DEV_PID=
    [ "$dev" -eq "$want" ] || fail "$name: fw_device exited with $dev, expected $want"
    counts "$name"
    if [ "$want" -eq 0 ]; then
        [ "$push" -eq 0 ] || fail "$name: fw_push exited with $push"
    else
        [ "$push" -eq 3 ] || fail "$name: fw_push exited with $push, expected 3 (refused)"
        grep -q "refused: $reason" "$W/$name.push.out" || fail "$name: fw_push did not report \"$reason\""
        REFUSALS=$((REFUSALS + 1))
    fi
    echo "ok: $name -> device $dev${reason:+ ($reason)}; $(grep 'chunks sent' "$W/$name.push.out")"
}

installed() { cut -d' ' -f1 "$STATE/installed"; }

# installed_ok NAME VERSION: the flash holds vVERSION.bin, recorded as installed.
installed_ok() {
    cmp -s "$STATE/flash.bin" "$W/v$2.bin" || fail "$1: the flash differs from the image"
    [ "$(installed)" = "$2" ] || fail "$1: installed version $(installed)"
}

# installed_after NAME VERSION: waits for fw_push ($PUSH_PID) and fw_device, which
# must both succeed with vVERSION installed; adds the counts.
installed_after() {
    if wait "$PUSH_PID"; then push=0; else push=$?; fi
    if wait "$DEV_PID"; then dev=0; else dev=$?; fi
    DEV_PID=
    [ "$push" -eq 0 ] && [ "$dev" -eq 0 ] || fail "$1: fw_push $push, fw_device $dev"
    installed_ok "$1" "$2"
    counts "$1"
}

update install_v2 0 "" --manifest "$W/v2.txt" --signature "$W/v2.sig" --image "$W/v2.bin"
installed_ok install_v2 2
update downgrade_v1 11 not-newer --manifest "$W/v1.txt" --signature "$W/v1.sig" --image "$W/v1.bin"
# The refused manifest again: a restarted device (a new session) gets the retained v1
# manifest at once; remembered (DIR/refused), it is ignored with one counted line, not
# verified or reported again. A new manifest on the topic is still checked (and refused:
# another image, version 2 again, used nowhere else: a remembered manifest is ignored
# wherever it comes back).
name=repeated
head -c 65536 /dev/urandom >"$W/v2b.bin"
release v2b 2 "$W/v2b.bin" "$RELEASE_KEY"
"$FW_DEVICE" $TLS -t "$TOPIC/downgrade_v1" -i "dev-$name-$$" --state "$STATE" >"$W/$name.dev.out" 2>"$W/$name.dev.err" &
DEV_PID=$!
await_line "$DEV_PID" "$W/$name.dev.out" "refused before" 20 "$name: fw_device (the retained manifest)"
if "$FW_PUSH" $TLS -t "$TOPIC/downgrade_v1" -i "push-$name-$$" --wait 30 --manifest "$W/v2b.txt" \
    --signature "$W/v2b.sig" --image "$W/v2b.bin" >"$W/$name.push.out" 2>&1; then push=0; else push=$?; fi
if wait "$DEV_PID"; then dev=0; else dev=$?; fi
DEV_PID=
[ "$dev" -eq 11 ] && [ "$push" -eq 3 ] || fail "$name: the new manifest: fw_device $dev, fw_push $push (expected 11, 3)"
grep -q "refused: not-newer" "$W/$name.push.out" || fail "$name: fw_push did not report not-newer"
[ "$(grep -c "refused before" "$W/$name.dev.out")" -eq 1 ] || fail "$name: expected one \"refused before\" line"
grep -q "ignored (1)" "$W/$name.dev.out" || fail "$name: the ignored delivery was not counted"
! grep -q "refused 1 " "$W/$name.dev.err" || fail "$name: the v1 manifest was refused (reported) again"
grep -q "refused 2 not-newer" "$W/$name.dev.err" || fail "$name: the v2 manifest was not checked"
counts "$name"
REFUSALS=$((REFUSALS + 1))
echo "ok: $name -> the refused v1 manifest ignored once ($(grep "refused before" "$W/$name.dev.out")), v2 checked and refused"
update same_v2 11 not-newer --manifest "$W/v2.txt" --signature "$W/v2.sig" --image "$W/v2.bin"
update unsigned 10 unsigned-manifest --manifest "$W/v3.txt" --image "$W/v3.bin"
update other_key 10 bad-signature --manifest "$W/v3-other.txt" --signature "$W/v3-other.sig" --image "$W/v3.bin"
update edited 10 bad-signature --manifest "$W/v3-edited.txt" --signature "$W/v3.sig" --image "$W/v3.bin"
update tampered_chunk 12 hash-mismatch --manifest "$W/v3.txt" --signature "$W/v3.sig" --image "$W/v3.bin" \
    --tamper-chunk 100
update truncated 13 truncated --manifest "$W/v3.txt" --signature "$W/v3.sig" --image "$W/v3.bin" --truncate 500000
[ "$(installed)" = 2 ] || fail "a refused update changed the installed version to $(installed)"

# SIGKILL in the middle: the same device id (persistent session) and state resume.
name=killed
start_device $name "dev-$name-$$"
"$FW_PUSH" $TLS -t "$TOPIC/$name" -i "push-$name-$$" --wait 60 --pace-ms 10 --manifest "$W/v3.txt" \
    --signature "$W/v3.sig" --image "$W/v3.bin" >"$W/$name.push.out" 2>&1 &
PUSH_PID=$!
i=0
until [ -f "$STATE/progress" ] && [ "$(cut -d' ' -f2 "$STATE/progress")" -ge 40 ]; do
    i=$((i + 1))
    [ "$i" -le 600 ] || fail "$name: the download did not reach chunk 40 within 30 s"
    sleep 0.05
done
kill -KILL "$DEV_PID"
wait "$DEV_PID" 2>/dev/null || true
DEV_PID=
at=$(cut -d' ' -f2 "$STATE/progress")
echo "ok: fw_device killed with $at of 256 chunks in flash"
start_device $name "dev-$name-$$"
installed_after $name 3
grep -q "resuming at chunk" "$W/$name.dev.out" || fail "$name: the restarted device did not resume"
echo "ok: $name -> $(grep 'resuming at chunk' "$W/$name.dev.out"); $(grep 'chunks sent' "$W/$name.push.out")"

# A dropped connection in the middle: the device talks through a proxy that cuts
# it once, after 300 kB towards the device; it reconnects to its session and goes on.
head -c 1048576 /dev/urandom >"$W/v4.bin"
release v4 4 "$W/v4.bin" "$RELEASE_KEY"
start_listener proxy "$HOST" "$PORT_MTLS" 300000 <<'PY'
import threading
host, port, cut_after = args[0], int(args[1]), int(args[2])
state = {"cut": False, "conns": 0}

def pump(src, dst, count):
    seen = 0
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            seen += len(b)
            if count and not state["cut"] and seen > cut_after:
                state["cut"] = True
                break
            dst.sendall(b)
    except OSError:
        pass
    for sock in (src, dst):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

for c in connections(600):
    state["conns"] += 1
    u = socket.create_connection((host, port))
    threading.Thread(target=pump, args=(c, u, False), daemon=True).start()
    threading.Thread(target=pump, args=(u, c, True), daemon=True).start()
report(state["conns"], state["cut"])
PY
name=dropped
TLS_DIRECT=$TLS
TLS="-h $HOST -p $LISTENER_PORT --cafile $PKI/ca.crt --cert $PKI/client.crt --key $PKI/client.key"
start_device $name "dev-$name-$$"
TLS=$TLS_DIRECT
"$FW_PUSH" $TLS -t "$TOPIC/$name" -i "push-$name-$$" --wait 60 --pace-ms 5 --manifest "$W/v4.txt" \
    --signature "$W/v4.sig" --image "$W/v4.bin" >"$W/$name.push.out" 2>&1 &
PUSH_PID=$!
installed_after $name 4
touch "$W/proxy.stop"
wait "$LISTENER_PID" || true
[ "$(cat "$W/proxy.counts")" = "2 1" ] || fail "$name: proxy (connections, cut): $(cat "$W/proxy.counts")"
grep -q "connection lost" "$W/$name.dev.err" || fail "$name: the device did not see the connection drop"
grep -q "session resumed" "$W/$name.dev.out" || fail "$name: the device did not resume its session"
echo "ok: $name -> connection cut once, session resumed; $(grep 'chunks sent' "$W/$name.push.out")"

# A device that was away without a session when the release went out: it finds
# the retained manifest, no chunks, and asks ("need 5 0"); fw_push sends again.
name=late
head -c 262144 /dev/urandom >"$W/v5.bin"
release v5 5 "$W/v5.bin" "$RELEASE_KEY"
"$FW_PUSH" $TLS -t "$TOPIC/$name" -i "push-$name-$$" --wait 60 --manifest "$W/v5.txt" --signature "$W/v5.sig" \
    --image "$W/v5.bin" >"$W/$name.push.out" 2>&1 &
PUSH_PID=$!
sleep 1
before=$RESENT
start_device $name "dev-$name-$$"
installed_after $name 5
[ "$RESENT" -gt "$before" ] || fail "$name: nothing was sent again"
echo "ok: $name -> asked for the chunks it missed; $(grep 'chunks sent' "$W/$name.push.out")"

echo "fwupdate: chunks sent $SENT, resent $RESENT, refusals $REFUSALS (of 8 expected), installed v$(installed)"
[ "$REFUSALS" -eq 8 ] || fail "expected 8 refusals"
