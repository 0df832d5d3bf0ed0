package io.floatlb.core.config;

/** What two endpoints of one service on the same node mean: an error, a warning, or nothing (several pods per node by design). */
public enum AntiAffinity {
    REQUIRED,
    PREFERRED,
    NONE
}
