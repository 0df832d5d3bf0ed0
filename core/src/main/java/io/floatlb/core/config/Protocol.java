package io.floatlb.core.config;

/** The transport protocol of a service port, as a Kubernetes Service port's {@code protocol}. */
public enum Protocol { TCP, UDP }
