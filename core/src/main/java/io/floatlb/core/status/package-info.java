/**
 * The cluster as one node sees it, and its renderings for floatlb status (table, JSON).
 */
package io.floatlb.core.status;
