package io.floatlb.core.config;

/** A port the VIP listens on: one socket each, so TCP 53 and UDP 53 are two. */
public record VipPort(int port, Protocol protocol) {

    @Override
    public String toString() {
        return port + "/" + protocol;
    }
}
