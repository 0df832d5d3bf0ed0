/**
 * Pure decisions of the election: who may own a VIP, in which order nodes prefer it,
 * what a node should do about it, and the per-VIP state machine.
 */
package io.floatlb.core.election;
