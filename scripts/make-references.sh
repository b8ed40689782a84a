#!/usr/bin/env bash
# Generates tshark reference outputs next to every capture in Fixtures/pcaps.
# They are committed; tcpwatch's tests compare against them without tshark.
#
#   scripts/make-references.sh            # all captures
#   scripts/make-references.sh echo.pcap  # only these
#
# Per capture F:
#   F.fields.tsv    tshark -T fields with the FIELDS list below (header line)
#   F.analysis.tsv  tshark -T fields with the ANALYSIS list below (header line)
#   F.summary.txt   default one-line-per-packet output
#   F.conv.txt      -q -z conv,tcp                                  (not for SNAPLEN_CUTS)
#   F.convudp.txt   -q -z conv,udp          (only when F has UDP;   not for SNAPLEN_CUTS)
#   F.follow-N.txt  -q -z follow,tcp,raw,N  (the first 16 streams N; not for SNAPLEN_CUTS)
#   F.verbose.txt   -V                      (the details tree)
#   F.json          -T json                 (all but the BIG captures)
#   F.expert.txt    -q -z expert            (the expert items, counted)
#   F.allfields.tsv -T fields -E occurrence=a with every field name that tshark's pdml
#                   shows on any capture here (listed in emitted-fields.txt), header line
# tshark runs inside Fixtures/pcaps (basenames in its output), with TZ=UTC,
# LC_ALL=C.UTF-8, a fixed COLUMNS and an empty configuration directory so that
# no personal preferences leak in.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PCAPS="$ROOT/Fixtures/pcaps"

FIELDS="-e frame.number -e frame.time_epoch -e frame.time_relative -e frame.len -e frame.cap_len -e frame.interface_id -e frame.protocols -e eth.src -e eth.dst -e eth.type -e vlan.id -e sll.pkttype -e sll.ifindex -e arp.opcode -e ip.src -e ip.dst -e ip.proto -e ip.ttl -e ip.len -e ip.id -e ipv6.src -e ipv6.dst -e ipv6.nxt -e ipv6.hlim -e tcp.srcport -e tcp.dstport -e tcp.stream -e tcp.seq -e tcp.seq_raw -e tcp.ack -e tcp.ack_raw -e tcp.flags -e tcp.flags.str -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e tcp.flags.fin -e tcp.len -e tcp.window_size_value -e tcp.options.mss_val -e udp.srcport -e udp.dstport -e udp.length -e icmp.type -e icmp.code -e icmpv6.type -e icmpv6.code -e dns.id -e dns.flags.response -e dns.qry.name -e dns.qry.type -e dns.a -e dns.aaaa"

ANALYSIS="-e frame.number -e tcp.stream -e udp.stream -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission -e tcp.analysis.out_of_order -e tcp.analysis.duplicate_ack -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment -e tcp.analysis.keep_alive -e tcp.analysis.zero_window -e tcp.analysis.window_update -e tcp.completeness -e http.request.method -e http.request.uri -e http.response.code"

# Their JSON runs to megabytes; their -V and fields references cover them.
BIG="lossy.pcap http-keepalive.pcap nmap-1-1024.pcap"
# A thousand SYN/RST pairs say nothing new in -V (7.8 MB): only fields and summaries.
NO_VERBOSE="nmap-1-1024.pcap"

# TLS and SSH fields (F.tls.tsv, F.ssh.tsv, all occurrences) for the tls*/ssh* captures.
TLSFIELDS="-e frame.number -e tls.record.content_type -e tls.record.version -e tls.record.length -e tls.handshake.type -e tls.handshake.length -e tls.handshake.version -e tls.handshake.random -e tls.handshake.session_id_length -e tls.handshake.cipher_suites_length -e tls.handshake.ciphersuite -e tls.handshake.comp_method -e tls.handshake.extensions_length -e tls.handshake.extension.type -e tls.handshake.extension.len -e tls.handshake.extensions_server_name -e tls.handshake.extensions_alpn_str -e tls.handshake.extensions.supported_version -e tls.handshake.extensions_supported_group -e tls.handshake.extensions_key_share_group -e tls.handshake.sig_hash_alg -e tls.handshake.ja3 -e tls.handshake.ja3_full -e tls.handshake.ja3s -e tls.handshake.ja3s_full -e tls.handshake.certificates_length -e tls.handshake.certificate_length -e x509sat.uTF8String -e x509sat.CountryName -e x509af.serialNumber -e x509ce.dNSName -e tls.change_cipher_spec -e tls.alert_message.level -e tls.alert_message.desc"
SSHFIELDS="-e frame.number -e ssh.protocol -e ssh.direction -e ssh.packet_length -e ssh.padding_length -e ssh.message_code -e ssh.cookie -e ssh.kex_algorithms_length -e ssh.kex_algorithms -e ssh.server_host_key_algorithms -e ssh.encryption_algorithms_client_to_server -e ssh.mac_algorithms_client_to_server -e ssh.compression_algorithms_client_to_server -e ssh.first_kex_packet_follows -e ssh.kex.hassh -e ssh.kex.hassh_algorithms -e ssh.kex.hasshserver -e ssh.kex.hasshserver_algorithms -e ssh.host_key.type -e ssh.host_key.length"
# Captures whose traffic tshark decodes only with Decode As: F.decode-as.txt (summary) and
# F.decode-as.ssh.tsv with these -d options.
declare -A DECODE_AS=([ssh-2222.pcap]="tcp.port==2222,ssh")

# Captures cut by a snapshot length, made from the lab captures with editcap (issue 14):
# tshark's "[Packet size limited during capture]" in the summary, -V, fields and JSON.
declare -A SNAPLEN_CUTS=([echo-s60.pcap]="echo.pcap 60" [dns-s60.pcap]="dns.pcap 60"
                         [http-get-s60.pcap]="http-get.pcap 60" [icmp-ping-s80.pcap]="icmp-ping.pcap 80")

if ! command -v tshark >/dev/null; then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tshark >/dev/null
fi

export TZ=UTC LC_ALL=C.UTF-8 COLUMNS=200
CFG=$(mktemp -d)
trap 'rm -rf "$CFG"' EXIT
export WIRESHARK_CONFIG_DIR="$CFG"

ts() { tshark -n "$@" 2>/dev/null; }

cd "$PCAPS"
for cut in "${!SNAPLEN_CUTS[@]}"; do
  read -r source snaplen <<<"${SNAPLEN_CUTS[$cut]}"
  editcap -F pcap -s "$snaplen" "$source" "$cut"
done
if (($#)); then files=("$@"); else files=(*.pcap *.pcapng); fi

# The field names tshark emits on these captures, for the allfields references (the
# measure of issue 14: how many of them tcpwatch accepts, how many cells agree).
if ! (($#)); then
  for f in *.pcap *.pcapng; do ts -r "$f" -T pdml; done \
    | grep -o '<field name="[^"]*"' | sed 's/<field name="//; s/"$//' \
    | grep -v -e '^$' -e '^_ws\.' -e '^expert' -e '^num$' -e '^len$' -e '^caplen$' -e '^timestamp$' \
    | sort -u >emitted-fields.txt
fi
ALLFIELDS=$(sed 's/^/-e /' emitted-fields.txt | tr '\n' ' ')

for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  echo "references for $f" >&2
  rm -f "$f".fields.tsv "$f".analysis.tsv "$f".summary.txt "$f".conv.txt \
        "$f".convudp.txt "$f".follow-*.txt "$f".verbose.txt "$f".json "$f".allfields.tsv \
        "$f".tls.tsv "$f".ssh.tsv "$f".decode-as.* "$f".expert.txt
  # shellcheck disable=SC2086
  ts -r "$f" -T fields -E header=y $FIELDS >"$f.fields.tsv"
  # shellcheck disable=SC2086
  ts -r "$f" -T fields -E header=y $ANALYSIS >"$f.analysis.tsv"
  ts -r "$f" >"$f.summary.txt"
  ts -r "$f" -q -z expert >"$f.expert.txt"
  # On a cut capture tshark's conversation and follow taps miss every frame whose TCP or
  # UDP dissection the cut stopped (the tap runs at its end): tcpwatch still counts and
  # follows them, so those references would only record the difference.
  if [[ -z "${SNAPLEN_CUTS[$f]:-}" ]]; then
    ts -r "$f" -q -z conv,tcp >"$f.conv.txt"
    if [[ -n "$(ts -r "$f" -Y udp -T fields -e frame.number | head -1)" ]]; then
      ts -r "$f" -q -z conv,udp >"$f.convudp.txt"
    fi
    # The first 16 streams: a port scan has a thousand, each one SYN and its answer.
    for n in $(ts -r "$f" -Y tcp -T fields -e tcp.stream | sort -n | uniq | head -16); do
      ts -r "$f" -q -z "follow,tcp,raw,$n" >"$f.follow-$n.txt"
    done
  fi
  case " $NO_VERBOSE " in
    *" $f "*) ;;
    *) ts -r "$f" -V >"$f.verbose.txt" ;;
  esac
  case " $BIG " in
    *" $f "*) ;;
    *) ts -r "$f" -T json >"$f.json" ;;
  esac
  # shellcheck disable=SC2086
  ts -r "$f" -T fields -E header=y -E occurrence=a $ALLFIELDS >"$f.allfields.tsv"
  case $f in
    tls*) ts -r "$f" -T fields -E header=y -E occurrence=a $TLSFIELDS >"$f.tls.tsv" ;;
    ssh*) ts -r "$f" -T fields -E header=y -E occurrence=a $SSHFIELDS >"$f.ssh.tsv" ;;
  esac
  if [[ -n "${DECODE_AS[$f]:-}" ]]; then
    ts -r "$f" -d "${DECODE_AS[$f]}" >"$f.decode-as.txt"
    # shellcheck disable=SC2086
    ts -r "$f" -d "${DECODE_AS[$f]}" -T fields -E header=y -E occurrence=a $SSHFIELDS >"$f.decode-as.ssh.tsv"
  fi
done
