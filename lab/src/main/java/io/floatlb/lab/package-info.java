/**
 * Labs on network namespaces (not shipped): real agents, a real ZooKeeper, a client
 * whose ARP is the kernel's; they measure what the README reports.
 */
package io.floatlb.lab;
