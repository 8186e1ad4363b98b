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

# host_path /zones/web/root/data -> $ROOT/zones/web/root/data; a path already inside the fake
# host's folder (the zone-route tests use real zonepaths there) is left as it is.
host_path() {
    case "$1" in
    "$S"/*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$ROOT" "${1#/}" ;;
    esac
}

# zone_field ZONE N: field N of the zone's zones.list line (3 state, 4 zonepath).
zone_field() {
    awk -F: -v z="$1" -v n="$2" '$2 == z { print $n }' "$S/zones.list"
}

# set_zone ZONE STATE [ZONEID]: rewrite the zone's state (and id) in zones.list.
set_zone() {
    awk -F: -v OFS=: -v z="$1" -v st="$2" -v id="${3:--}" '$2 == z { $1 = id; $3 = st } { print }' \
        "$S/zones.list" >"$S/zones.list.new" && mv "$S/zones.list.new" "$S/zones.list"
}

record "$@"
injected_failure
