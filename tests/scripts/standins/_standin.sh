# shellcheck shell=sh
# Shared by the Solaris stand-in commands of tests/scripts/test_collector.py.
#
# The stand-ins print what a bundle folder (ZFLAR_FIXTURE, written by
# planner.fleet) recorded, so a collector run can be compared with it file
# by file.  They run on the test machine (dash), not on Solaris.
#   ZFLAR_FIXTURE          the bundle folder to answer from (required)
#   ZFLAR_STANDIN_FAIL     space-separated command names that fail (stderr + exit 1)
#   ZFLAR_STANDIN_TRACE    a file each call is appended to, as "name args..."
#   ZFLAR_STANDIN_ZONENAME what zonename prints (default: global)

standin_begin() {
	standin_name=$1
	shift
	if [ -n "${ZFLAR_STANDIN_TRACE:-}" ]; then
		echo "$standin_name $*" >>"$ZFLAR_STANDIN_TRACE"
	fi
	case " ${ZFLAR_STANDIN_FAIL:-} " in
	*" $standin_name "*)
		echo "$standin_name: simulated failure" >&2
		exit 1
		;;
	esac
	F=${ZFLAR_FIXTURE:?ZFLAR_FIXTURE must name a bundle folder}
}

# standin_cat FILE MESSAGE: print FILE of the fixture, or MESSAGE on stderr and exit 1.
standin_cat() {
	if [ -f "$F/$1" ]; then
		cat "$F/$1"
	else
		echo "$standin_name: $2" >&2
		exit 1
	fi
}

standin_usage() {
	echo "$standin_name: stand-in does not know: $*" >&2
	exit 2
}
