#!/usr/bin/env bash
# The end-to-end test network, built from network namespaces, veth pairs and nftables.
# Only addresses in 198.18.0.0/15 (RFC 2544 benchmarking range) are used.
#
#   LAN A 198.18.1.0/24            public 198.18.0.0/24                 LAN B 198.18.2.0/24
#   a .1.10 ── nata (.1.1 | .0.2) ──┐                    ┌── natb (.0.3 | .2.1) ── b .2.10
#                                   ├── sw (bridge) ─────┤
#               relay .0.10 ────────┤                    ├──────── stranger .0.66
#               pub   .0.20 ────────┘
#
# Each NAT masquerades with randomised ports (`masquerade random`), keeps UDP conntrack
# entries for 30 s, and forwards only replies (established/related) from the public side
# into its LAN, as a home router does.
#
# Usage:
#   topology.sh up PREFIX        build the network; namespaces are named PREFIX-<host>
#   topology.sh down PREFIX      tear it down (idempotent; always call it, e.g. from a trap)
#   topology.sh exec PREFIX HOST COMMAND...
#   topology.sh loss PREFIX PERCENT   drop PERCENT % of forwarded packets on both NATs
#   topology.sh flush-nat PREFIX nata|natb   forget every NAT mapping (conntrack flush)
#   topology.sh check            exit 0 if this machine can build the network, 77 if not
set -euo pipefail

hosts=(sw nata natb a b relay pub stranger)
declare -A public_ip=([nata]=198.18.0.2 [natb]=198.18.0.3 [relay]=198.18.0.10
  [pub]=198.18.0.20 [stranger]=198.18.0.66)
declare -A lan_ip=([a]=198.18.1.10 [b]=198.18.2.10)
declare -A lan_gw=([a]=198.18.1.1 [b]=198.18.2.1)
declare -A nat_of=([a]=nata [b]=natb)

ns() { echo "$1-$2"; }
in_ns() {
  local prefix=$1 host=$2
  shift 2
  ip netns exec "$(ns "$prefix" "$host")" "$@"
}

# A short interface name for the root namespace, unique per prefix and role.
vname() { printf 've%s%s' "$(printf '%s' "$1" | cksum | cut -c1-6)" "$2" | cut -c1-15; }

link_pair() {  # link_pair PREFIX HOST_A IF_A HOST_B IF_B
  local prefix=$1 ha=$2 ia=$3 hb=$4 ib=$5
  local ta tb
  ta=$(vname "$prefix" "${ha:0:2}${ia:0:3}")
  tb=$(vname "$prefix" "${hb:0:2}${ib:0:3}")
  ip link add "$ta" type veth peer name "$tb"
  ip link set "$ta" netns "$(ns "$prefix" "$ha")"
  ip link set "$tb" netns "$(ns "$prefix" "$hb")"
  in_ns "$prefix" "$ha" ip link set "$ta" name "$ia"
  in_ns "$prefix" "$hb" ip link set "$tb" name "$ib"
}

check() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "topology: needs root (network namespaces)" >&2
    return 77
  fi
  for tool in ip nft conntrack; do
    command -v $tool >/dev/null || { echo "topology: $tool missing" >&2; return 77; }
  done
  local probe="tpcheck-$$"
  if ! ip netns add "$probe" 2>/dev/null; then
    echo "topology: cannot create a network namespace here" >&2
    return 77
  fi
  ip netns del "$probe"
}

up() {
  local prefix=$1
  for h in "${hosts[@]}"; do
    ip netns add "$(ns "$prefix" "$h")"
    in_ns "$prefix" "$h" ip link set lo up
  done
  in_ns "$prefix" sw ip link add br0 type bridge
  in_ns "$prefix" sw ip link set br0 up

  # Public hosts and the NATs' WAN sides hang off the switch.
  local h
  for h in nata natb relay pub stranger; do
    local port="p${h:0:6}"
    link_pair "$prefix" "$h" wan sw "$port"
    in_ns "$prefix" sw ip link set "$port" master br0
    in_ns "$prefix" sw ip link set "$port" up
    in_ns "$prefix" "$h" ip addr add "${public_ip[$h]}/24" dev wan
    in_ns "$prefix" "$h" ip link set wan up
  done

  # LAN hosts behind their NAT.
  for h in a b; do
    local nat=${nat_of[$h]}
    link_pair "$prefix" "$h" eth0 "$nat" lan
    in_ns "$prefix" "$h" ip addr add "${lan_ip[$h]}/24" dev eth0
    in_ns "$prefix" "$h" ip link set eth0 up
    in_ns "$prefix" "$h" ip route add default via "${lan_gw[$h]}"
    in_ns "$prefix" "$nat" ip addr add "${lan_gw[$h]}/24" dev lan
    in_ns "$prefix" "$nat" ip link set lan up
    in_ns "$prefix" "$nat" sysctl -qw net.ipv4.ip_forward=1
    in_ns "$prefix" "$nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=30
    in_ns "$prefix" "$nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=30
    in_ns "$prefix" "$nat" nft -f - <<NFT
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade random
  }
}
table ip filter {
  chain loss {
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    jump loss
    iifname "lan" oifname "wan" accept
    iifname "wan" oifname "lan" ct state established,related accept
  }
}
NFT
  done
}

down() {
  local prefix=$1 h
  for h in "${hosts[@]}"; do
    ip netns del "$(ns "$prefix" "$h")" 2>/dev/null || true
  done
}

loss() {
  local prefix=$1 percent=$2 nat
  for nat in nata natb; do
    in_ns "$prefix" "$nat" nft flush chain ip filter loss
    if ((percent > 0)); then
      in_ns "$prefix" "$nat" nft add rule ip filter loss iifname lan numgen random mod 100 \< "$percent" drop
    fi
  done
}

flush_nat() {
  in_ns "$1" "$2" conntrack -F 2>/dev/null || true
}

cmd=${1:-}
shift || true
case "$cmd" in
  check) check ;;
  up) up "$1" ;;
  down) down "$1" ;;
  exec) prefix=$1 host=$2; shift 2; in_ns "$prefix" "$host" "$@" ;;
  loss) loss "$1" "$2" ;;
  flush-nat) flush_nat "$1" "$2" ;;
  *) sed -n '2,24p' "$0" >&2; exit 2 ;;
esac
