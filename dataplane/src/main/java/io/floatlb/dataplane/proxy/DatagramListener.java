package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.net.HostPort;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The UDP sockets of one {@code VIP:port}: one per event loop, each with the flows of the
 * clients the kernel hashes to it. Kept across reloads that keep the port, with its flows.
 */
final class DatagramListener extends PortListener {
    /** A port whose clients sent nothing for this long no longer holds a stop back. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<DatagramFront> fronts = new CopyOnWriteArrayList<>();
    private volatile boolean admitting = true;

    DatagramListener(ServiceProxy service, HostPort address) {
        super(service, address, Protocol.UDP);
    }

    @Override
    void bind() {
        listening = service.transport().listenDatagram(address, true, () -> {
            DatagramFront front = new DatagramFront(this);
            fronts.add(front);
            return front;
        });
    }

    @Override
    void stopAdmitting() {
        admitting = false;
    }

    @Override
    boolean busy() {
        long now = System.nanoTime();
        return service.udp().flowsActive() > 0 && fronts.stream()
                .anyMatch(f -> f.lastDatagramNanos() != 0 && now - f.lastDatagramNanos() < QUIET_NANOS);
    }

    boolean admitting() {
        return admitting;
    }
}
