package io.floatlb.failover.handover;

import io.floatlb.core.handover.NftRuleset;
import java.util.List;

/** floatlb's own {@code nftables} table, as the successor writes it. */
interface NftTable {

    /** Makes the table exactly {@code forwards} (none: no table); fails with one line saying why. */
    void apply(List<NftRuleset.Forward> forwards);

    /** Removes the table (left behind by a crash, or at stop); quiet when there is none or no nft. */
    void remove();
}
