package io.floatlb.core.health;

/**
 * An endpoint's health as HAProxy counts it: {@code fall} failed checks in a row take an
 * UP target down, {@code rise} successes in a row bring a DOWN one back. A target starts
 * UNKNOWN and its first check decides, so a node never claims a VIP on the strength of
 * endpoints nobody has checked (the cost: a fresh node waits for its first check).
 */
public record HealthState(Status status, int streak) {

    public enum Status { UNKNOWN, UP, DOWN }

    public static final HealthState INITIAL = new HealthState(Status.UNKNOWN, 0);

    public boolean up() {
        return status == Status.UP;
    }

    public boolean unknown() {
        return status == Status.UNKNOWN;
    }

    /** The state after one check (or one passive observation) with this outcome. */
    public HealthState after(boolean success, int rise, int fall) {
        if (status == Status.UNKNOWN) {
            return new HealthState(success ? Status.UP : Status.DOWN, 0);
        }
        if (success == up()) {
            return new HealthState(status, 0);
        }
        int run = streak + 1;
        int needed = up() ? fall : rise;
        if (run < needed) {
            return new HealthState(status, run);
        }
        return new HealthState(up() ? Status.DOWN : Status.UP, 0);
    }
}
