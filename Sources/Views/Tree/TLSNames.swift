/// Value names of TLS and SSH, as Wireshark 4.0's packet-tls-utils.c and packet-ssh.c
/// spell them (the Info column and the details tree share them).
enum TLSNames {
    static let contentTypes: [UInt64: String] = [
        20: "Change Cipher Spec", 21: "Alert", 22: "Handshake", 23: "Application Data", 24: "Heartbeat",
    ]

    static let handshakeTypes: [UInt64: String] = [
        0: "Hello Request", 1: "Client Hello", 2: "Server Hello", 3: "Hello Verify Request", 4: "New Session Ticket",
        5: "End of Early Data", 6: "Hello Retry Request", 8: "Encrypted Extensions", 11: "Certificate",
        12: "Server Key Exchange", 13: "Certificate Request", 14: "Server Hello Done", 15: "Certificate Verify",
        16: "Client Key Exchange", 20: "Finished", 21: "Certificate URL", 22: "Certificate Status",
        23: "Supplemental Data", 24: "Key Update", 25: "Compressed Certificate", 254: "Message Hash",
    ]

    static let versions: [UInt64: String] = [
        0x0002: "SSL 2.0", 0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3",
        0xfeff: "DTLS 1.0", 0xfefd: "DTLS 1.2",
    ]

    static let alertLevels: [UInt64: String] = [1: "Warning", 2: "Fatal"]

    static let alertDescriptions: [UInt64: String] = [
        0: "Close Notify", 10: "Unexpected Message", 20: "Bad Record MAC", 21: "Decryption Failed",
        22: "Record Overflow", 30: "Decompression Failure", 40: "Handshake Failure", 41: "No Certificate",
        42: "Bad Certificate", 43: "Unsupported Certificate", 44: "Certificate Revoked", 45: "Certificate Expired",
        46: "Certificate Unknown", 47: "Illegal Parameter", 48: "Unknown CA", 49: "Access Denied", 50: "Decode Error",
        51: "Decrypt Error", 60: "Export Restriction", 70: "Protocol Version", 71: "Insufficient Security",
        80: "Internal Error", 86: "Inappropriate Fallback", 90: "User Canceled", 100: "No Renegotiation",
        109: "Missing Extension", 110: "Unsupported Extension", 111: "Certificate Unobtainable",
        112: "Unrecognized Name", 113: "Bad Certificate Status Response", 114: "Bad Certificate Hash Value",
        115: "Unknown PSK Identity", 116: "Certificate Required", 120: "No application Protocol",
    ]

    static let extensionTypes: [UInt64: String] = [
        0: "server_name", 1: "max_fragment_length", 2: "client_certificate_url", 3: "trusted_ca_keys",
        4: "truncated_hmac", 5: "status_request", 6: "user_mapping", 7: "client_authz", 8: "server_authz",
        9: "cert_type", 10: "supported_groups", 11: "ec_point_formats", 12: "srp", 13: "signature_algorithms",
        14: "use_srtp", 15: "heartbeat", 16: "application_layer_protocol_negotiation", 17: "status_request_v2",
        18: "signed_certificate_timestamp", 19: "client_certificate_type", 20: "server_certificate_type",
        21: "padding", 22: "encrypt_then_mac", 23: "extended_master_secret", 24: "token_binding",
        25: "cached_info", 27: "compress_certificate", 28: "record_size_limit", 35: "session_ticket",
        41: "pre_shared_key", 42: "early_data", 43: "supported_versions", 44: "cookie",
        45: "psk_key_exchange_modes", 47: "certificate_authorities", 48: "oid_filters",
        49: "post_handshake_auth", 50: "signature_algorithms_cert", 51: "key_share", 53: "connection_id",
        57: "quic_transport_parameters", 17513: "application_settings", 65037: "encrypted_client_hello",
        65281: "renegotiation_info",
    ]

    static let groups: [UInt64: String] = [
        1: "sect163k1", 23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519", 30: "x448",
        256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096", 259: "ffdhe6144", 260: "ffdhe8192",
        0x6399: "X25519Kyber768Draft00",
    ]

    static let signatureSchemes: [UInt64: String] = [
        0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0401: "rsa_pkcs1_sha256", 0x0403: "ecdsa_secp256r1_sha256",
        0x0501: "rsa_pkcs1_sha384", 0x0503: "ecdsa_secp384r1_sha384", 0x0601: "rsa_pkcs1_sha512",
        0x0603: "ecdsa_secp521r1_sha512", 0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384",
        0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519", 0x0808: "ed448", 0x0809: "rsa_pss_pss_sha256",
        0x080a: "rsa_pss_pss_sha384", 0x080b: "rsa_pss_pss_sha512",
        0x0303: "SHA224 ECDSA", 0x0301: "SHA224 RSA", 0x0302: "SHA224 DSA", 0x0402: "SHA256 DSA",
        0x0502: "SHA384 DSA", 0x0602: "SHA512 DSA", 0x0202: "SHA1 DSA",
    ]

    static let cipherSuites: [UInt64: String] = [
        0x0000: "TLS_NULL_WITH_NULL_NULL", 0x0004: "TLS_RSA_WITH_RC4_128_MD5", 0x0005: "TLS_RSA_WITH_RC4_128_SHA",
        0x000a: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x002f: "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0x003c: "TLS_RSA_WITH_AES_128_CBC_SHA256",
        0x003d: "TLS_RSA_WITH_AES_256_CBC_SHA256", 0x0067: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        0x006b: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0x009c: "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x009d: "TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009e: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        0x009f: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x00ff: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384", 0x1303: "TLS_CHACHA20_POLY1305_SHA256",
        0x1304: "TLS_AES_128_CCM_SHA256", 0x1305: "TLS_AES_128_CCM_8_SHA256", 0x5600: "TLS_FALLBACK_SCSV",
        0xc009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc00a: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xc013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xc023: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xc024: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        0xc027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xc028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0xc02b: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02c: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xc02f: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xcca8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0xccaa: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ]

    static let compressionMethods: [UInt64: String] = [0: "null", 1: "DEFLATE", 64: "LZS"]

    static let sshMessages: [UInt64: String] = [
        1: "Disconnect", 2: "Ignore", 3: "Unimplemented", 4: "Debug", 5: "Service Request", 6: "Service Accept",
        7: "Extended Information", 8: "Ping", 9: "Pong", 20: "Key Exchange Init", 21: "New Keys",
        50: "User Authentication Request", 51: "User Authentication Failure", 52: "User Authentication Success",
        53: "User Authentication Banner", 80: "Global Request", 81: "Request Success", 82: "Request Failure",
        90: "Channel Open", 91: "Channel Open Confirmation", 92: "Channel Open Failure", 93: "Window Adjust",
        94: "Channel Data", 95: "Channel Extended Data", 96: "Channel EOF", 97: "Channel Close",
        98: "Channel Request", 99: "Channel Success", 100: "Channel Failure",
    ]

    enum KexKind { case dh, groupExchange, ecdh }

    /// How Wireshark 4.0 reads messages 30 to 34 for a key exchange method.
    static func kexKind(_ method: String?) -> KexKind {
        guard let m = method else { return .dh }
        if m.hasPrefix("diffie-hellman-group-exchange") { return .groupExchange }
        if m.hasPrefix("ecdh-sha2-") || m == "curve25519-sha256" || m == "curve25519-sha256@libssh.org"
            || m == "curve448-sha512" { return .ecdh }
        return .dh
    }

    /// The name of an SSH message code, with the key exchange method for codes 30 to 34.
    static func sshMessage(_ code: UInt8, kex: String?) -> String {
        if code >= 30 && code <= 34 {
            switch kexKind(kex) {
            case .dh:
                if code == 30 { return "Diffie-Hellman Key Exchange Init" }
                if code == 31 { return "Diffie-Hellman Key Exchange Reply" }
            case .ecdh:
                if code == 30 { return "Elliptic Curve Diffie-Hellman Key Exchange Init" }
                if code == 31 { return "Elliptic Curve Diffie-Hellman Key Exchange Reply" }
            case .groupExchange:
                switch code {
                case 30: return "Diffie-Hellman Group Exchange Request (Old)"
                case 31: return "Diffie-Hellman Group Exchange Group"
                case 32: return "Diffie-Hellman Group Exchange Init"
                case 33: return "Diffie-Hellman Group Exchange Reply"
                default: return "Diffie-Hellman Group Exchange Request"
                }
            }
        }
        return sshMessages[UInt64(code)] ?? "Unknown (\(code))"
    }
}
