package com.picpeak.notify;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where webhooks do not go unless {@value WebhookSettings#ALLOW_PRIVATE}{@code =true}: addresses of this machine and
 * of the networks around it. Whoever registers an endpoint chooses where this server POSTs; to 169.254.169.254 it
 * would reach the cloud's metadata service (and its credentials), to 127.0.0.1 or 10.x services never meant to be
 * reached from outside. The host is resolved at registration and again before every attempt (a name can change
 * what it resolves to); every address it resolves to must be public, and the attempt connects to exactly the
 * addresses that were checked ({@link WebhookPost}): the name is not resolved a second time, so DNS cannot answer
 * one address to the check and another to the connection. An IPv4 address given in any spelling but four decimal
 * numbers ({@code 0177.0.0.1}, {@code 0x7f.1}, {@code 2130706433}, {@code 127.1}) is refused whatever it means:
 * resolvers disagree on it.
 */
final class WebhookAddresses {
    /** Parts that inet_aton would read as numbers: decimal, octal (leading 0) or hex (0x). */
    private static final Pattern NUMERIC_PART = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
    private static final Pattern CANONICAL_PART = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] NAT64_LOCAL_USE = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 1};
    private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private WebhookAddresses() {
    }

    /** How a host name becomes addresses: the system's resolver, or a test's. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    static final Resolver SYSTEM = InetAddress::getAllByName;

    /** One resolution of a host: the addresses an attempt may connect to, and the first that is not public. */
    record Resolution(List<InetAddress> addresses, Optional<InetAddress> firstNonPublic) {
    }

    /** Resolves {@code host} once (a URI's host: an IPv6 literal keeps its brackets). */
    static Resolution resolve(String host, Resolver resolver) throws UnknownHostException {
        List<InetAddress> addresses = List.of(resolver.resolve(host));
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return new Resolution(addresses, addresses.stream().filter(a -> !isPublic(a)).findFirst());
    }

    /**
     * Whether {@code host} is an IPv4 address spelled otherwise than as four decimal numbers from 0 to 255 without
     * leading zeros: octal ({@code 0177.0.0.1}), hex ({@code 0x7f.0.0.1}), one number ({@code 2130706433}), fewer parts
     * ({@code 127.1}) or a trailing dot. Some resolvers read these as the address they spell in C, others as decimal or
     * as a name.
     */
    static boolean isAmbiguousIpv4(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = name.split("\\.", -1);
        if (parts.length > 4 || !Arrays.stream(parts).allMatch(p -> NUMERIC_PART.matcher(p).matches())) {
            return false; // a name (or an IPv6 literal)
        }
        boolean canonical = parts.length == 4 && !host.endsWith(".")
                && Arrays.stream(parts).allMatch(p -> CANONICAL_PART.matcher(p).matches() && Integer.parseInt(p) <= 255);
        return !canonical;
    }

    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false; // 0.0.0.0 and ::, 127/8 and ::1, 169.254/16 and fe80::/10, 10/8 172.16/12 192.168/16, multicast
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return !(first == 0                                          // 0/8 "this network": reaches this host
                    || first == 100 && (second & 0xC0) == 64              // 100.64/10 carrier NAT (Alibaba's metadata)
                    || first == 192 && second == 0 && (b[2] & 0xFF) == 0 // 192.0.0/24 protocol assignments
                    || first == 198 && (second & 0xFE) == 18              // 198.18/15 benchmarking
                    || first >= 240);                                     // reserved, broadcast
        }
        if ((b[0] & 0xFE) == 0xFC) {
            return false; // fc00::/7 unique local (AWS's IPv6 metadata address fd00:ec2::254)
        }
        if (Arrays.equals(b, 0, 6, NAT64_LOCAL_USE, 0, 6)) {
            return false; // 64:ff9b:1::/48, NAT64 of a local network's own choosing (RFC 8215): never public
        }
        if (Arrays.equals(b, 0, 12, new byte[12], 0, 12)     // ::a.b.c.d (IPv4-compatible)
                || Arrays.equals(b, 0, 12, MAPPED, 0, 12)     // ::ffff:a.b.c.d (IPv4-mapped)
                || Arrays.equals(b, 0, 12, NAT64, 0, 12)) {   // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
            return isPublicIpv4(b, 12, false);
        }
        if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
            return isPublicIpv4(b, 2, false); // 2002:aabb:ccdd::/48, 6to4 of a.b.c.d
        }
        if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x01 && b[2] == 0 && b[3] == 0) {
            // 2001:0::/32 Teredo: the server's IPv4 in bytes 4-7, the client's inverted in 12-15
            return isPublicIpv4(b, 4, false) && isPublicIpv4(b, 12, true);
        }
        return true;
    }

    private static boolean isPublicIpv4(byte[] b, int from, boolean inverted) {
        byte[] v4 = Arrays.copyOfRange(b, from, from + 4);
        if (inverted) {
            for (int i = 0; i < 4; i++) {
                v4[i] = (byte) ~v4[i];
            }
        }
        try {
            return isPublic(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            return false; // four bytes are always an address
        }
    }

    /**
     * How logs name an endpoint: scheme, host and port only. Its path and query often carry the receiver's own
     * token (chat services put it in the path), and logs travel further than the catalog.
     */
    static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }
}
