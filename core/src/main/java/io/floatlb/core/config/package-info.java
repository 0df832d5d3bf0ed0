/**
 * The HOCON config model and its one validator: every problem reported at once as
 * FILE:LINE; downstream code trusts the records it builds.
 */
package io.floatlb.core.config;
