package io.floatlb.failover.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.failover.VipOwnership;
import io.floatlb.failover.address.AddressPlumbing;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The announcement's story without root: plumbing, responders per interface, bursts on takeover, reloads, close. */
class L2AnnouncementTest {
    private static final InetAddress VIP_A = GratuitousAnnouncerTest.ip("198.18.0.100");
    private static final InetAddress VIP_B = GratuitousAnnouncerTest.ip("198.18.0.101");

    private final FakeOwnership ownership = new FakeOwnership();
    private final FakeHost host = new FakeHost();
    private final GratuitousAnnouncerTest.ManualTimer timer = new GratuitousAnnouncerTest.ManualTimer();

    private static FloatlbConfig config(String bInterfaces) throws Exception {
        return ConfigLoader.parseString("""
                floatlb {
                  node.name = n1
                  address-pools { a.addresses = ["198.18.0.100/32"], b.addresses = ["198.18.0.101/32"] }
                  l2-advertisements {
                    on-a { address-pools = [a], interfaces = [eth7] }
                    on-b { address-pools = [b], interfaces = [%s] }
                  }
                  services {
                    a { address-pool = a, ports = [{ port = 80 }], endpoints = [{ address = "198.18.1.1", node = n1 }] }
                    b { address-pool = b, ports = [{ port = 80 }], endpoints = [{ address = "198.18.1.2", node = n1 }] }
                  }
                }
                """.formatted(bInterfaces), "l2.conf").config();
    }

    @Test
    void startPlumbsEveryVipOpensAResponderPerInterfaceAndAnnouncesWhatIsAlreadyOwned() throws Exception {
        ownership.owned.add(VIP_A);
        L2Announcement a = L2Announcement.start(config("eth8"), ownership, host, timer).orElseThrow();
        assertThat(host.plumbed).containsExactlyInAnyOrder(VIP_A, VIP_B);
        assertThat(a.responders()).extracting(Responder::interfaceName).containsExactlyInAnyOrder("eth7", "eth8");
        timer.runUntil(0);
        assertThat(host.responder("eth7").announced).containsExactly(VIP_A);
        assertThat(host.responder("eth8").announced).isEmpty();
    }

    @Test
    void aTakeoverIsAnnouncedUntilTheVipIsLost() throws Exception {
        L2Announcement.start(config("eth8"), ownership, host, timer).orElseThrow();
        ownership.acquire(VIP_B);
        timer.runUntil(50);
        assertThat(host.responder("eth8").announced).containsExactly(VIP_B, VIP_B);
        ownership.lose(VIP_B);
        timer.runUntil(10_000);
        assertThat(host.responder("eth8").announced).hasSize(2);
    }

    @Test
    void aReloadReopensOnlyTheInterfacesWhoseVipsChangedAndCloseUndoesEverything() throws Exception {
        L2Announcement a = L2Announcement.start(config("eth8"), ownership, host, timer).orElseThrow();
        GratuitousAnnouncerTest.RecordingResponder eth7 = host.responder("eth7");
        GratuitousAnnouncerTest.RecordingResponder eth8 = host.responder("eth8");
        a.update(config("eth9"), Set.of());
        assertThat(a.responders()).extracting(Responder::interfaceName).containsExactlyInAnyOrder("eth7", "eth9");
        assertThat(a.responders()).contains(eth7);
        assertThat(eth8.closed).isTrue();
        assertThat(host.interfaces).containsExactlyInAnyOrder("eth7", "eth9");

        a.close();
        assertThat(ownership.listeners).as("unsubscribed").isEmpty();
        assertThat(a.responders()).allSatisfy(r -> assertThat(((GratuitousAnnouncerTest.RecordingResponder) r).closed).isTrue());
        assertThat(host.plumbingClosed).isTrue();
    }

    /** A reload that removes a VIP keeps its address while connections to it are still served here. */
    @Test
    void aRemovedVipKeepsItsAddressWhileItsConnectionsLast() throws Exception {
        FloatlbConfig onlyA = ConfigLoader.parseString("""
                floatlb {
                  node.name = n1
                  address-pools.a.addresses = ["198.18.0.100/32"]
                  l2-advertisements.on-a { address-pools = [a], interfaces = [eth7] }
                  services.a { address-pool = a, ports = [{ port = 80 }], endpoints = [{ address = "198.18.1.1", node = n1 }] }
                }
                """, "a.conf").config();
        L2Announcement a = L2Announcement.start(config("eth8"), ownership, host, timer).orElseThrow();
        a.update(onlyA, Set.of(VIP_B, GratuitousAnnouncerTest.ip("198.18.0.199")));
        assertThat(host.plumbed).as("B kept; an address never plumbed is not added").containsExactly(VIP_A, VIP_B);
        assertThat(a.responders()).extracting(Responder::interfaceName).containsExactly("eth7");
        a.update(onlyA, Set.of());
        assertThat(host.plumbed).containsExactly(VIP_A);
    }

    @Test
    void nothingIsAnnouncedForVipsNoAdvertisementCovers() throws Exception {
        FloatlbConfig loopbackOnly = ConfigLoader.parseString("""
                floatlb { node.name = n1, services.a { vip = "127.0.0.10", ports = [{ port = 80 }],
                  endpoints = [{ address = "127.0.0.11", node = n1 }] } }
                """, "lo.conf").config();
        assertThat(L2Announcement.start(loopbackOnly, ownership, host, timer)).isEmpty();
        assertThat(host.plumbed).as("no interface touched").isEmpty();
    }

    /** Records what would be done to the host. */
    private static final class FakeHost implements L2Announcement.Host {
        final List<InetAddress> plumbed = new ArrayList<>();
        final List<String> interfaces = new ArrayList<>();
        final List<GratuitousAnnouncerTest.RecordingResponder> opened = new ArrayList<>();
        boolean plumbingClosed;

        @Override
        public AddressPlumbing plumb(List<InetAddress> vips, List<String> itfs) {
            update(vips, itfs);
            return new AddressPlumbing() {
                @Override
                public void update(List<InetAddress> vips, List<String> itfs) {
                    FakeHost.this.update(vips, itfs);
                }

                @Override
                public void close() {
                    plumbingClosed = true;
                }
            };
        }

        private void update(List<InetAddress> vips, List<String> itfs) {
            plumbed.clear();
            plumbed.addAll(vips);
            interfaces.clear();
            interfaces.addAll(itfs);
        }

        @Override
        public Responder open(String itf, Set<InetAddress> vips, Predicate<InetAddress> owned) {
            AtomicBoolean always = new AtomicBoolean(true);
            GratuitousAnnouncerTest.RecordingResponder r = new GratuitousAnnouncerTest.RecordingResponder(itf, vips, always) {
                @Override
                public void announce(InetAddress vip) {
                    if (owned.test(vip)) {
                        super.announce(vip);
                    }
                }
            };
            opened.add(r);
            return r;
        }

        GratuitousAnnouncerTest.RecordingResponder responder(String itf) {
            return opened.stream().filter(r -> r.itf.equals(itf)).reduce((a, b) -> b).orElseThrow();
        }
    }

    /** An election that the test decides. */
    private static final class FakeOwnership implements VipOwnership {
        final Set<InetAddress> owned = ConcurrentHashMap.newKeySet();
        final List<Listener> listeners = new CopyOnWriteArrayList<>();

        void acquire(InetAddress vip) {
            owned.add(vip);
            listeners.forEach(l -> l.onAcquired(vip));
        }

        void lose(InetAddress vip) {
            owned.remove(vip);
            listeners.forEach(l -> l.onLost(vip));
        }

        @Override
        public Optional<String> owner(InetAddress vip) {
            return owned.contains(vip) ? Optional.of("n1") : Optional.empty();
        }

        @Override
        public boolean ownedHere(InetAddress vip) {
            return owned.contains(vip);
        }

        @Override
        public Runnable subscribe(Listener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
        }
    }
}
