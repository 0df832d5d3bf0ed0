package io.floatlb.failover.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ContactLeaseTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ContactLease lease = new ContactLease(TimeUnit.MILLISECONDS.toNanos(900), now::get);

    private void advanceMillis(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void validForTwoThirdsOfASessionAfterTheLastConfirmedRequestWasSent() {
        lease.connected(true);
        assertThat(lease.valid()).as("nothing confirmed yet").isFalse();
        long sent = now.get();
        advanceMillis(100);
        lease.confirmed(sent);
        assertThat(lease.valid()).isTrue();
        advanceMillis(490);
        assertThat(lease.valid()).isTrue();
        advanceMillis(20);
        assertThat(lease.valid()).as("600 ms after the request was sent").isFalse();
    }

    @Test
    void aPauseLongerThanTheLeaseLeavesItInvalidOnResume() {
        lease.connected(true);
        lease.confirmed(now.get());
        advanceMillis(5_000); // SIGSTOP, long GC: the session may have expired meanwhile
        assertThat(lease.valid()).isFalse();
    }

    @Test
    void aSuspendedConnectionEndsTheLeaseAtOnce() {
        lease.connected(true);
        lease.confirmed(now.get());
        lease.connected(false);
        assertThat(lease.valid()).isFalse();
    }

    @Test
    void anOldConfirmationNeverShortensTheLease() {
        lease.connected(true);
        long early = now.get();
        advanceMillis(300);
        lease.confirmed(now.get());
        lease.confirmed(early);
        advanceMillis(500);
        assertThat(lease.valid()).isTrue();
    }

    @Test
    void aShorterGrantedSessionShortensTheLease() {
        lease.connected(true);
        lease.granted(TimeUnit.MILLISECONDS.toNanos(300)); // asked 900 ms, the server capped it
        lease.confirmed(now.get());
        advanceMillis(190);
        assertThat(lease.valid()).isTrue();
        advanceMillis(20);
        assertThat(lease.valid()).as("two thirds of the granted 300 ms have passed").isFalse();
    }
}
