package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.net.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where a command finds the running agent's admin API: {@code --admin}, else the
 * {@code admin.listen} of {@code -c FILE}, else the default 127.0.0.1:9180.
 */
final class AdminOptions {
    static final String DEFAULT = "127.0.0.1:9180";

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "the agent's admin API (default: admin.listen of -c FILE, else " + DEFAULT + ")")
    HostPort admin;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "read admin.listen from this config file")
    Path config;

    /** The reply of the admin API: status code and body. */
    record Reply(int status, String body) {}

    Reply send(String method, String path) throws Exception {
        HostPort target = target();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + target + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (ConnectException e) {
            throw new IllegalStateException("no agent answers on " + target
                    + " (is floatlb running? pass its admin.listen with --admin or -c FILE)", e);
        } catch (IOException e) {
            throw new IllegalStateException("admin API on " + target + ": " + e.getMessage(), e);
        }
    }

    /** The query that names a node ({@code --node}), or none for the agent's own. */
    static String nodeQuery(String node) {
        return node == null ? "" : "?node=" + URLEncoder.encode(node, StandardCharsets.UTF_8);
    }

    /** Prints the agent's reply as it came; picocli's writers flush only on println. */
    static void print(PrintWriter out, String text) {
        out.print(text);
        out.flush();
    }

    private HostPort target() throws InvalidConfigException {
        if (admin != null) {
            return admin;
        }
        if (config != null) {
            return ConfigLoader.load(config).config().adminListen();
        }
        return HostPort.parse(DEFAULT);
    }
}
