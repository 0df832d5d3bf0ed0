package io.floatlb.core.net;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.regex.Pattern;

/** Parses IP literals without ever touching DNS: a typo must be an error, not a lookup. */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpAddresses() {}

    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        boolean literal = IPV4.matcher(s).matches() || (s.contains(":") && IPV6.matcher(s).matches());
        if (!literal) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * Why an address can never be a VIP, if it cannot: no client can reach a service at the
     * unspecified, broadcast or a multicast address, and binding one listens on something else.
     */
    public static Optional<String> whyNotAVip(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (a instanceof java.net.Inet4Address && toNumber(a).equals(BigInteger.valueOf(0xFFFFFFFFL))) {
            return Optional.of("the broadcast address");
        }
        return Optional.empty();
    }

    /** Addresses that mark the edges of what {@link #whyNotAVip} refuses, to test whole ranges against. */
    public static final List<InetAddress> NOT_VIPS = Stream.of("0.0.0.0", "224.0.0.0", "239.255.255.255",
            "255.255.255.255", "::", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
            .map(t -> parse(t).orElseThrow()).toList();

    public static BigInteger toNumber(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    public static InetAddress fromNumber(BigInteger value, int byteLength) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[byteLength];
        int copy = Math.min(raw.length, byteLength);
        System.arraycopy(raw, raw.length - copy, out, byteLength - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + byteLength, e);
        }
    }

    /** The form operators write: no leading slash, IPv6 in the canonical text form of RFC 5952. */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups (the first, on a tie) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
