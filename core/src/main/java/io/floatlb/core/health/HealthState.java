package io.floatlb.core.health;

/**
 * An endpoint's health as HAProxy counts it: {@code fall} failed checks in a row take an
 * UP target down, {@code rise} successes in a row bring a DOWN one back. A target starts
 * UP, so a freshly started node serves at once; a dead one is found by its first connect
 * failures and by {@code fall} checks.
 */
public record HealthState(boolean up, int streak) {

    public static final HealthState INITIAL = new HealthState(true, 0);

    /** The state after one check (or one passive observation) with this outcome. */
    public HealthState after(boolean success, int rise, int fall) {
        if (success == up) {
            return new HealthState(up, 0);
        }
        int run = streak + 1;
        int needed = up ? fall : rise;
        return run >= needed ? new HealthState(!up, 0) : new HealthState(up, run);
    }
}
