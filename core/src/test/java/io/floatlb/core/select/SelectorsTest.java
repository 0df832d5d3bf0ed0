package io.floatlb.core.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.config.Balance;
import io.floatlb.core.config.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SelectorsTest {
    private static final InetAddress CLIENT = address("198.18.9.9");

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Target target(int i, int weight) {
        return new Target(new Endpoint(address("198.18.1." + i), "node" + (i % 2), weight), 8080, Protocol.TCP);
    }

    private static List<Target> targets(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> target(i, 1)).toList();
    }

    @Test
    void roundRobinVisitsEveryTargetInTurnAndHonoursWeights() {
        EndpointSelector rr = EndpointSelector.of(Balance.ROUND_ROBIN);
        List<Target> three = targets(3);
        List<Target> picked = IntStream.range(0, 6).mapToObj(i -> rr.pick(three, CLIENT, t -> 0)).toList();
        assertThat(picked).containsExactly(three.get(0), three.get(1), three.get(2), three.get(0), three.get(1), three.get(2));

        List<Target> weighted = List.of(target(1, 3), target(2, 1));
        Map<Target, Integer> counts = new HashMap<>();
        IntStream.range(0, 400).forEach(i -> counts.merge(rr.pick(weighted, CLIENT, t -> 0), 1, Integer::sum));
        assertThat(counts).containsEntry(weighted.get(0), 300).containsEntry(weighted.get(1), 100);
    }

    @Test
    void leastConnectionsPrefersTheLeastLoadedPerWeight() {
        EndpointSelector lc = EndpointSelector.of(Balance.LEAST_CONNECTIONS);
        List<Target> ts = List.of(target(1, 1), target(2, 1), target(3, 4));
        Map<Target, Integer> active = Map.of(ts.get(0), 5, ts.get(1), 2, ts.get(2), 12);
        assertThat(lc.pick(ts, CLIENT, active::get)).isEqualTo(ts.get(1));
        Map<Target, Integer> heavier = Map.of(ts.get(0), 5, ts.get(1), 4, ts.get(2), 12);
        assertThat(lc.pick(ts, CLIENT, heavier::get)).isEqualTo(ts.get(2));
    }

    @Test
    void leastConnectionsSpreadsTiesInsteadOfPilingOnTheFirst() {
        EndpointSelector lc = EndpointSelector.of(Balance.LEAST_CONNECTIONS);
        List<Target> ts = targets(4);
        long distinct = IntStream.range(0, 4).mapToObj(i -> lc.pick(ts, CLIENT, t -> 0)).distinct().count();
        assertThat(distinct).isEqualTo(4);
    }

    @Test
    void sourceHashIsStablePerClientAndSpreadsClients() {
        EndpointSelector sh = EndpointSelector.of(Balance.SOURCE_HASH);
        List<Target> ts = targets(4);
        List<Target> reversed = new ArrayList<>(ts);
        Collections.reverse(reversed);
        assertThat(sh.pick(ts, CLIENT, t -> 0)).isEqualTo(sh.pick(reversed, CLIENT, t -> 0));
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(sh.pick(ts, clientNumber(i), t -> 0), 1, Integer::sum);
        }
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
    }

    @Test
    void removingOneOfNTargetsRemapsOnlyItsOwnClients() {
        EndpointSelector sh = EndpointSelector.of(Balance.SOURCE_HASH);
        List<Target> ten = targets(10);
        Target removed = ten.get(3);
        List<Target> nine = ten.stream().filter(t -> !t.equals(removed)).toList();
        int clients = 10_000;
        int moved = 0;
        for (int i = 0; i < clients; i++) {
            InetAddress c = clientNumber(i);
            Target before = sh.pick(ten, c, t -> 0);
            Target after = sh.pick(nine, c, t -> 0);
            if (!before.equals(after)) {
                moved++;
                assertThat(before).as("only clients of the removed target move").isEqualTo(removed);
            }
        }
        assertThat((double) moved / clients).isBetween(0.07, 0.13);
    }

    private static InetAddress clientNumber(int i) {
        return address("198.18." + (100 + i / 250) + "." + (i % 250));
    }
}
