package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ProxyProtocol;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** The PROXY protocol header that tells a backend who the client was and which VIP it reached. */
final class ProxyHeader {

    private ProxyHeader() {}

    static HAProxyMessage of(ProxyProtocol version, InetSocketAddress client, InetSocketAddress vip) {
        HAProxyProtocolVersion v = version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        boolean clientV4 = client.getAddress() instanceof Inet4Address;
        boolean vipV4 = vip.getAddress() instanceof Inet4Address;
        if (clientV4 != vipV4) {
            // The header cannot carry mixed families; say so rather than invent an address.
            return v == HAProxyProtocolVersion.V1
                    ? new HAProxyMessage(v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0)
                    : new HAProxyMessage(v, HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
        }
        return new HAProxyMessage(v, HAProxyCommand.PROXY,
                clientV4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                client.getAddress().getHostAddress(), vip.getAddress().getHostAddress(),
                client.getPort(), vip.getPort());
    }
}
