package io.floatlb.dataplane.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NettyPatchTest {
    @Test
    void theBuildsClassPathLoadsThePatchedNettyClasses() {
        assertTrue(NettyPatch.inUse(), "floatlb-netty-patch must come before Netty's jars (first dependency of dataplane)");
    }
}
