# Helpers for the phones load scripts (sourced). Builds on ../lib.sh: loopback only, bounded runs.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PHONES_DIR="$LOAD_DIR/phones"

# phones_config TRUSTED(yes|no) ENDPOINTS(count, 0 for none) OUT: writes a config template.
phones_config() {
  local trusted="$1" count="$2" out="$3" endpoints="" i
  if [ "$count" -gt 0 ]; then
    endpoints=$(python3 -c "import sys; n=int(sys.argv[1]); print(', '.join('{\"id\": \"u%06d\", \"password\": \"pw%06d\", \"mailboxes\": [\"u%06d\"], \"unsolicited\": false}' % (i, i, i) for i in range(1, n + 1)))" "$count")
  fi
  sed -e "s#{TRUSTED}#$([ "$trusted" = yes ] && echo '"127.0.0.0/8"')#" -e "s#{ENDPOINTS}#$endpoints#" "$PHONES_DIR/phones.json.template" > "$out"
}

# users COUNT PREFIX OUT [with_password]: injection file, field0 = user, field1 = domain, field2 = password.
users() {
  python3 -c "
import sys
n, prefix, out, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == 'yes'
with open(out, 'w') as f:
    f.write('SEQUENTIAL\n')
    for i in range(1, n + 1):
        f.write('%s%06d;127.0.0.1;%s\n' % (prefix, i, ('pw%06d' % i) if pw else ''))
" "$1" "$2" "$3" "${4:-no}"
}

rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
