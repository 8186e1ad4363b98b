# shellcheck shell=sh
# Shared by the Solaris stand-ins the ssh executor tests run through a real sshd.
#
# The fake host lives in $ZFLAR_STANDIN_STATE (the test sshd sets it through the
# environment= option of authorized_keys):
#   zones.list          the lines `zoneadm list -cvp` prints (zoneid:name:state:zonepath:uuid:brand:ip-type)
#   zones/<zone>.cfg    what `zonecfg -z <zone> export` prints
#   root/               the host's / as flarcreate sees it; mount points and zone paths map in here
#   devices/<slice>/    the contents of a ufs slice (mount copies it onto the mount point)
#   mounts              "device mount-point" lines of what is mounted
#   fail/<tool>         make the next call of <tool> fail: line 1 the exit status, the rest its stderr
#   calls/              one file per invocation: the argv, NUL-separated (tool name first)
# Archive output paths (flarcreate, flar) are real paths on the test machine.

: "${ZFLAR_STANDIN_STATE:?stand-in: ZFLAR_STANDIN_STATE is not set (the test sshd sets it in authorized_keys)}"
S=$ZFLAR_STANDIN_STATE
ROOT=$S/root

record() {
    mkdir -p "$S/calls"
    call=$S/calls/$(date +%s%N).$$
    printf '%s\0' "$STANDIN" "$@" >"$call.tmp" && mv "$call.tmp" "$call"
}

injected_failure() {
    if [ -f "$S/fail/$STANDIN" ]; then
        status=$(head -n 1 "$S/fail/$STANDIN")
        tail -n +2 "$S/fail/$STANDIN" >&2
        rm -f "$S/fail/$STANDIN"
        exit "$status"
    fi
}

# host_path /zones/web/root/data -> $ROOT/zones/web/root/data
host_path() {
    printf '%s/%s' "$ROOT" "${1#/}"
}

record "$@"
injected_failure
