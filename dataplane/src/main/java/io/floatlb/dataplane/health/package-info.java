/**
 * Active health checks (TCP, HTTP) on the event loops, reporting to backend pools.
 */
package io.floatlb.dataplane.health;
