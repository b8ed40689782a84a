#ifndef TCPWATCH_CPCAP_SHIM_H
#define TCPWATCH_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
