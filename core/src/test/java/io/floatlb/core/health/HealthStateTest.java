package io.floatlb.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthStateTest {

    @Test
    void fallConsecutiveFailuresTakeATargetDown() {
        HealthState s = HealthState.INITIAL.after(false, 2, 3).after(false, 2, 3);
        assertThat(s.up()).isTrue();
        assertThat(s.after(false, 2, 3).up()).isFalse();
    }

    @Test
    void aSuccessResetsTheFailureStreak() {
        HealthState s = HealthState.INITIAL.after(false, 2, 3).after(false, 2, 3).after(true, 2, 3);
        assertThat(s.after(false, 2, 3).after(false, 2, 3).up()).isTrue();
    }

    @Test
    void riseConsecutiveSuccessesBringItBack() {
        HealthState down = new HealthState(false, 0);
        assertThat(down.after(true, 2, 3).up()).isFalse();
        assertThat(down.after(true, 2, 3).after(true, 2, 3).up()).isTrue();
        assertThat(down.after(true, 2, 3).after(false, 2, 3).after(true, 2, 3).up()).isFalse();
    }
}
