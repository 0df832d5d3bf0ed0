package io.floatlb.core.election;

import java.util.List;

/**
 * One node's relation to one VIP, as an explicit state machine: {@code STANDBY → ACQUIRING
 * → OWNED → RELEASING → STANDBY}. {@link #next} is the only transition function; it is
 * pure, and the election carries out the effects it names. Two rules make it safe:
 * a node announces only in OWNED (and only while its lease holds), and leaving OWNED
 * always says {@link Effect#NOTIFY_LOST} before anything is deleted, so this node falls
 * silent before a successor can win.
 */
public final class VipStateMachine {

    public enum State {
        /** Not ours, and not trying. */
        STANDBY,
        /** Our create of the VIP's znode is in flight, or landed and the old owner's flows are being taken over. */
        ACQUIRING,
        /** The znode is ours: this node answers for the VIP (while its lease holds). */
        OWNED,
        /** Silent already; our delete of the znode is in flight. */
        RELEASING
    }

    public enum Event {
        /** The decision says: take it (a free VIP this node may own). */
        ACQUIRE,
        /** Our create succeeded. */
        CREATED,
        /** Our create failed: another node was first, or ZooKeeper said no. */
        CREATE_FAILED,
        /** The decision says: give it up (hand-over, no longer eligible or configured, shutting down). */
        RELEASE,
        /** Our delete finished, or there was nothing of ours to delete. */
        DELETED,
        /** The znode is no longer ours without our doing: session lost, node removed. */
        LOST
    }

    public enum Effect {
        /** Create the VIP's ephemeral znode. */
        CREATE,
        /** Delete the VIP's znode if it is still this session's. */
        DELETE,
        /** Tell subscribers this node owns the VIP now (announce it). */
        NOTIFY_ACQUIRED,
        /** Tell subscribers this node no longer owns the VIP (fall silent). */
        NOTIFY_LOST,
        /** Publish the VIP's established flows for the successor (a planned release only). */
        OFFER_FLOWS
    }

    /** The next state and the effects to carry out, in order. */
    public record Transition(State next, List<Effect> effects) {
        public Transition {
            effects = List.copyOf(effects);
        }

        static Transition to(State next, Effect... effects) {
            return new Transition(next, List.of(effects));
        }
    }

    private VipStateMachine() {}

    public static Transition next(State state, Event event) {
        return switch (state) {
            case STANDBY -> event == Event.ACQUIRE ? Transition.to(State.ACQUIRING, Effect.CREATE) : Transition.to(State.STANDBY);
            case ACQUIRING -> switch (event) {
                case CREATED -> Transition.to(State.OWNED, Effect.NOTIFY_ACQUIRED);
                case CREATE_FAILED, LOST -> Transition.to(State.STANDBY);
                // The create may still land: a delete sent after it on the same session removes it.
                case RELEASE -> Transition.to(State.RELEASING, Effect.DELETE);
                case ACQUIRE, DELETED -> Transition.to(State.ACQUIRING);
            };
            case OWNED -> switch (event) {
                // The offer goes out before the delete on the same session, so whoever sees the
                // VIP free finds the offer too.
                case RELEASE -> Transition.to(State.RELEASING, Effect.NOTIFY_LOST, Effect.OFFER_FLOWS, Effect.DELETE);
                case LOST -> Transition.to(State.STANDBY, Effect.NOTIFY_LOST);
                case ACQUIRE, CREATED, CREATE_FAILED, DELETED -> Transition.to(State.OWNED);
            };
            case RELEASING -> switch (event) {
                case DELETED, LOST -> Transition.to(State.STANDBY);
                // Finish giving it up first; the next decision may take it again.
                case ACQUIRE, CREATED, CREATE_FAILED, RELEASE -> Transition.to(State.RELEASING);
            };
        };
    }
}
