package com.picpeak.gallery;

import com.picpeak.storage.EnvReader;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The proxies in front whose {@code X-Forwarded-For} is believed ({@code PICPEAK_TRUSTED_PROXIES}: addresses or
 * CIDR ranges, comma-separated). None by default: the client is the connection's peer, which in the serverless
 * shape is API Gateway's {@code requestContext.http.sourceIp}. Behind a proxy the operator runs (local mode behind
 * nginx), the peer is that proxy and every guest would share its address: naming it makes the client the last
 * address in {@code X-Forwarded-For} that is not a trusted proxy (what the proxies appended, not what the client
 * wrote in front of it).
 *
 * <p>Behind the stack's CloudFront every request comes from a CloudFront address, so the viewer is what CloudFront
 * says in {@code CloudFront-Viewer-Address} ({@code ip:port}), believed only when the request carries the origin
 * secret the distribution adds to every origin request ({@code PICPEAK_CDN_ORIGIN_SECRET}, generated at deploy):
 * a client that calls the API directly, with a header of its own making, is its own peer as before.
 */
public final class TrustedProxies {
    public static final String TRUSTED_PROXIES = "PICPEAK_TRUSTED_PROXIES";
    public static final String CDN_ORIGIN_SECRET = "PICPEAK_CDN_ORIGIN_SECRET";
    /** The header the distribution adds to every origin request, carrying the origin secret. */
    public static final String ORIGIN_SECRET_HEADER = "X-PicPeak-Origin-Secret";
    /** The viewer's address and port as CloudFront saw it (forwarded by the stack's origin request policies). */
    public static final String VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address";
    /** A generated secret is 48 letters and digits; anything shorter than this is a mistake, not a secret. */
    static final int MIN_SECRET_LENGTH = 32;
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), null);

    private final List<Range> ranges;
    private final byte[] originSecret;

    private TrustedProxies(List<Range> ranges, byte[] originSecret) {
        this.ranges = List.copyOf(ranges);
        this.originSecret = originSecret;
    }

    /** Reads {@code PICPEAK_TRUSTED_PROXIES}; each entry that is not an address or range is a problem. */
    public static TrustedProxies fromEnv(EnvReader env) {
        String secret = env.text(CDN_ORIGIN_SECRET);
        if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
            env.problem(CDN_ORIGIN_SECRET, "is " + secret.length() + " characters: at least " + MIN_SECRET_LENGTH
                    + " (the stack generates 48)");
            secret = null;
        }
        byte[] originSecret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        String value = env.text(TRUSTED_PROXIES);
        if (value == null) {
            return originSecret == null ? NONE : new TrustedProxies(List.of(), originSecret);
        }
        List<Range> ranges = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Range.parse(entry.strip()).ifPresentOrElse(ranges::add, () -> bad.add(entry.strip()));
        }
        if (!bad.isEmpty()) {
            env.problem(TRUSTED_PROXIES, "'" + String.join("', '", bad) + "' "
                    + (bad.size() == 1 ? "is not an IP address or CIDR range" : "are not IP addresses or CIDR ranges")
                    + " (e.g. 127.0.0.1,10.0.0.0/8,::1)");
        }
        return new TrustedProxies(ranges, originSecret);
    }

    /** Trusted proxies from their addresses or ranges (tests, tools). */
    public static TrustedProxies of(String... entries) {
        EnvReader env = new EnvReader(Map.of(TRUSTED_PROXIES, String.join(",", entries)));
        TrustedProxies proxies = fromEnv(env);
        env.throwIfAny();
        return proxies;
    }

    public boolean isEmpty() {
        return ranges.isEmpty() && originSecret == null;
    }

    /**
     * The client's address: CloudFront's {@code viewerAddress} when the request proved it came through the
     * distribution ({@code presentedSecret} is the origin secret), else as {@link #clientAddress(String, List)} says.
     */
    public String clientAddress(String peer, List<String> forwardedFor, String presentedSecret, String viewerAddress) {
        if (originSecret != null && presentedSecret != null && viewerAddress != null
                && MessageDigest.isEqual(originSecret, presentedSecret.getBytes(StandardCharsets.UTF_8))) {
            Optional<InetAddress> viewer = ClientAddresses.parse(withoutViewerPort(viewerAddress.strip()));
            if (viewer.isPresent()) {
                return viewer.get().getHostAddress();
            }
        }
        return clientAddress(peer, forwardedFor);
    }

    /** {@code 192.0.2.1:4711} or {@code 2001:db8::1:4711} (CloudFront writes IPv6 without brackets): the address. */
    private static String withoutViewerPort(String viewerAddress) {
        if (viewerAddress.startsWith("[")) {
            return withoutPort(viewerAddress);
        }
        int colon = viewerAddress.lastIndexOf(':');
        return colon > 0 ? viewerAddress.substring(0, colon) : viewerAddress;
    }

    public boolean trusts(String address) {
        return ClientAddresses.parse(address).map(this::trusts).orElse(false);
    }

    private boolean trusts(InetAddress address) {
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the peer, unless the peer is a trusted proxy; then the hops of {@code forwardedFor} (every
     * {@code X-Forwarded-For} header, in order) from the right, the first that is not a trusted proxy. An unreadable
     * hop ends the walk at the last address read.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (ranges.isEmpty() || forwardedFor == null || forwardedFor.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = ClientAddresses.parse(withoutPort(hops.get(i)));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get().getHostAddress();
            if (!trusts(hop.get())) {
                break;
            }
        }
        return client;
    }

    /** {@code 192.0.2.1:4711} and {@code [2001:db8::1]:4711} as some proxies write them: without the port. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[") && hop.contains("]")) {
            return hop.substring(1, hop.indexOf(']'));
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':') && hop.indexOf('.') > 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    @Override
    public String toString() {
        return ranges.stream().map(Range::text).toList() + (originSecret == null ? "" : " and the CDN's viewer address");
    }

    /** One address or CIDR range. */
    private record Range(byte[] network, int prefix, String text) {
        static Optional<Range> parse(String text) {
            int slash = text.indexOf('/');
            Optional<InetAddress> address = ClientAddresses.parse(slash < 0 ? text : text.substring(0, slash));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes = address.get().getAddress();
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                String bits = text.substring(slash + 1);
                if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > bytes.length * 8) {
                    return Optional.empty();
                }
                prefix = Integer.parseInt(bits);
            }
            return Optional.of(new Range(bytes, prefix, text));
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
