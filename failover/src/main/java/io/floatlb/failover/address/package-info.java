/**
 * VIP addresses on this host and the kernel ARP settings around them, changed with ip
 * and sysctl argument arrays on validated names.
 */
package io.floatlb.failover.address;
