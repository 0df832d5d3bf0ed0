/**
 * Telling the LAN who owns a VIP: a pure ARP/NDP answerer, a thin pcap link under it,
 * gratuitous announcements on takeover.
 */
package io.floatlb.failover.announce;
