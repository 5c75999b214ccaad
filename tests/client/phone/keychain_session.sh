#!/usr/bin/env bash
# Runs a keychain test binary in a private D-Bus session bus of its own, in a throwaway
# HOME, so the machine's own keyring is never touched.
#   secret-service: a gnome-keyring-daemon (Secret Service) unlocked with a password piped
#                   on stdin runs on that bus; it is stopped by its PID afterwards.
#   no-service:     the bus has no service directories, so nothing can provide
#                   org.freedesktop.secrets, not even by D-Bus activation.
# usage: keychain_session.sh secret-service|no-service TEST_BINARY [test args...]
set -uo pipefail
mode=$1
shift
for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/bootstrap.sh installs it)" >&2
    exit 77
  fi
done

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
export HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_RUNTIME_DIR=$home/run
unset DBUS_SESSION_BUS_ADDRESS XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION

case $mode in
  secret-service)
    dbus-run-session -- bash -c '
      set -u
      printf "%s" "tipring-test-unlock" |
        gnome-keyring-daemon --foreground --unlock --components=secrets >"$HOME/keyring.log" 2>&1 &
      keyring=$!
      owned=0
      for _ in $(seq 100); do  # bounded: at most ~10 s for the daemon to claim its name
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
             org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
             grep -q "boolean true"; then owned=1; break; fi
        if ! kill -0 "$keyring" 2>/dev/null; then break; fi
        sleep 0.1
      done
      if [[ $owned -ne 1 ]]; then
        echo "gnome-keyring-daemon did not provide org.freedesktop.secrets:" >&2
        cat "$HOME/keyring.log" >&2
        kill "$keyring" 2>/dev/null
        exit 1
      fi
      "$@"
      rc=$?
      kill "$keyring" 2>/dev/null
      wait "$keyring" 2>/dev/null
      exit $rc' keychain-session "$@"
    ;;
  no-service)
    cat >"$home/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$home/run</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    dbus-run-session --config-file="$home/bus.conf" -- "$@"
    ;;
  *)
    echo "usage: $0 secret-service|no-service TEST_BINARY [args]" >&2
    exit 2
    ;;
esac
