/**
 * The admin API (status, metrics, reload, healthz, readyz) on its own non-blocking loop,
 * and the Prometheus metrics it serves.
 */
package io.floatlb.daemon.admin;
