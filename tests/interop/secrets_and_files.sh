#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Secrets and files, end to end:
#  - a wrong password never shows up in any output (stdout, stderr, --verbose, --json), from
#    a file, the environment or standard input, for every command that reads one (smimekit
#    starts no child process, so argv and environments of children need no check);
#  - a password file may be a pipe, and once a password is being read no core dump can be made;
#  - .p12 outputs are 0600 under umask 000;
#  - --force replaces a symlink at the target, never the file it points to;
#  - SIGINT, SIGTERM and SIGHUP during a long write leave no temporary file and no output, and
#    kill the process with that signal; an ignored SIGHUP (nohup) stays ignored;
#  - a write past the file size limit (ulimit -f) is an I/O error (exit 7) that leaves nothing;
#  - SIGTERM during a batch of outputs (sst extract) leaves none of its temporary files.
set -euo pipefail
smimekit=$(realpath "$1")
certs=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
now=--now=2030-01-01T00:00:00Z
fail() { echo "FAIL: $*"; exit 1; }

ln -s "$certs" certs-test
secret='Wr0ng-Pa55-7f3c'
printf '%s\n' "$secret" >wrong.txt
printf 'test1234\n' >good.txt
p12=certs-test/p12/modern.p12
trust=(--trust certs-test/ca/root-rsa.pem --pool certs-test/ca/inter-rsa.pem)

# ---- a wrong password is never echoed --------------------------------------------------------
checked=0
# no_echo EXIT ARGS...: runs ARGS with the wrong password from each source, with and without
# --verbose, and expects EXIT and no trace of the password.
no_echo() {
    local expected=$1 source verbose rc
    shift
    for source in file env stdin; do
        for verbose in "" -v; do
            local args=("$@")
            case $source in
                file) args+=(--password-file wrong.txt) ;;
                env) args+=(--password-env SMIMEKIT_TEST_PW) ;;
                stdin) args+=(--password-stdin) ;;
            esac
            [ -n "$verbose" ] && args+=("$verbose")
            rm -rf out.* out-dir db.sqlite*
            rc=0
            SMIMEKIT_TEST_PW=$secret "$smimekit" "${args[@]}" "$now" <wrong.txt >stdout 2>stderr || rc=$?
            [ $rc = "$expected" ] || { cat stderr; fail "smimekit ${args[*]}: exit $rc, expected $expected"; }
            if grep -qF "$secret" stdout stderr; then
                fail "smimekit ${args[*]}: the password appears in the output"
            fi
            if ls -A | grep -q '^out'; then
                fail "smimekit ${args[*]}: output left behind"
            fi
            checked=$((checked + 1))
        done
    done
}
no_echo 4 inspect "$p12"
no_echo 4 inspect "$p12" --json
no_echo 4 convert "$p12" -o out.pem
no_echo 4 check "$p12" "${trust[@]}" --json
no_echo 4 chain verify "$p12" "${trust[@]}"
no_echo 4 sst create -o out.sst "$p12"
no_echo 4 exchange chain "$p12" "${trust[@]}" -o out.sst
no_echo 4 p12 rewrap "$p12" -o out.p12 --out-password-file good.txt
no_echo 4 p12 create --cert certs-test/users/alice.pem --key certs-test/keys/alice-enc.pkcs8.pem \
    -o out.p12 --out-password-file good.txt
no_echo 4 contacts import "$p12" --db db.sqlite --json
printf 'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: x\r\n\r\nhello\r\n' >mail.eml
openssl smime -encrypt -aes256 -in mail.eml -out encrypted.eml certs-test/users/alice.pem
no_echo 4 mail sign mail.eml --signer "$p12" -o out.eml
no_echo 4 mail sign-encrypt mail.eml --signer "$p12" -r certs-test/users/alice.der -o out.eml
no_echo 4 mail decrypt encrypted.eml --key "$p12" -o out.eml
echo "no password echo: $checked runs"

# The right password is not printed either.
"$smimekit" inspect "$p12" --password-file good.txt -v --json "$now" >stdout 2>stderr
! grep -q test1234 stdout stderr || fail "the right password appears in inspect's output"

# A password file may be a pipe: `--password-file <(pass show mail)` keeps it off the disk.
"$smimekit" inspect "$p12" --password-file <(cat good.txt) "$now" >/dev/null ||
    fail "a password file given as a pipe (process substitution) is refused"

# No core dump can hold the password: from the moment smimekit waits for it (here, on a FIFO
# nobody writes to yet), its core file size limit is 0, and SIGQUIT (which dumps core by
# default) leaves no core file even where the shell allows them.
mkfifo password.fifo
rc=0
(ulimit -c unlimited && exec "$smimekit" inspect "$p12" --password-file password.fifo "$now" \
    >/dev/null 2>&1) &
waiting=$!
for _ in $(seq 50); do
    grep -q '^Max core file size *0 *0 ' "/proc/$waiting/limits" 2>/dev/null && break
    sleep 0.1
done
grep -q '^Max core file size *0 *0 ' "/proc/$waiting/limits" ||
    fail "while reading a password, core dumps are still allowed: $(grep core "/proc/$waiting/limits")"
kill -QUIT "$waiting"
{ wait "$waiting"; } 2>/dev/null || rc=$?
[ $rc = $((128 + 3)) ] || fail "SIGQUIT while waiting for the password: exit $rc"
! ls core* 2>/dev/null || fail "a core file was written while a password was being read"
echo "password files as pipes, no core dumps: ok"

# ---- modes and symlinks ---------------------------------------------------------------------
(umask 000 && "$smimekit" p12 rewrap "$p12" -o rewrapped.p12 --password-file good.txt \
    --out-password-file good.txt "$now" 2>/dev/null)
[ "$(stat -c %a rewrapped.p12)" = 600 ] || fail "p12 rewrap under umask 000: mode $(stat -c %a rewrapped.p12)"

echo keep >victim.pem
ln -s victim.pem link.pem
"$smimekit" convert certs-test/users/alice.der -o link.pem --force "$now" 2>/dev/null
[ "$(cat victim.pem)" = keep ] || fail "--force wrote through a symlink"
[ -f link.pem ] && [ ! -L link.pem ] || fail "--force did not replace the symlink"
echo "modes and symlinks: ok"

# ---- signals during a long write, and the file size limit ------------------------------------
/usr/bin/python3 - "$smimekit" "$work" <<'PY'
import glob, os, signal, subprocess, sys, time

smimekit, work = sys.argv[1], sys.argv[2]
# A sparse attachment: read at once, then encoded into the output for a second or more.
big = os.path.join(work, "big.bin")
with open(big, "wb") as f:
    f.truncate(200 * 1024 * 1024)

def fail(message):
    print("FAIL: " + message)
    sys.exit(1)

def start(name, ignore_hup=False):
    def dispositions():
        # Whatever the test runner ignores, the cases start from the defaults.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        if ignore_hup:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
    out = os.path.join(work, name)
    process = subprocess.Popen(
        [smimekit, "mail", "compose", "--from", "a@example.org", "--to", "b@example.org",
         "--subject", "big", "--body", "x", "--attach", big, "-o", out],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=dispositions)
    temp = os.path.join(work, "." + name + ".smimekit-*")
    deadline = time.monotonic() + 120
    while not glob.glob(temp):
        if process.poll() is not None:
            fail(f"{name}: the write ended (exit {process.returncode}) before it was seen")
        if time.monotonic() > deadline:
            fail(f"{name}: no temporary file after 120 s")
        time.sleep(0.002)
    return process, out, temp

for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    process, out, temp = start(f"out-{sig.name}.eml")
    process.send_signal(sig)
    process.wait()
    if process.returncode != -sig:
        fail(f"{sig.name}: exit {process.returncode}, expected death by the signal")
    if glob.glob(temp) or os.path.exists(out):
        fail(f"{sig.name}: a temporary file or the output is left behind")
    print(f"{sig.name} during the write: killed by it, nothing left behind")

# nohup: SIGHUP ignored by the parent stays ignored; SIGTERM still cleans up.
process, out, temp = start("out-nohup.eml", ignore_hup=True)
process.send_signal(signal.SIGHUP)
try:
    process.wait(timeout=0.3)
    if process.returncode != 0:
        fail(f"ignored SIGHUP: exit {process.returncode}")
    os.remove(out)
except subprocess.TimeoutExpired:
    process.send_signal(signal.SIGTERM)
    process.wait()
    if process.returncode != -signal.SIGTERM or glob.glob(temp) or os.path.exists(out):
        fail("SIGTERM after an ignored SIGHUP: not cleaned up")
print("ignored SIGHUP stays ignored")

# ulimit -f: the write fails with EFBIG (exit 7), and the temporary file goes.
def limit():
    import resource
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))
out = os.path.join(work, "limited.eml")
small = os.path.join(work, "small.bin")
with open(small, "wb") as f:
    f.truncate(4 * 1024 * 1024)
result = subprocess.run(
    [smimekit, "mail", "compose", "--from", "a@example.org", "--to", "b@example.org",
     "--subject", "x", "--body", "x", "--attach", small, "-o", out],
    capture_output=True, text=True, preexec_fn=limit)
if result.returncode != 7 or "limited.eml': cannot write: File too large" not in result.stderr:
    fail(f"past the file size limit: exit {result.returncode}, {result.stderr!r}")
if glob.glob(os.path.join(work, ".limited.eml.smimekit-*")) or os.path.exists(out):
    fail("past the file size limit: a temporary file or the output is left behind")
print("past the file size limit: exit 7, nothing left behind")
PY

# ---- a signal in the middle of a batch of outputs (sst extract of 1,000 certificates) --------
# The batch writes every file into a private directory first and renames them all at the end:
# SIGTERM while it writes must remove that directory and everything in it.
gen_certs=$(dirname "$smimekit")/bench/bench_gen_certs
[ -x "$gen_certs" ] || fail "$gen_certs is missing (build the bench_gen_certs target)"
"$gen_certs" 1000 batch-certs >/dev/null 2>&1
"$smimekit" sst create -q --allow-expired -o batch.sst batch-certs "$now" 2>/dev/null
mkdir extracted
/usr/bin/python3 - "$smimekit" <<'PY'
import glob, os, signal, subprocess, sys, time

smimekit = sys.argv[1]
def fail(message):
    print("FAIL: " + message)
    sys.exit(1)

def dispositions():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
process = subprocess.Popen([smimekit, "sst", "extract", "-q", "batch.sst", "-o", "extracted"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           preexec_fn=dispositions)
deadline = time.monotonic() + 120
while not glob.glob("extracted/.smimekit-batch-*/5"):
    if process.poll() is not None:
        fail(f"sst extract ended (exit {process.returncode}) before its batch was seen")
    if time.monotonic() > deadline:
        fail("sst extract: no batch directory after 120 s")
    time.sleep(0.001)
process.send_signal(signal.SIGTERM)
process.wait()
if process.returncode != -signal.SIGTERM:
    # It may have finished writing meanwhile; then it must have left every file complete.
    if process.returncode != 0:
        fail(f"SIGTERM during a batch: exit {process.returncode}")
left = os.listdir("extracted")
if any(name.startswith(".") for name in left):
    fail(f"SIGTERM during a batch left its temporary directory: {sorted(left)[:3]}")
print(f"SIGTERM during a batch of 1,000 outputs: {len(left)} complete files, no temporary ones")
PY
for f in extracted/*.cer; do
    [ -e "$f" ] || break
    openssl x509 -inform DER -in "$f" -noout || fail "$f: incomplete after SIGTERM"
done
