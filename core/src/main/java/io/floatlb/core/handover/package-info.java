/**
 * The planned hand-over as data: a client flow, the offer an old owner publishes for a VIP
 * (its flows and where to forward them), and the {@code nftables} ruleset a successor
 * installs to forward those flows. Pure: no I/O.
 */
package io.floatlb.core.handover;
