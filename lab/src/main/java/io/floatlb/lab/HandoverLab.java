package io.floatlb.lab;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The planned-restart comparison: floatlb's hand-over against keepalived moving the same VIP. */
public final class HandoverLab {

    private HandoverLab() {}

    /** Whether {@code nft} runs here (the hand-over's forwarding needs it). */
    public static boolean nftHere() {
        try {
            Process p = new ProcessBuilder("nft", "--version").redirectErrorStream(true).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
