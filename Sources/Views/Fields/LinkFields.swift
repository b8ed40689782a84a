import Dissect

enum LinkFields {
    static let all: [FieldDefinition] = [
        // A tunnel's outer Ethernet header (VXLAN, Geneve) comes before the inner one.
        field("eth.src", "Ethernet source", .mac) { i, o in
            if !i.frame.tunnels.isEmpty { for hop in i.frame.tunnels { o.mac(hop.ethernet?.source) } }
            o.mac(i.frame.ethernet?.source)
        },
        field("eth.dst", "Ethernet destination", .mac) { i, o in
            if !i.frame.tunnels.isEmpty { for hop in i.frame.tunnels { o.mac(hop.ethernet?.destination) } }
            o.mac(i.frame.ethernet?.destination)
        },
        field("eth.type", "EtherType") { i, o in
            if !i.frame.tunnels.isEmpty {
                for hop in i.frame.tunnels { if let eth = hop.ethernet, eth.etherType > 1500 { o.hex(eth.etherType, width: 4) } }
            }
            guard let eth = i.frame.ethernet, eth.etherType > 1500 else { return }
            o.hex(eth.etherType, width: 4)
        },
        field("vlan.id", "VLAN id") { i, o in
            o.decimal(i.frame.vlans.outer?.id)
            o.decimal(i.frame.vlans.inner?.id)
        },
        field("vlan.etype", "Type after the VLAN tag") { i, o in
            o.hex(i.frame.vlans.outer?.etherType, width: 4)
            o.hex(i.frame.vlans.inner?.etherType, width: 4)
        },
        field("sll.pkttype", "Linux cooked packet type") { i, o in o.decimal(i.frame.sll?.packetType) },
        field("sll.ifindex", "Linux cooked interface index") { i, o in o.decimal(i.frame.sll?.interfaceIndex) },
        field("sll.etype", "Linux cooked protocol") { i, o in o.hex(i.frame.sll?.protocolType, width: 4) },
        field("arp.opcode", "ARP opcode") { i, o in o.decimal(i.frame.arp?.opcode) },
        field("arp.src.proto_ipv4", "ARP sender IP", .ipv4) { i, o in o.ipv4(i.frame.arp?.senderIP) },
        field("arp.dst.proto_ipv4", "ARP target IP", .ipv4) { i, o in o.ipv4(i.frame.arp?.targetIP) },
        field("arp.src.hw_mac", "ARP sender MAC", .mac) { i, o in o.mac(i.frame.arp?.senderMAC) },
        field("arp.dst.hw_mac", "ARP target MAC", .mac) { i, o in o.mac(i.frame.arp?.targetMAC) },
    ]
}
