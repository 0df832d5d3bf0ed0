package io.floatlb.core.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Optional;

/** An inclusive range of addresses of one family, written "first-last" or as a CIDR. */
public record AddressRange(InetAddress first, InetAddress last) {

    public AddressRange {
        if (first.getAddress().length != last.getAddress().length) {
            throw new IllegalArgumentException("mixes IPv4 and IPv6");
        }
        if (IpAddresses.toNumber(first).compareTo(IpAddresses.toNumber(last)) > 0) {
            throw new IllegalArgumentException("starts after it ends");
        }
    }

    /** Parses "a-b", "net/len" or a single address; the exception names what is wrong. */
    public static AddressRange parse(String text) {
        String s = text.trim();
        int dash = s.indexOf('-');
        if (dash > 0) {
            InetAddress a = literal(s.substring(0, dash), text);
            InetAddress b = literal(s.substring(dash + 1), text);
            try {
                return new AddressRange(a, b);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("range '" + text + "' " + e.getMessage());
            }
        }
        int slash = s.indexOf('/');
        if (slash > 0) {
            InetAddress base = literal(s.substring(0, slash), text);
            int bits = base.getAddress().length * 8;
            int prefix;
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("CIDR '" + text + "' needs a prefix length from 0 to " + bits);
            }
            BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
            BigInteger network = IpAddresses.toNumber(base).andNot(hostMask);
            int len = base.getAddress().length;
            return new AddressRange(IpAddresses.fromNumber(network, len), IpAddresses.fromNumber(network.or(hostMask), len));
        }
        InetAddress single = literal(s, text);
        return new AddressRange(single, single);
    }

    private static InetAddress literal(String part, String whole) {
        Optional<InetAddress> a = IpAddresses.parse(part);
        return a.orElseThrow(() -> new IllegalArgumentException(
                "'" + whole + "' is not an address range: write 'first-last' or a CIDR such as 198.18.0.0/24"));
    }

    public boolean contains(InetAddress address) {
        if (address.getAddress().length != first.getAddress().length) {
            return false;
        }
        BigInteger n = IpAddresses.toNumber(address);
        return n.compareTo(IpAddresses.toNumber(first)) >= 0 && n.compareTo(IpAddresses.toNumber(last)) <= 0;
    }

    /** The address {@code offset} places after {@code first}, or empty past the end. */
    public Optional<InetAddress> at(BigInteger offset) {
        BigInteger n = IpAddresses.toNumber(first).add(offset);
        if (n.compareTo(IpAddresses.toNumber(last)) > 0) {
            return Optional.empty();
        }
        return Optional.of(IpAddresses.fromNumber(n, first.getAddress().length));
    }

    public BigInteger size() {
        return IpAddresses.toNumber(last).subtract(IpAddresses.toNumber(first)).add(BigInteger.ONE);
    }

    @Override
    public String toString() {
        return IpAddresses.format(first) + "-" + IpAddresses.format(last);
    }
}
