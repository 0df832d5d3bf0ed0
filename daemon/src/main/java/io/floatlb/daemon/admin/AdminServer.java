package io.floatlb.daemon.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.status.ClusterView;
import io.floatlb.core.status.StatusJson;
import io.floatlb.core.status.StatusTable;
import io.floatlb.daemon.NodeRuntime;
import io.floatlb.daemon.reload.ConfigReloader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on {@code admin.listen} (loopback unless configured otherwise): status,
 * Prometheus metrics, reload, liveness and readiness. One thread serves it, so a reload
 * and a scrape never interleave, and nothing of it runs on the proxy's event loops.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService exec;

    private AdminServer(HttpServer server, ExecutorService exec) {
        this.server = server;
        this.exec = exec;
    }

    public static AdminServer start(HostPort listen, NodeRuntime node, ConfigReloader reloader, Metrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(listen.toSocketAddress(), 16);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + listen + " for the admin API (admin.listen): "
                    + e.getMessage(), e);
        }
        server.createContext("/healthz", get(x -> reply(x, 200, TEXT, "ok\n")));
        server.createContext("/readyz", get(x -> {
            boolean ready = node.ready();
            reply(x, ready ? 200 : 503, TEXT, ready ? "ready\n" : "not ready: no ZooKeeper connection or stopping\n");
        }));
        server.createContext("/status", get(x -> status(x, node.view())));
        server.createContext("/metrics", get(x -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            metrics.write(body);
            reply(x, 200, Metrics.CONTENT_TYPE, body.toByteArray());
        }));
        server.createContext("/reload", only("POST", x -> {
            ConfigReloader.Outcome o = reloader.reload("admin API");
            int code = switch (o.result()) {
                case APPLIED -> 200;
                case REJECTED -> 400;
                case FAILED -> 500;
            };
            reply(x, code, TEXT, String.join("\n", o.lines()) + "\n");
        }));
        server.createContext("/", x -> reply(x, 404, TEXT,
                "no such endpoint; try /status, /metrics, /healthz, /readyz or POST /reload\n"));
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(exec);
        server.start();
        log.info("admin API on http://{}/ (status, metrics, healthz, readyz, POST reload)", listen);
        return new AdminServer(server, exec);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code ?o=wide} or {@code ?o=table} for the table {@code floatlb status} prints; JSON otherwise. */
    private static void status(HttpExchange x, ClusterView view) throws IOException {
        String query = x.getRequestURI().getQuery();
        List<String> params = query == null ? List.of() : List.of(query.split("&"));
        if (params.contains("o=wide") || params.contains("o=table")) {
            reply(x, 200, TEXT, StatusTable.render(view, params.contains("o=wide")));
        } else {
            reply(x, 200, "application/json", StatusJson.render(view));
        }
    }

    private interface Handler {
        void handle(HttpExchange x) throws IOException;
    }

    private static HttpHandler get(Handler h) {
        return only("GET", h);
    }

    private static HttpHandler only(String method, Handler h) {
        return x -> {
            try (x) {
                if (!x.getRequestMethod().equals(method)) {
                    reply(x, 405, TEXT, "use " + method + " " + x.getRequestURI().getPath() + "\n");
                    return;
                }
                h.handle(x);
            } catch (RuntimeException e) {
                log.warn("admin API {} failed: {}", x.getRequestURI(), e.toString());
                reply(x, 500, TEXT, "internal error: " + e.getMessage() + "\n");
            }
        };
    }

    private static void reply(HttpExchange x, int code, String type, String body) throws IOException {
        reply(x, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange x, int code, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(code, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        exec.shutdownNow();
    }
}
