#!/bin/sh
# check_docs.sh SRCDIR: every option conf/conf.c declares (its CFG_*("name"
# tables) is documented in man/mond.conf.5 as a macro argument (Cm/Ic/It
# lines, or a section titled "NAME {}"), and mandoc's linter finds nothing to say about either man page.
set -u
src=${1:-${MOND_SRCDIR:?}}
page=$src/man/mond.conf.5
fail=0

names=$(grep -o 'CFG_[A-Z_]*("[a-z_]*"' "$src/conf/conf.c" |
    sed 's/.*("//; s/"$//' | sort -u)
[ -n "$names" ] || { echo "no option found in conf/conf.c"; exit 1; }
for n in $names; do
	if ! grep -Eq "^\.(It|Ic|Cm|Nm|Sh|Ss).*(^|[ (])(Cm|Ic) ([^ ]+ , )*$n( |$)" "$page" &&
	   ! grep -Eq "^\.(Cm|Ic) $n( |$)" "$page" &&
	   ! grep -Eq "^\.S[hs] .*[ :]$n \{\}" "$page"; then
		echo "mond.conf.5 does not document option '$n'"
		fail=1
	fi
done

if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -T lint -W warning "$src/man/mond.8" "$src/man/mond.conf.5" 2>&1)
	if [ -n "$out" ]; then
		echo "mandoc -T lint -W warning:"
		echo "$out"
		fail=1
	fi
else
	echo "mandoc not installed: lint skipped (make deps installs it)"
fi
exit $fail
