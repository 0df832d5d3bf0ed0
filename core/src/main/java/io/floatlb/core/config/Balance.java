package io.floatlb.core.config;

/** How a new connection picks among the usable endpoints. */
public enum Balance {
    ROUND_ROBIN,
    LEAST_CONNECTIONS,
    SOURCE_HASH
}
