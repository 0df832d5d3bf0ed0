package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every metric the shipped Grafana dashboard queries is one a running agent exposes. */
@Timeout(60)
class DashboardMetricsTest {
    private static final Path DASHBOARD = Path.of("../conf/grafana-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("floatlb_[a-z_]+");

    @TempDir
    Path dir;

    @Test
    void everyQueriedMetricIsExposed() throws Exception {
        Set<String> queried = new TreeSet<>();
        expressions(ConfigFactory.parseString(Files.readString(DASHBOARD),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root(), queried);
        assertThat(queried).as("the dashboard queries floatlb's metrics").hasSizeGreaterThan(10);
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            String exposed = node.admin("GET", "/metrics").body();
            List<String> missing = new ArrayList<>();
            for (String m : queried) {
                if (!Pattern.compile("(?m)^" + m + "[{ ]").matcher(exposed).find()) {
                    missing.add(m);
                }
            }
            assertThat(missing).as("queried by the dashboard, absent from /metrics").isEmpty();
        }
    }

    /** Collects the metric names of every "expr" in the dashboard, however deep. */
    private static void expressions(ConfigValue v, Set<String> into) {
        if (v.valueType() == ConfigValueType.OBJECT) {
            ((com.typesafe.config.ConfigObject) v).forEach((k, child) -> {
                if (k.equals("expr") && child.valueType() == ConfigValueType.STRING) {
                    Matcher m = METRIC.matcher((String) child.unwrapped());
                    while (m.find()) {
                        into.add(m.group());
                    }
                } else {
                    expressions(child, into);
                }
            });
        } else if (v.valueType() == ConfigValueType.LIST) {
            ((com.typesafe.config.ConfigList) v).forEach(child -> expressions(child, into));
        }
    }
}
