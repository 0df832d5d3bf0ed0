/**
 * The TCP proxy: listeners per VIP:port, one route snapshot per accepted connection,
 * backend pools, relay with backpressure and half-close.
 */
package io.floatlb.dataplane.proxy;
