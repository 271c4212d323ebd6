# Helpers for the phones load scripts (sourced). Builds on ../lib.sh: loopback only, bounded runs.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PHONES_DIR="$LOAD_DIR/phones"

# phones_config TRUSTED(yes|no) ENDPOINTS(count, 0 for none) OUT: writes a config template.
phones_config() {
  python3 - "$1" "$2" "$3" "$PHONES_DIR/phones.json.template" <<'PY'
import sys
trusted, count, out, template = sys.argv[1] == "yes", int(sys.argv[2]), sys.argv[3], sys.argv[4]
endpoints = ", ".join('{"id": "u%06d", "password": "pw%06d", "mailboxes": ["u%06d"], "unsolicited": false}' % (i, i, i) for i in range(1, count + 1))
text = open(template).read().replace("{TRUSTED}", '"127.0.0.0/8"' if trusted else "").replace("{ENDPOINTS}", endpoints)
open(out, "w").write(text)
PY
}

# users COUNT PREFIX OUT [with_auth]: injection file, field0 = user, field1 = domain, field2 = sipp's [authentication ...] for it.
users() {
  python3 -c "
import sys
n, prefix, out, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == 'yes'
with open(out, 'w') as f:
    f.write('SEQUENTIAL\n')
    for i in range(1, n + 1):
        auth = '[authentication username=%s%06d password=pw%06d]' % (prefix, i, i) if pw else ''
        f.write('%s%06d;127.0.0.1;%s\n' % (prefix, i, auth))
" "$1" "$2" "$3" "${4:-no}"
}

rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
