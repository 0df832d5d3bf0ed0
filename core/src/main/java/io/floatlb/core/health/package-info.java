/**
 * An endpoint's health as rise/fall counting makes it, starting unknown.
 */
package io.floatlb.core.health;
