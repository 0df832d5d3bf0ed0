package io.floatlb.core.config;

/** What two endpoints of one service on the same node mean: an error, or a warning. */
public enum AntiAffinity {
    REQUIRED,
    PREFERRED
}
