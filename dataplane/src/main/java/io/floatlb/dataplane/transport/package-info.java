/**
 * Event loops and sockets (native epoll, else NIO); every wait on a loop from another
 * thread is bounded.
 */
package io.floatlb.dataplane.transport;
