package io.floatlb.failover.membership;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import io.floatlb.core.election.MemberState;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The JSON a member keeps in its znode. A payload that does not parse is ignored, never trusted. */
public final class MemberCodec {

    private MemberCodec() {}

    public static byte[] encode(MemberState m) {
        Map<String, Object> services = new LinkedHashMap<>();
        m.services().forEach((name, c) -> services.put(name, Map.of("healthy", c.healthy(), "total", c.total())));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("node", m.node());
        root.put("config-digest", m.configDigest());
        root.put("services", services);
        root.put("draining", m.draining());
        return ConfigValueFactory.fromMap(root).render(ConfigRenderOptions.concise()).getBytes(StandardCharsets.UTF_8);
    }

    public static Optional<MemberState> decode(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        try {
            Config c = ConfigFactory.parseString(new String(data, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
            Map<String, MemberState.EndpointCount> services = new LinkedHashMap<>();
            Config s = c.getConfig("services");
            for (String name : s.root().keySet()) {
                Config e = s.getConfig("\"" + name + "\"");
                services.put(name, new MemberState.EndpointCount(e.getInt("healthy"), e.getInt("total")));
            }
            // Absent in what agents before the hand-over wrote: they never drain.
            boolean draining = c.hasPath("draining") && c.getBoolean("draining");
            return Optional.of(new MemberState(c.getString("node"), c.getString("config-digest"), services, draining));
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }
}
