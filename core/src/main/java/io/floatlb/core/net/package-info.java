/**
 * IP addresses, ranges and host:port pairs, parsed and printed one way.
 */
package io.floatlb.core.net;
