package io.floatlb.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.health.HealthState.Status;
import org.junit.jupiter.api.Test;

class HealthStateTest {
    private static final HealthState UP = new HealthState(Status.UP, 0);
    private static final HealthState DOWN = new HealthState(Status.DOWN, 0);

    @Test
    void anEndpointStartsUnknownNotUpAndItsFirstCheckDecides() {
        assertThat(HealthState.INITIAL.up()).isFalse();
        assertThat(HealthState.INITIAL.unknown()).isTrue();
        assertThat(HealthState.INITIAL.after(true, 2, 3)).isEqualTo(UP);
        assertThat(HealthState.INITIAL.after(false, 2, 3)).isEqualTo(DOWN);
    }

    @Test
    void fallConsecutiveFailuresTakeATargetDown() {
        HealthState s = UP.after(false, 2, 3).after(false, 2, 3);
        assertThat(s.up()).isTrue();
        assertThat(s.after(false, 2, 3).up()).isFalse();
    }

    @Test
    void aSuccessResetsTheFailureStreak() {
        HealthState s = UP.after(false, 2, 3).after(false, 2, 3).after(true, 2, 3);
        assertThat(s.after(false, 2, 3).after(false, 2, 3).up()).isTrue();
    }

    @Test
    void riseConsecutiveSuccessesBringItBack() {
        assertThat(DOWN.after(true, 2, 3).up()).isFalse();
        assertThat(DOWN.after(true, 2, 3).after(true, 2, 3).up()).isTrue();
        assertThat(DOWN.after(true, 2, 3).after(false, 2, 3).after(true, 2, 3).up()).isFalse();
    }
}
