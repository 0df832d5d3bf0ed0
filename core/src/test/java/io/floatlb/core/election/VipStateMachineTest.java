package io.floatlb.core.election;

import static io.floatlb.core.election.VipStateMachine.Effect.CREATE;
import static io.floatlb.core.election.VipStateMachine.Effect.DELETE;
import static io.floatlb.core.election.VipStateMachine.Effect.NOTIFY_ACQUIRED;
import static io.floatlb.core.election.VipStateMachine.Effect.NOTIFY_LOST;
import static io.floatlb.core.election.VipStateMachine.Effect.OFFER_FLOWS;
import static io.floatlb.core.election.VipStateMachine.State.ACQUIRING;
import static io.floatlb.core.election.VipStateMachine.State.OWNED;
import static io.floatlb.core.election.VipStateMachine.State.RELEASING;
import static io.floatlb.core.election.VipStateMachine.State.STANDBY;
import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.election.VipStateMachine.Effect;
import io.floatlb.core.election.VipStateMachine.Event;
import io.floatlb.core.election.VipStateMachine.State;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The whole transition table: every state with every event. */
class VipStateMachineTest {

    static Stream<Arguments> table() {
        return Stream.of(
                row(STANDBY, Event.ACQUIRE, ACQUIRING, CREATE),
                row(STANDBY, Event.CREATED, STANDBY),
                row(STANDBY, Event.CREATE_FAILED, STANDBY),
                row(STANDBY, Event.RELEASE, STANDBY),
                row(STANDBY, Event.DELETED, STANDBY),
                row(STANDBY, Event.LOST, STANDBY),

                row(ACQUIRING, Event.ACQUIRE, ACQUIRING),
                row(ACQUIRING, Event.CREATED, OWNED, NOTIFY_ACQUIRED),
                row(ACQUIRING, Event.CREATE_FAILED, STANDBY),
                row(ACQUIRING, Event.RELEASE, RELEASING, DELETE),
                row(ACQUIRING, Event.DELETED, ACQUIRING),
                row(ACQUIRING, Event.LOST, STANDBY),

                row(OWNED, Event.ACQUIRE, OWNED),
                row(OWNED, Event.CREATED, OWNED),
                row(OWNED, Event.CREATE_FAILED, OWNED),
                row(OWNED, Event.RELEASE, RELEASING, NOTIFY_LOST, OFFER_FLOWS, DELETE),
                row(OWNED, Event.DELETED, OWNED),
                row(OWNED, Event.LOST, STANDBY, NOTIFY_LOST),

                row(RELEASING, Event.ACQUIRE, RELEASING),
                row(RELEASING, Event.CREATED, RELEASING),
                row(RELEASING, Event.CREATE_FAILED, RELEASING),
                row(RELEASING, Event.RELEASE, RELEASING),
                row(RELEASING, Event.DELETED, STANDBY),
                row(RELEASING, Event.LOST, STANDBY));
    }

    private static Arguments row(State from, Event on, State to, Effect... effects) {
        return Arguments.of(from, on, to, List.of(effects));
    }

    @ParameterizedTest(name = "{0} + {1} -> {2} {3}")
    @MethodSource("table")
    void transition(State from, Event on, State to, List<Effect> effects) {
        assertThat(VipStateMachine.next(from, on)).isEqualTo(new VipStateMachine.Transition(to, effects));
    }

    @Test
    void theTableCoversEveryStateAndEvent() {
        List<String> covered = new ArrayList<>();
        table().forEach(a -> covered.add(a.get()[0] + "+" + a.get()[1]));
        for (State s : EnumSet.allOf(State.class)) {
            for (Event e : EnumSet.allOf(Event.class)) {
                assertThat(covered).contains(s + "+" + e);
            }
        }
    }

    @Test
    void leavingOwnedAlwaysFallsSilentBeforeAnythingIsDeleted() {
        for (Event e : Event.values()) {
            VipStateMachine.Transition t = VipStateMachine.next(OWNED, e);
            if (t.next() != OWNED) {
                assertThat(t.effects()).first().isEqualTo(NOTIFY_LOST);
            }
        }
    }

    /**
     * A planned release offers the VIP's flows before its znode is deleted, so a successor
     * that sees the VIP free also finds the offer; a loss (crash, session gone) offers nothing.
     */
    @Test
    void onlyAPlannedReleaseOffersFlowsAndAlwaysBeforeTheDelete() {
        for (State s : State.values()) {
            for (Event e : Event.values()) {
                List<Effect> effects = VipStateMachine.next(s, e).effects();
                if (effects.contains(OFFER_FLOWS)) {
                    assertThat(s).isEqualTo(OWNED);
                    assertThat(e).isEqualTo(Event.RELEASE);
                    assertThat(effects.indexOf(OFFER_FLOWS)).isLessThan(effects.indexOf(Effect.DELETE));
                }
            }
        }
        assertThat(VipStateMachine.next(OWNED, Event.LOST).effects()).doesNotContain(OFFER_FLOWS);
    }
}
