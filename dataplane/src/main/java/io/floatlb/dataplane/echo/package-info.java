/**
 * The echo backend: an HTTP/1.1 server that names itself and what it saw, PROXY header
 * included.
 */
package io.floatlb.dataplane.echo;
