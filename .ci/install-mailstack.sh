#!/usr/bin/env bash
# Installs what the integration and UI tests need from Debian, only when missing: Postfix and Dovecot
# (the test harness runs its own instances from a temp dir, see test/support/mailstack.ts) and
# Chromium. Safe to run repeatedly; a machine that already has everything makes no apt call at all.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Package name -> a file that proves it is installed. Binaries rather than dpkg state, because those
# are what the harness executes.
declare -A probe=(
  [dovecot-imapd]=/usr/lib/dovecot/imap
  [dovecot-lmtpd]=/usr/lib/dovecot/lmtp
  [postfix]=/usr/lib/postfix/sbin/master
  [chromium]=/usr/bin/chromium
  # Arabic glyphs for UI screenshots; Chromium alone brings no font with Arabic coverage.
  [fonts-dejavu-core]=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
)

missing=()
for pkg in dovecot-imapd dovecot-lmtpd postfix chromium fonts-dejavu-core; do
  [ -e "${probe[$pkg]}" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-mailstack: installing ${missing[*]}"
  # Without a preseed, postfix's postinst asks which mailer type to configure; "No configuration"
  # also leaves /etc/postfix/main.cf absent, so no system instance can start.
  echo 'postfix postfix/main_mailer_type select No configuration' | sudo_if_needed debconf-set-selections

  # Keep postinst scripts from starting system-wide daemons (invoke-rc.d honours exit 101). Only
  # added, and removed again, when the machine doesn't already have such a policy.
  added_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | sudo_if_needed tee /usr/sbin/policy-rc.d >/dev/null
    sudo_if_needed chmod 0755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  cleanup_policy() { [ -z "$added_policy" ] || sudo_if_needed rm -f /usr/sbin/policy-rc.d; }
  trap cleanup_policy EXIT

  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

  cleanup_policy
  trap - EXIT
fi

# A system instance left running by a postinst (or a previous setup) doesn't share our ports, but it
# binds 25/143, fills the machine with processes and confuses anyone reading `ps`. Stop it, best
# effort: none of this may fail the CI run.
pid_running() {
  local pidfile=$1 pid
  [ -r "$pidfile" ] || return 1
  pid=$(tr -d ' \n' <"$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  # Zombies pass `kill -0`; only a live state counts.
  [ "$(awk '{ sub(/.*\) /, ""); print substr($0, 1, 1) }' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

if pid_running /run/dovecot/master.pid; then
  echo "install-mailstack: stopping the system-wide Dovecot"
  timeout 10 doveadm stop </dev/null >/dev/null 2>&1 || true
fi
if pid_running /var/spool/postfix/pid/master.pid; then
  echo "install-mailstack: stopping the system-wide Postfix"
  timeout 10 postfix stop </dev/null >/dev/null 2>&1 || true
fi
if [ -d /run/systemd/system ]; then
  # Only where systemd actually runs; elsewhere systemctl just errors out.
  sudo_if_needed systemctl disable --now dovecot.service postfix.service >/dev/null 2>&1 || true
fi

exit 0
