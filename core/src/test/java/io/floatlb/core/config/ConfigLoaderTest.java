package io.floatlb.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void theShippedExampleIsValidAndMeansTheSeedScenario() throws Exception {
        ValidatedConfig v = ConfigLoader.load(Path.of("../conf/floatlb.conf"));
        FloatlbConfig c = v.config();
        assertThat(c.nodeName()).isEqualTo("node1");
        ServiceConfig echo = c.service("echo-service").orElseThrow();
        assertThat(echo.vip()).isEqualTo(InetAddress.getByName("198.18.0.100"));
        assertThat(echo.ports()).containsExactly(PortMapping.tcp(80, 8080));
        assertThat(echo.trafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
        assertThat(echo.endpoints()).hasSize(4);
        assertThat(echo.healthCheck().kind()).isEqualTo(HealthCheck.Kind.HTTP);
        assertThat(c.announceInterfaces(echo.vip())).containsExactly("eth0");
        assertThat(echo.proxyProtocol()).as("safe in front of any server").isEqualTo(ProxyProtocol.OFF);
        assertThat(v.warnings()).as("an example to copy gives no warning").isEmpty();
    }

    @Test
    void twoEndpointsOnOneNodeAreAWarningUnlessAntiAffinityIsNone() throws Exception {
        String conf = """
                floatlb { node.name = n1
                  services.web { vip = "127.0.0.10", ports = [{ port = 80 }], anti-affinity = %s,
                    endpoints = [{ address = "127.0.0.11", node = n1 }, { address = "127.0.0.12", node = n1 }] } }
                """;
        assertThat(ConfigLoader.parseString(conf.formatted("preferred"), "a.conf").warnings()).extracting(ConfigProblem::message)
                .anyMatch(m -> m.contains("shares node 'n1'") && m.contains("anti-affinity = none"));
        assertThat(ConfigLoader.parseString(conf.formatted("none"), "a.conf").warnings()).isEmpty();
    }

    @Test
    void objectsNestedThousandsDeepAreOneErrorNotAStackOverflow() {
        String hocon = "floatlb { node.name = n1, x = " + "{ a = ".repeat(5_000) + "1" + " }".repeat(5_000) + " }";
        assertThatThrownBy(() -> ConfigLoader.parseString(hocon, "deep.conf"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).toString()).startsWith("deep.conf:1: ").contains("nested too deeply");
                });
    }

    @Test
    void aFloodOfMistakesIsCutToTheFirstHundredAndACount() {
        StringBuilder hocon = new StringBuilder("floatlb {\n  node.name = n1\n");
        for (int i = 0; i < 20_000; i++) {
            hocon.append("  bogus").append(i).append(" = 1\n");
        }
        hocon.append("}\n");
        assertThatThrownBy(() -> ConfigLoader.parseString(hocon.toString(), "flood.conf"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.errors()).hasSize(Problems.MAX_REPORTED + 1);
                    assertThat(e.errors().get(Problems.MAX_REPORTED).message())
                            .contains("and 19900 more problems", "fix these first");
                });
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String hocon = """
                floatlb {
                  node.name = n1
                  services.a { vip = "127.0.0.300", ports = [{ port = 0 }], balance = fastest }
                  services.b { vip = "127.0.0.11", ports = [{ port = 80 }], retries = -1 }
                }
                """;
        assertThatThrownBy(() -> ConfigLoader.parseString(hocon, "inline.conf"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigProblem::toString)
                        .hasSize(4)
                        .allMatch(s -> s.startsWith("inline.conf:3: ") || s.startsWith("inline.conf:4: ")));
    }

    @Test
    void defaultsFollowTheReference() throws Exception {
        FloatlbConfig c = ConfigLoader.parseString("""
                floatlb {
                  node.name = n1
                  services.web { vip = "127.0.0.10", ports = [{ port = 8080 }],
                                 endpoints = [{ address = "127.0.0.1", node = n1 }] }
                }
                """, "inline.conf").config();
        ServiceConfig web = c.services().get(0);
        assertThat(c.coordination().embedded()).isTrue();
        assertThat(c.coordination().sessionTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.coordination().failback()).isFalse();
        assertThat(c.coordination().handover()).isTrue();
        assertThat(c.adminListen().toString()).isEqualTo("127.0.0.1:9180");
        assertThat(web.ports()).containsExactly(PortMapping.tcp(8080, 8080));
        assertThat(web.trafficPolicy()).isEqualTo(TrafficPolicy.CLUSTER);
        assertThat(web.balance()).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(web.healthCheck()).isEqualTo(HealthCheck.DEFAULT);
        assertThat(web.limits()).isEqualTo(ProxyLimits.DEFAULT);
        assertThat(web.udp()).isEqualTo(UdpLimits.DEFAULT);
        assertThat(c.announceInterfaces(web.vip())).isEmpty();
    }

    @Test
    void oneServiceMayCarryAPortOverTcpAndUdpAsDnsDoes() throws Exception {
        ValidatedConfig v = ConfigLoader.parseString("""
                floatlb {
                  node.name = n1
                  services.dns { vip = "127.0.0.10", proxy-protocol = v1,
                    ports = [{ port = 53, target-port = 5353, protocol = UDP }, { port = 53, target-port = 5353 }],
                    udp { idle-timeout = 10s, max-flows = 500 }, health-check.port = 5353,
                    endpoints = [{ address = "127.0.0.1", node = n1 }] }
                }
                """, "dns.conf");
        ServiceConfig dns = v.config().services().get(0);
        assertThat(dns.ports()).containsExactly(new PortMapping(53, 5353, Protocol.UDP), PortMapping.tcp(53, 5353));
        assertThat(dns.ports()).extracting(PortMapping::label).containsExactly("53:5353/UDP", "53:5353/TCP");
        assertThat(dns.udp()).isEqualTo(new UdpLimits(Duration.ofSeconds(10), 500));
        assertThat(dns.healthCheck().port()).isEqualTo(5353);
        assertThat(v.warnings()).extracting(ConfigProblem::toString)
                .anyMatch(w -> w.startsWith("dns.conf:3: ") && w.contains("proxy-protocol") && w.contains("TCP ports only"));
    }

    @Test
    void poolAddressesAreHandedOutLowestFirstInServiceNameOrder() throws Exception {
        FloatlbConfig c = ConfigLoader.parseString("""
                floatlb {
                  node.name = n1
                  address-pools.p.addresses = ["198.18.0.10-198.18.0.12"]
                  services.b { address-pool = p, ports = [{ port = 80 }], endpoints = [] }
                  services.a { address-pool = p, ports = [{ port = 80 }], endpoints = [] }
                  services.c { address-pool = p, vip = "198.18.0.10", ports = [{ port = 81 }], endpoints = [] }
                }
                """, "inline.conf").config();
        assertThat(c.service("c").orElseThrow().vip()).isEqualTo(InetAddress.getByName("198.18.0.10"));
        assertThat(c.service("a").orElseThrow().vip()).isEqualTo(InetAddress.getByName("198.18.0.11"));
        assertThat(c.service("b").orElseThrow().vip()).isEqualTo(InetAddress.getByName("198.18.0.12"));
    }

    @Test
    void aNonLoopbackAdminAddressIsAWarning() throws Exception {
        ValidatedConfig v = ConfigLoader.parseString("""
                floatlb { node.name = n1, admin.listen = "0.0.0.0:9180" }
                """, "inline.conf");
        assertThat(v.warnings()).extracting(ConfigProblem::toString)
                .containsExactly("inline.conf:1: warning: floatlb.admin.listen: the admin API on 0.0.0.0:9180 "
                        + "is reachable from the network and has no authentication");
    }

    @Test
    void aMissingFileIsOneClearError() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("no/such.conf")))
                .hasMessage("no/such.conf: no such file; pass the path of a HOCON config file with -c");
        assertThatThrownBy(() -> ConfigLoader.load(Path.of(".")))
                .hasMessage(".: not a regular file; pass the path of a HOCON config file with -c");
    }

    @Test
    void syntaxErrorsAreSaidInOurWordsWithTheirLine() {
        String[][] cases = {
                {"floatlb {\n  node.name = n1\n", "s.conf:3: syntax: the file ends inside an object: a '{' is never closed; add the missing '}'"},
                {"floatlb { node.name = n1 }}\n", "s.conf:1: syntax: a '}' closes nothing: remove it, or quote the value it belongs to"},
                {"floatlb { ports = [1, 2 }\n", "s.conf:1: syntax: a list is not closed where '}' stands: add ']' (or ',' between its items)"},
                {"floatlb {\n node.name = \"n1 }\n", "s.conf:2: syntax: a quoted string is not closed before the end of the line: add the closing '\"'"},
                {"floatlb { node.name n1 n2 }\n", "s.conf:1: syntax: after key 'node.name n1 n2' comes '}', where '=', ':' or '{' belongs (a key with spaces needs double quotes)"},
                {"floatlb { x = ${nothere} }\n", "s.conf:1: syntax: ${nothere} is not defined: a substitution names another key of this file or an environment variable"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> ConfigLoader.parseString(c[0], "s.conf")).as(c[0]).hasMessage(c[1]);
        }
    }

    @Test
    void aSwitchMayBeSpelledOnOrOffAsHoconAllows() throws Exception {
        String conf = """
                floatlb {
                  node.name = n1
                  coordination { handover = %s, failback = %s }
                  services.web { vip = "127.0.0.10", ports = [{ port = 8080 }],
                                 endpoints = [{ address = "127.0.0.1", node = n1 }] }
                }
                """;
        Coordination c = ConfigLoader.parseString(conf.formatted("off", "yes"), "inline.conf").config().coordination();
        assertThat(c.handover()).isFalse();
        assertThat(c.failback()).isTrue();
        assertThatThrownBy(() -> ConfigLoader.parseString(conf.formatted("maybe", "true"), "inline.conf"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.errors()).anyMatch(
                        p -> p.toString().contains("handover") && p.toString().contains("must be true or false (or on/off)")));
    }
}
