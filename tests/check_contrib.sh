#!/bin/sh
# check_contrib.sh SRCDIR: contrib/ stays true to what mond serves.
#  - promtool checks contrib/prometheus/mond-rules.yml and runs its unit
#    tests (mond-rules.test.yml: each alert fires, and not on near misses);
#  - every metric the rules or the Grafana dashboard name is one
#    web/render.c writes, and the dashboard shows every one it writes.
# Without promtool (Debian's prometheus) the rule tests are skipped (77).
set -u
src=${1:-${MOND_SRCDIR:?}}
rules=$src/contrib/prometheus/mond-rules.yml
dash=$src/contrib/grafana/mond.json
fail=0

served=$(grep -o '"mond_[a-z_]*' "$src/web/render.c" | tr -d '"' | sort -u)
[ -n "$served" ] || { echo "no metric found in web/render.c"; exit 1; }
for f in "$rules" "$dash"; do
	for m in $(grep -o 'mond_[a-z_]*' "$f" | sort -u); do
		echo "$served" | grep -qx "$m" ||
		    { echo "${f#"$src"/} names $m, which mond does not serve"; fail=1; }
	done
done
for m in $served; do
	grep -q "$m" "$dash" ||
	    { echo "contrib/grafana/mond.json shows no panel of $m"; fail=1; }
done
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dash" ||
    { echo "contrib/grafana/mond.json is not JSON"; fail=1; }

if ! command -v promtool >/dev/null 2>&1; then
	[ $fail -eq 0 ] || exit 1
	echo "promtool not installed (make test installs prometheus): rule tests skipped"
	exit 77
fi
promtool check rules "$rules" || fail=1
(cd "$src/contrib/prometheus" && promtool test rules mond-rules.test.yml) || fail=1
exit $fail
