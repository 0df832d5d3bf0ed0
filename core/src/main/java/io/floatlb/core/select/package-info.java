/**
 * Which endpoints a node may forward to under its traffic policy, and which one gets the
 * next connection.
 */
package io.floatlb.core.select;
