#!/bin/sh
# Run this tree's commands as root inside a brand-new Debian root, the way a
# newcomer would: `debootstrap --variant=minbase` (cached as a tarball), the
# tree copied in, /dev, /proc and /sys mounted, the command run with chroot,
# then everything unmounted and the root deleted.
#
#   scripts/fresh-root.sh [--suite bookworm|trixie] [--run WHAT] [--head]
#
# WHAT: demo (sh scripts/demo.sh), test (sh scripts/test.sh), readme (both,
# the README's two commands; the default), core (the bootloader-core stage:
# only the core build packages, then autoreconf, configure --enable-werror,
# make and make check), or any shell command line run in the tree's copy.
# --head copies `git archive HEAD` instead of the working tree (tracked and
# untracked files that git does not ignore). The Debian mirror and any apt
# proxy are read from this machine's apt configuration (override the mirror
# with LIBVERITY_MIRROR). Cache: ${XDG_CACHE_HOME:-/var/cache}/libverity
# (LIBVERITY_ROOT_CACHE); delete a tarball there to rebuild it. Each stage's
# time is printed as "time: STAGE N s". Needs root.
set -eu

suite=bookworm
run=readme
from=worktree
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=$2; shift 2 ;;
	--suite=*) suite=${1#--suite=}; shift ;;
	--run) run=$2; shift 2 ;;
	--run=*) run=${1#--run=}; shift ;;
	--head) from="head"; shift ;;
	-h | --help) sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "fresh-root: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
case $suite in
bookworm | trixie) ;;
*) echo "fresh-root: --suite bookworm or trixie" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "fresh-root: must run as root" >&2; exit 2; }

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${LIBVERITY_ROOT_CACHE:-${XDG_CACHE_HOME:-/var/cache}/libverity}
PATH="$PATH:/usr/sbin:/sbin"
export PATH
# What the bootloader-core stage installs: nothing optional.
core_packages="gcc make libc6-dev autoconf automake libtool autoconf-archive pkg-config
libmbedtls-dev libfdt-dev device-tree-compiler libcriterion-dev cryptsetup-bin openssl git
ca-certificates"

stage_start=$(date +%s)
stage() {
	now=$(date +%s)
	echo "time: $1 $((now - stage_start)) s"
	stage_start=$now
}

if ! command -v debootstrap >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap ||
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends debootstrap; }
fi

# The host's Debian archive URI: the first deb822 or one-line source whose
# suites include this host's release (not -security/-updates).
host_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			/^[ \t]*$/ { if (uri != "" && deb && main) { print uri; exit } uri = ""; deb = 0; main = 0; next }
			/^Types:/ { deb = ($0 ~ /(^|[ \t])deb([ \t]|$)/) }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/) main = 1 }
			END { if (uri != "" && deb && main) print uri }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { u = ($2 ~ /^\[/) ? $3 : $2; s = ($2 ~ /^\[/) ? $4 : $3;
			if (s !~ /-/) { print u; exit } }' "$f"
	done
}
mirror=${LIBVERITY_MIRROR:-$(host_mirror | head -n 1)}
[ -n "$mirror" ] || { echo "fresh-root: no Debian mirror in /etc/apt; set LIBVERITY_MIRROR" >&2; exit 2; }
# The host's apt proxy, if any, for debootstrap and for apt inside the root.
eval "$(apt-config shell http_proxy Acquire::http::Proxy https_proxy Acquire::https::Proxy)"
[ -z "${http_proxy:-}" ] || export http_proxy
[ -z "${https_proxy:-}" ] || export https_proxy

root=
cleanup() {
	status=$?
	[ -n "$root" ] || exit "$status"
	for m in var/cache/apt/archives sys proc dev; do
		if mountpoint -q "$root/$m"; then
			umount -R "$root/$m" 2>/dev/null || umount -R -l "$root/$m" || true
		fi
	done
	if mountpoint -q "$root"; then
		umount -R "$root" 2>/dev/null || umount -R -l "$root" || true
	fi
	if grep -q -e " $root/" -e " $root " /proc/self/mountinfo; then
		echo "fresh-root: still mounted below $root; not deleting it" >&2
		exit 1
	fi
	rm -rf --one-file-system "$root"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$cache"
root=$(mktemp -d "${TMPDIR:-/var/tmp}/libverity-root.XXXXXX")
base="$cache/debian-$suite-minbase.tar"
if [ ! -s "$base" ]; then
	echo "== debootstrap --variant=minbase $suite (mirror from the host's apt sources)"
	debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
		{ tail -n 30 "$root.debootstrap.log"; rm -f "$root.debootstrap.log"; exit 1; }
	rm -f "$root.debootstrap.log"
	rm -rf --one-file-system "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_* 2>/dev/null || true
	tar -C "$root" --numeric-owner -cf "$base.$$" . && mv "$base.$$" "$base"
	stage "debootstrap-$suite"
else
	tar -C "$root" --numeric-owner -xf "$base"
	stage "unpack-$suite"
fi

chmod 755 "$root" # the tarball's "." is mktemp's 0700: apt's sandbox user must enter

# apt inside the root: the host's sources for this suite, its proxy and
# validity settings, its resolver.
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	grep -q -E 'debian' "$f" || continue
	dest="$root/etc/apt/${f#/etc/apt/}"
	mkdir -p "$(dirname "$dest")"
	host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	sed "s/\b$host_suite\b/$suite/g" "$f" >"$dest"
done
apt-config dump | grep -E '^Acquire::(http::Proxy|https::Proxy|Check-Valid-Until|Check-Date) ' \
	>"$root/etc/apt/apt.conf.d/90host" || true
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# The tree, without build outputs.
mkdir -p "$root/src/libverity"
if [ "$from" = head ]; then
	git -C "$top" archive HEAD | tar -C "$root/src/libverity" -xf -
elif git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -C "$root/src/libverity" -xf -
else
	tar -C "$top" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$root/src/libverity" -xf -
fi
# A git checkout of exactly that, as a newcomer's clone is (format-check
# lists the tracked files).
if command -v git >/dev/null 2>&1; then
	git -C "$root/src/libverity" init -q &&
		git -C "$root/src/libverity" add -A &&
		git -C "$root/src/libverity" -c user.name=fresh-root -c user.email=fresh-root@localhost \
			commit -q -m "tree under test" || { echo "fresh-root: git init failed" >&2; exit 1; }
fi
stage copy-tree

# The root a mount point of its own, as on a real machine: programs that
# make their mounts private or slave (systemd-repart copying files into a
# partition) fail in a plain directory.
mount --bind "$root" "$root" && mount --make-private "$root"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
# Downloaded packages are kept between runs (installing stays fresh).
mkdir -p "$cache/apt-archives-$suite/partial" "$root/var/cache/apt/archives"
mount --bind "$cache/apt-archives-$suite" "$root/var/cache/apt/archives"

case $run in
demo) cmd='sh scripts/demo.sh' ;;
test) cmd='sh scripts/test.sh' ;;
readme) cmd='sh scripts/demo.sh && sh scripts/test.sh' ;;
core) cmd=core ;;
*) cmd=$run ;;
esac
{
	echo 'set -eu'
	echo 'cd /src/libverity'
	echo 'export DEBIAN_FRONTEND=noninteractive'
	if [ "$cmd" = core ]; then
		# shellcheck disable=SC2086
		cat <<EOF
t0=\$(date +%s)
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $(echo $core_packages) >/dev/null
echo "time: core-packages \$((\$(date +%s) - t0)) s"; t0=\$(date +%s)
quiet() { "\$@" >step.log 2>&1 || { tail -n 60 step.log; exit 1; }; }
quiet autoreconf -fi
quiet ./configure --enable-werror
quiet make -j"\$(nproc)"
echo "time: core-build \$((\$(date +%s) - t0)) s"; t0=\$(date +%s)
status=0
make -j"\$(nproc)" check >check.log 2>&1 || status=\$?
grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):|^# (TOTAL|PASS|SKIP|FAIL|ERROR):' test-suite.log || tail -n 60 check.log
[ "\$status" = 0 ] || for log in \$(grep -l -E '^(FAIL|ERROR)' tests/*/*.log); do
	echo "----- \$log"; tail -n 40 "\$log"; done
echo "time: core-check \$((\$(date +%s) - t0)) s"
exit "\$status"
EOF
	else
		printf '%s\n' "$cmd"
	fi
} >"$root/src/run.sh"
echo "== in a fresh Debian $suite root, as root: $cmd"
status=0
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 TERM=dumb ${http_proxy:+http_proxy=$http_proxy} \
	${https_proxy:+https_proxy=$https_proxy} /bin/sh /src/run.sh || status=$?
stage "run-$run"
exit "$status"
