package com.picpeak.notify;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where webhooks do not go unless {@value WebhookSettings#ALLOW_PRIVATE}{@code =true}: addresses of this machine and
 * of the networks around it. Whoever registers an endpoint chooses where this server POSTs; to 169.254.169.254 it
 * would reach the cloud's metadata service (and its credentials), to 127.0.0.1 or 10.x services never meant to be
 * reached from outside. The host is resolved at registration and again before every attempt (a name can change
 * what it resolves to); every address it resolves to must be public.
 */
final class WebhookAddresses {
    private WebhookAddresses() {
    }

    /** The first address {@code host} resolves to that is not public, if any. */
    static Optional<InetAddress> firstNonPublic(String host) throws UnknownHostException {
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (!isPublic(address)) {
                return Optional.of(address);
            }
        }
        return Optional.empty();
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
        boolean compatible = Arrays.equals(b, 0, 12, new byte[12], 0, 12);          // ::a.b.c.d
        boolean nat64 = Arrays.equals(b, 0, 12, new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 12);
        if (compatible || nat64) {
            try {
                return isPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
            } catch (UnknownHostException e) {
                return false; // four bytes are always an address
            }
        }
        return true;
    }

    /**
     * How logs name an endpoint: scheme, host and port only. Its path and query often carry the receiver's own
     * token (chat services put it in the path), and logs travel further than the catalog.
     */
    static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }
}
