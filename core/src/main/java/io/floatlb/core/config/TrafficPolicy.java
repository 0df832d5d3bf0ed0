package io.floatlb.core.config;

/** Which endpoints a node may forward to, as Kubernetes' externalTrafficPolicy. */
public enum TrafficPolicy {
    /** Only endpoints on this node; the client address survives (via PROXY protocol). */
    LOCAL,
    /** Healthy endpoints on any node. */
    CLUSTER
}
