package io.floatlb.failover.handover;

import io.floatlb.core.handover.NftRuleset;
import io.floatlb.failover.address.Commands;
import java.util.List;

/** The table written whole with {@code nft -f -}: an argument array, no shell, input built from validated values. */
final class NftCommand implements NftTable {
    private static final List<String> NFT = List.of("nft", "-f", "-");

    @Override
    public void apply(List<NftRuleset.Forward> forwards) {
        Commands.check(NFT, NftRuleset.render(forwards));
    }

    @Override
    public void remove() {
        try {
            Commands.run(NFT, NftRuleset.removal());
        } catch (IllegalStateException noNft) {
            // Without nft there is no table of ours either.
        }
    }
}
