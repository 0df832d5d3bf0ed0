/**
 * Reloads from SIGHUP, the admin API and file changes: validate first, then apply as a
 * diff, never replacing a good config with a bad one.
 */
package io.floatlb.daemon.reload;
