package io.floatlb.core.config;

/** A port the VIP listens on and the port of the endpoints it forwards to. */
public record PortMapping(int port, int targetPort) {}
