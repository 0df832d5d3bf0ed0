/**
 * Whole HTTP/1.x replies for floatlb's own small servers.
 */
package io.floatlb.dataplane.http;
