package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ServiceConfig;

/**
 * What a connection needs of its service, read once when it is accepted: the config and
 * the pool of that moment. A reload publishes a new route; a connection keeps the one it
 * started with, so it never mixes an old config with a new pool.
 */
record Route(ServiceConfig config, BackendPool pool) {}
