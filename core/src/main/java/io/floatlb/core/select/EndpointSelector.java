package io.floatlb.core.select;

import io.floatlb.core.config.Balance;
import java.net.InetAddress;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Picks the target for a new connection among usable candidates. A retry after a failed
 * connect asks again with the failed targets removed, so every strategy also defines the
 * order of fallbacks.
 */
public interface EndpointSelector {

    /** @param candidates non-empty; @param active open connections per target, for least-connections */
    Target pick(List<Target> candidates, InetAddress client, ToIntFunction<Target> active);

    static EndpointSelector of(Balance balance) {
        return switch (balance) {
            case ROUND_ROBIN -> new RoundRobinSelector();
            case LEAST_CONNECTIONS -> new LeastConnectionsSelector();
            case SOURCE_HASH -> new SourceHashSelector();
        };
    }
}
