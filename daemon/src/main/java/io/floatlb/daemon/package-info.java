/**
 * The node agent's wiring, readable as the story of a node starting, reloading and
 * stopping: lock, event loops, services, cluster session, announcement.
 */
package io.floatlb.daemon;
