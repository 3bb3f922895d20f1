#!/bin/sh
# scripts/install-deps with the optional allocators (libjemalloc2,
# libgoogle-perftools4) absent and present, on stand-ins for dpkg-query,
# apt-get and id in front of PATH: nothing is installed, nothing changes
# on the machine.  A fresh Debian 12 may or may not have them; either way
# the script must exit 0.
#
#   present            every package installed: exit 0, silent, no apt-get
#   absent, root       required ones installed, the optional ones cannot be
#                      installed (apt-get fails): exit 0, one "absent" line
#                      each; each tried, the first failure refreshes the
#                      lists once (update) and tries again: 3 installs
#   stale lists, root  as above, but the optional ones install once the
#                      lists are refreshed: exit 0, silent
#   absent, not root   exit 0, the two "absent" lines, no apt-get
#   fresh, root        required ones missing too: they are installed (update,
#                      then install), the optional ones tried after (no
#                      second update) and reported absent; exit 0
#   required fails     apt-get fails for a required package: exit non-zero
#
# usage: install_deps_optional.sh SCRIPTS_DIR
set -u
script="$1/install-deps"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
fail=0

# dpkg-query: a package is installed when its name is in $work/installed.
cat >"$work/bin/dpkg-query" <<'EOF'
#!/bin/sh
for a; do p=$a; done
grep -qx "$p" "$STUB/installed" && printf 'install ok installed'
exit 0
EOF
# apt-get: logs its words; installs what it is asked unless the name is
# in $work/unavailable (then fails, as for a package the mirror lacks);
# update empties $work/unavailable when $work/stale says the lists were
# only stale.
cat >"$work/bin/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$STUB/log"
if [ "$1" = update ]; then
  [ -s "$STUB/stale" ] && : >"$STUB/unavailable"
  exit 0
fi
for a; do
  case "$a" in -*|install) continue ;; esac
  grep -qx "$a" "$STUB/unavailable" && exit 100
  echo "$a" >>"$STUB/installed"
done
exit 0
EOF
cat >"$work/bin/id" <<'EOF'
#!/bin/sh
echo "$STUB_UID"
EOF
cat >"$work/bin/dpkg" <<'EOF'
#!/bin/sh
exit 0
EOF
chmod +x "$work/bin/"*

required=$(sed -n '/^PKGS="/,/"$/p' "$script" | tr -d '"' | sed 's/^PKGS=//')
optional="libjemalloc2 libgoogle-perftools4"

# case NAME UID INSTALLED UNAVAILABLE WANT_STATUS WANT_ABSENT WANT_APT [stale]
case_() {
  name=$1; uid=$2; inst=$3; unav=$4; want=$5; absent=$6; apt=$7
  printf '%s\n' $inst >"$work/installed"
  printf '%s\n' $unav >"$work/unavailable"
  printf '%s' "${8:-}" >"$work/stale"
  : >"$work/log"
  STUB="$work" STUB_UID="$uid" PATH="$work/bin:$PATH" \
    sh "$script" >"$work/out" 2>"$work/err"
  status=$?
  got_absent=$(grep -c "optional package .* absent" "$work/err")
  got_apt=$(grep -c "apt-get install" "$work/log")
  if [ "$status" -ne "$want" ] && { [ "$want" -eq 0 ] || [ "$status" -eq 0 ]; }; then
    echo "install_deps_optional: $name: exit $status, wanted $want"; fail=1
  fi
  if [ "$got_absent" -ne "$absent" ]; then
    echo "install_deps_optional: $name: $got_absent absent lines, wanted $absent"
    sed 's/^/  /' "$work/err"; fail=1
  fi
  if [ "$got_apt" -ne "$apt" ]; then
    echo "install_deps_optional: $name: $got_apt apt-get installs, wanted $apt"
    sed 's/^/  /' "$work/log"; fail=1
  fi
}

case_ present 0 "$required $optional" "" 0 0 0
case_ "absent, root" 0 "$required" "$optional" 0 2 3
case_ "stale lists, root" 0 "$required" "$optional" 0 0 3 stale
case_ "absent, not root" 1000 "$required" "" 0 2 0
case_ "fresh, root" 0 "" "$optional" 0 2 3
case_ "required fails" 0 "" "$optional cmake" 1 0 1

[ "$fail" -eq 0 ] && echo "install_deps_optional: ok (present, absent as root and not, stale lists, fresh, a required failure)"
exit "$fail"
