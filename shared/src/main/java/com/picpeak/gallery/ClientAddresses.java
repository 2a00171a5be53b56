package com.picpeak.gallery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Client addresses as the password throttle and the image rate limit know them. Only IP literals are read:
 * nothing here ever looks a name up.
 */
public final class ClientAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private ClientAddresses() {
    }

    /** The address {@code text} spells (IPv4, or IPv6 with or without brackets), or empty for anything else. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String literal = text.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            return Optional.empty(); // a name (or garbage): InetAddress would look a name up
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The network that stands for one client: an IPv4 address itself, an IPv6 address its /64 (what one
     * subscriber is given, so a new address from it is the same client); anything unreadable as it is.
     */
    public static String network(String address) {
        Optional<InetAddress> parsed = parse(address);
        if (parsed.isEmpty()) {
            return address == null ? "" : address.strip();
        }
        InetAddress ip = parsed.get();
        if (!(ip instanceof Inet6Address)) {
            return ip.getHostAddress();
        }
        byte[] bytes = ip.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }
}
