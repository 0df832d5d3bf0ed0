package io.floatlb.daemon.admin;

import io.floatlb.core.net.HostPort;
import io.floatlb.core.status.ClusterView;
import io.floatlb.core.status.StatusJson;
import io.floatlb.core.status.StatusTable;
import io.floatlb.daemon.NodeRuntime;
import io.floatlb.daemon.reload.ConfigReloader;
import io.floatlb.dataplane.transport.AcceptPause;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on {@code admin.listen} (loopback unless configured otherwise): status,
 * Prometheus metrics, reload, liveness and readiness. Connections are served by one
 * non-blocking event loop of its own, so a slow or half-open client costs a socket and
 * never a thread: {@code /healthz} answers whatever other clients do. Work that takes
 * time (status, metrics, reload) runs in order on one worker thread, so a reload and a
 * scrape never interleave, and nothing of it runs on the proxy's event loops.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final String TEXT = "text/plain; charset=utf-8";
    /** A request must arrive whole within this; a client idle this long is closed. */
    static final int IDLE_SECONDS = 10;
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_QUEUED = 64;

    private final EventLoopGroup loop;
    private final ExecutorService worker;
    private final Channel channel;

    private AdminServer(EventLoopGroup loop, ExecutorService worker, Channel channel) {
        this.loop = loop;
        this.worker = worker;
        this.channel = channel;
    }

    /** What a route answers. */
    record Reply(int code, String type, byte[] body) {
        static Reply text(int code, String body) {
            return new Reply(code, TEXT, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** One endpoint of the API; a quick one answers on the event loop, others on the worker. */
    record Route(HttpMethod method, boolean quick, Handler handler) {}

    interface Handler {
        Reply handle(Map<String, List<String>> query);
    }

    public static AdminServer start(HostPort listen, NodeRuntime node, ConfigReloader reloader, Metrics metrics) {
        Map<String, Route> routes = Map.of(
                "/healthz", new Route(HttpMethod.GET, true, q -> Reply.text(200, "ok\n")),
                "/readyz", new Route(HttpMethod.GET, true, q -> node.ready() ? Reply.text(200, "ready\n")
                        : Reply.text(503, "not ready: no ZooKeeper connection or stopping\n")),
                "/status", new Route(HttpMethod.GET, false, q -> status(q, node.view())),
                "/metrics", new Route(HttpMethod.GET, false, q -> metrics(metrics)),
                "/reload", new Route(HttpMethod.POST, false, q -> reload(reloader)),
                "/drain", new Route(HttpMethod.POST, false, q -> DrainRoutes.drain(q, node)),
                "/undrain", new Route(HttpMethod.POST, false, q -> DrainRoutes.undrain(q, node)),
                "/drain-progress", new Route(HttpMethod.GET, false, q -> DrainRoutes.progress(q, node)));
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                (ThreadFactory) r -> daemon(r, "admin-io"), NioIoHandler.newFactory());
        ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), r -> daemon(r, "admin"), new ThreadPoolExecutor.AbortPolicy());
        AtomicInteger open = new AtomicInteger();
        ChannelFuture bound = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .handler(new AcceptPause(new LongAdder()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS), new HttpServerCodec(4096, 8192, 8192),
                                new HttpObjectAggregator(64 * 1024), new AdminHandler(routes, worker));
                    }
                })
                .bind(listen.toSocketAddress());
        if (!bound.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bound.isSuccess()) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            worker.shutdownNow();
            String why = bound.cause() == null ? "timed out" : bound.cause().getMessage();
            throw new IllegalStateException("cannot listen on " + listen + " for the admin API (admin.listen): " + why
                    + "; is another floatlb running on this node?");
        }
        log.info("admin API on http://{}/ (status, metrics, healthz, readyz, drain-progress; POST reload, drain,"
                + " undrain)", listen);
        return new AdminServer(loop, worker, bound.channel());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code ?o=wide} or {@code ?o=table} for the table {@code floatlb status} prints; JSON otherwise. */
    private static Reply status(Map<String, List<String>> query, ClusterView view) {
        List<String> o = query.getOrDefault("o", List.of());
        if (o.contains("wide") || o.contains("table")) {
            return Reply.text(200, StatusTable.render(view, o.contains("wide")));
        }
        return new Reply(200, "application/json", StatusJson.render(view).getBytes(StandardCharsets.UTF_8));
    }

    private static Reply metrics(Metrics metrics) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        try {
            metrics.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Reply(200, Metrics.CONTENT_TYPE, body.toByteArray());
    }

    private static Reply reload(ConfigReloader reloader) {
        ConfigReloader.Outcome o = reloader.reload("admin API");
        int code = switch (o.result()) {
            case APPLIED -> 200;
            case REJECTED -> 400;
            case FAILED -> 500;
        };
        return Reply.text(code, String.join("\n", o.lines()) + "\n");
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        worker.shutdownNow();
    }
}
