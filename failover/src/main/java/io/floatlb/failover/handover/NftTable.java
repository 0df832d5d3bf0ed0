package io.floatlb.failover.handover;

import io.floatlb.core.handover.NftRuleset;
import io.floatlb.failover.address.Commands;
import java.util.List;

/** floatlb's own {@code nftables} table, written whole with {@code nft -f -} (no shell, validated input). */
public final class NftTable {
    private static final List<String> NFT = List.of("nft", "-f", "-");

    /** Makes the table exactly {@code forwards}; fails with nft's first line. */
    public void apply(List<NftRuleset.Forward> forwards) {
        Commands.check(NFT, NftRuleset.render(forwards));
    }

    /** Removes the table (left behind by a crash, or at stop); quiet when there is none or no nft. */
    public void remove() {
        try {
            Commands.run(NFT, NftRuleset.removal());
        } catch (IllegalStateException noNft) {
            // Without nft there is no table of ours either.
        }
    }
}
