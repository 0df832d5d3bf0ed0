package io.floatlb.failover.announce;

import java.util.Optional;

/** The question in a frame, or why there is none worth answering: parsing is total. */
public record Parsed(Optional<Solicitation> solicitation, DropReason drop) {

    static Parsed of(Solicitation s) {
        return new Parsed(Optional.of(s), null);
    }

    static Parsed drop(DropReason r) {
        return new Parsed(Optional.empty(), r);
    }
}
