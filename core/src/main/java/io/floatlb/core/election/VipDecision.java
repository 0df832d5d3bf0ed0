package io.floatlb.core.election;

import java.util.List;
import java.util.Optional;

/**
 * What one node should do about one VIP, given what it knows: a pure function of the
 * current owner, which live nodes are eligible, and whether returning nodes take their
 * preferred VIPs back. Ownership is sticky by default: a node that comes back does not
 * move a VIP that is being served well elsewhere.
 */
public final class VipDecision {

    public enum Action {
        /** Own it and keep owning it. */
        HOLD,
        /** Give it up so that another node can take it. */
        RELEASE,
        /** Nobody owns it: try to take it after {@link Verdict#delayMillis()}. */
        ACQUIRE,
        /** Someone else owns it, or this node may not: do nothing. */
        STAND_BY
    }

    /** The action, and for ACQUIRE how long to wait first (more preferred nodes try sooner). */
    public record Verdict(Action action, long delayMillis) {}

    private VipDecision() {}

    /**
     * @param me this node
     * @param owner the current owner, if any
     * @param eligibleByPreference the live nodes that may own the VIP, most preferred first
     * @param failback whether a more preferred eligible node takes the VIP back from its owner
     * @param stepMillis how much later each less preferred node tries to acquire a free VIP
     */
    public static Verdict decide(String me, Optional<String> owner, List<String> eligibleByPreference,
                                 boolean failback, long stepMillis) {
        boolean eligible = eligibleByPreference.contains(me);
        if (owner.isPresent() && owner.get().equals(me)) {
            if (!eligible) {
                return new Verdict(Action.RELEASE, 0);
            }
            if (failback && !eligibleByPreference.get(0).equals(me)) {
                return new Verdict(Action.RELEASE, 0);
            }
            return new Verdict(Action.HOLD, 0);
        }
        if (owner.isPresent() || !eligible) {
            return new Verdict(Action.STAND_BY, 0);
        }
        return new Verdict(Action.ACQUIRE, eligibleByPreference.indexOf(me) * stepMillis);
    }
}
